package dev.pgbridge.metadata.profile;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The column metrics of the profiler with OpenMetadata's names ({@code MetricType}), as {@code includeColumns[].metrics}
 * names them.
 */
public enum Metric {
    VALUES_COUNT("valuesCount"), NULL_COUNT("nullCount"), NULL_PROPORTION("nullProportion"),
    DISTINCT_COUNT("distinctCount"), DISTINCT_PROPORTION("distinctProportion"), UNIQUE_COUNT("uniqueCount"),
    UNIQUE_PROPORTION("uniqueProportion"), DUPLICATE_COUNT("duplicateCount"), MIN("min"), MAX("max"),
    MIN_LENGTH("minLength"), MAX_LENGTH("maxLength"), MEAN("mean"), SUM("sum"), STDDEV("stddev"), MEDIAN("median"),
    FIRST_QUARTILE("firstQuartile"), THIRD_QUARTILE("thirdQuartile"), INTER_QUARTILE_RANGE("interQuartileRange"),
    NON_PARAMETRIC_SKEW("nonParametricSkew"), HISTOGRAM("histogram"),
    CARDINALITY_DISTRIBUTION("cardinalityDistribution");

    private final String omName;

    Metric(String omName) {
        this.omName = omName;
    }

    /** OpenMetadata's name. */
    public String omName() {
        return omName;
    }

    public static Optional<Metric> ofName(String name) {
        return Arrays.stream(values()).filter(m -> m.omName.equals(name)).findFirst();
    }

    /** Every name, in OpenMetadata's order (for hints). */
    public static List<String> columnNames() {
        return Arrays.stream(values()).map(Metric::omName).toList();
    }
}
