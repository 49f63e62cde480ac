package dev.pgbridge.metadata.profile;

import java.util.EnumSet;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * A column to profile: its name, PostgreSQL type, the family of metrics its type allows, and the metrics asked for.
 *
 * @param type    the type as PostgreSQL prints it ({@code format_type})
 * @param metrics the metrics to compute: those asked for that apply to the kind
 */
record ProfiledColumn(String name, String type, Kind kind, Set<Metric> metrics) {
    /** What the metrics of a type are computed on. */
    enum Kind {
        /** Numbers: values. */
        NUMBER,
        /** Character strings: lengths ({@code length(col::text)}), and values for cardinality. */
        TEXT,
        /** Dates and times: {@code min}/{@code max} only. */
        TEMPORAL,
        /** Booleans and every other type: counts, distinct and unique values (compared as their text). */
        OTHER
    }

    private static final Set<Metric> COUNTS = EnumSet.of(Metric.VALUES_COUNT, Metric.NULL_COUNT,
            Metric.NULL_PROPORTION, Metric.DISTINCT_COUNT, Metric.DISTINCT_PROPORTION, Metric.UNIQUE_COUNT,
            Metric.UNIQUE_PROPORTION, Metric.DUPLICATE_COUNT);
    /** Metrics computed from the grouped pass. */
    static final Set<Metric> GROUPED = EnumSet.of(Metric.DISTINCT_COUNT, Metric.DISTINCT_PROPORTION,
            Metric.UNIQUE_COUNT, Metric.UNIQUE_PROPORTION, Metric.DUPLICATE_COUNT, Metric.HISTOGRAM,
            Metric.CARDINALITY_DISTRIBUTION);
    /** Metrics that need the quartiles. */
    static final Set<Metric> QUARTILES = EnumSet.of(Metric.MEDIAN, Metric.FIRST_QUARTILE, Metric.THIRD_QUARTILE,
            Metric.INTER_QUARTILE_RANGE, Metric.NON_PARAMETRIC_SKEW, Metric.HISTOGRAM);

    ProfiledColumn {
        requireNonNull(name, "name is null");
        requireNonNull(type, "type is null");
        requireNonNull(kind, "kind is null");
        metrics = metrics.isEmpty() ? EnumSet.noneOf(Metric.class) : EnumSet.copyOf(metrics);
        metrics.retainAll(applicable(kind));
    }

    /** The kind of a type by its oid (built-in types; domains, enums and the rest are {@link Kind#OTHER}). */
    static Kind kindOf(int typeOid) {
        return switch (typeOid) {
            case 20, 21, 23, 700, 701, 1700 -> Kind.NUMBER;
            case 25, 1042, 1043, 19 -> Kind.TEXT;
            case 1082, 1083, 1114, 1184, 1266 -> Kind.TEMPORAL;
            default -> Kind.OTHER;
        };
    }

    /** The metrics that make sense for a kind. */
    static Set<Metric> applicable(Kind kind) {
        Set<Metric> out = EnumSet.copyOf(COUNTS);
        switch (kind) {
            case NUMBER -> out.addAll(EnumSet.of(Metric.MIN, Metric.MAX, Metric.MEAN, Metric.SUM, Metric.STDDEV,
                    Metric.MEDIAN, Metric.FIRST_QUARTILE, Metric.THIRD_QUARTILE, Metric.INTER_QUARTILE_RANGE,
                    Metric.NON_PARAMETRIC_SKEW, Metric.HISTOGRAM));
            case TEXT -> out.addAll(EnumSet.of(Metric.MIN, Metric.MAX, Metric.MIN_LENGTH, Metric.MAX_LENGTH,
                    Metric.MEAN, Metric.STDDEV, Metric.MEDIAN, Metric.FIRST_QUARTILE, Metric.THIRD_QUARTILE,
                    Metric.INTER_QUARTILE_RANGE, Metric.NON_PARAMETRIC_SKEW, Metric.HISTOGRAM,
                    Metric.CARDINALITY_DISTRIBUTION));
            case TEMPORAL -> out.addAll(EnumSet.of(Metric.MIN, Metric.MAX));
            case OTHER -> {
            }
        }
        return out;
    }

    boolean wants(Metric metric) {
        return metrics.contains(metric);
    }

    boolean wantsAny(Set<Metric> some) {
        return some.stream().anyMatch(metrics::contains);
    }

    /** Whether the numeric metrics (mean, stddev, quartiles, histogram) are taken on values or lengths. */
    boolean measured() {
        return kind == Kind.NUMBER || kind == Kind.TEXT;
    }
}
