package dev.pgbridge.server.ui;

import dev.pgbridge.metadata.catalogstore.ProfileStore;
import dev.pgbridge.metadata.openmetadata.Requests;
import dev.pgbridge.server.metadata.MetadataCatalog;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The "Profile" section of a table page ({@code metadata/profile.jte}), all text and coordinates worked out here: the
 * latest run's table metrics, one row per column with its main metrics, tags and a histogram drawn as a small SVG bar
 * chart, the sample rows (a column tagged {@code PII.Sensitive} masked here too, whatever the profiler sent), and the
 * runs kept. The template escapes every value.
 */
public record ProfileView(boolean profiled, String profiledAt, int runs, List<Fact> facts, List<ColumnRow> columns,
                          List<String> sampleColumns, List<List<Cell>> sampleRows, List<RunRow> history) {
    static final int CHART_WIDTH = 120;
    static final int CHART_HEIGHT = 32;
    static final String MASK = dev.pgbridge.metadata.profile.pii.PiiTag.MASK;

    public ProfileView {
        facts = List.copyOf(facts);
        columns = List.copyOf(columns);
        sampleColumns = List.copyOf(sampleColumns);
        sampleRows = List.copyOf(sampleRows);
        history = List.copyOf(history);
    }

    public record Fact(String name, String value) {
    }

    /** A profiled column; {@code profiledAt} is set only when its profile is from an earlier run than the latest. */
    public record ColumnRow(String name, List<String> metrics, List<String> tags, String profiledAt,
                            Histogram histogram) {
        public ColumnRow {
            metrics = List.copyOf(metrics);
            tags = List.copyOf(tags);
        }

        /** A tag as a CSS class suffix: {@code pii} for PII.Sensitive, else plain. */
        public String tagClass(String tag) {
            return isSensitive(tag) ? "badge tag pii" : "badge tag";
        }
    }

    /** A bar chart of a histogram: its text for screen readers ({@code aria-label}) and its bars. */
    public record Histogram(String label, int width, int height, List<Bar> bars) {
        public Histogram {
            bars = List.copyOf(bars);
        }
    }

    /** One bin: its rectangle and its text ({@code "10 to 20: 4"}). */
    public record Bar(int x, int y, int width, int height, String title) {
    }

    /** A sample value: as text, or masked, or SQL NULL. */
    public record Cell(String text, boolean masked, boolean isNull) {
    }

    public record RunRow(String at, String rowCount, String columnCount, String size, int columnsProfiled) {
    }

    /** The column metrics of the table, OpenMetadata's names; {@link #METRIC_LABELS} says them for people. */
    public static final List<String> METRICS = List.of("valuesCount", "nullProportion", "distinctCount",
            "uniqueProportion", "min", "max", "mean", "stddev");
    public static final List<String> METRIC_LABELS = List.of("Values", "Null %", "Distinct", "Unique %", "Min", "Max",
            "Mean", "Std dev");

    public static ProfileView of(MetadataCatalog.Profile profile) {
        Map<String, List<String>> tags = new LinkedHashMap<>();
        for (Requests.ColumnTag t : profile.tags()) {
            tags.computeIfAbsent(t.column(), k -> new ArrayList<>()).add(t.tag().tagFQN());
        }
        List<String> sampleColumns = profile.sample() == null ? List.of() : profile.sample().columns();
        List<List<Cell>> sampleRows = new ArrayList<>();
        if (profile.sample() != null) {
            for (List<Object> row : profile.sample().rows()) {
                List<Cell> cells = new ArrayList<>();
                for (int i = 0; i < row.size(); i++) {
                    Object v = row.get(i);
                    boolean masked = i < sampleColumns.size()
                            && tags.getOrDefault(sampleColumns.get(i), List.of()).stream()
                            .anyMatch(ProfileView::isSensitive);
                    cells.add(masked ? new Cell(MASK, true, false) : v == null ? new Cell("NULL", false, true)
                            : new Cell(String.valueOf(v), false, false));
                }
                sampleRows.add(cells);
            }
        }
        List<RunRow> history = new ArrayList<>();
        for (ProfileStore.Run run : profile.runs()) {
            Requests.TableProfile t = run.table();
            history.add(new RunRow(time(t.timestamp()), MetadataPages.rows(t.rowCount()),
                    t.columnCount() == null ? "—" : String.valueOf(t.columnCount()),
                    MetadataPages.bytes(t.sizeInByte()), run.columnsProfiled()));
        }
        ProfileStore.Latest latest = profile.latest();
        if (latest == null) {
            return new ProfileView(false, null, 0, List.of(), List.of(), sampleColumns, sampleRows, history);
        }
        Requests.TableProfile t = latest.table();
        List<Fact> facts = new ArrayList<>();
        facts.add(new Fact("Rows", MetadataPages.rows(t.rowCount())));
        facts.add(new Fact("Columns", t.columnCount() == null ? "—" : String.valueOf(t.columnCount())));
        facts.add(new Fact("Size", MetadataPages.bytes(t.sizeInByte())));
        if (t.profileSample() != null) {
            facts.add(new Fact("Sample", ProfileStore.text(t.profileSample())
                    + ("ROWS".equals(t.profileSampleType()) ? " rows" : " %")));
        }
        if (t.createDateTime() != null) {
            facts.add(new Fact("Created", time(t.createDateTime())));
        }
        List<ColumnRow> columns = new ArrayList<>();
        for (Requests.ColumnProfile c : latest.columns()) {
            Map<String, Object> m = metrics(c);
            List<String> values = new ArrayList<>();
            for (String metric : METRICS) {
                Object v = m.get(metric);
                values.add(v == null ? "—" : metric.endsWith("Proportion") && v instanceof Double d
                        ? ProfileStore.text(Math.round(d * 10000) / 100.0) : ProfileStore.text(v));
            }
            columns.add(new ColumnRow(c.name(), values, tags.getOrDefault(c.name(), List.of()),
                    c.timestamp() == t.timestamp() ? null : time(c.timestamp()), histogram(c)));
        }
        return new ProfileView(true, time(t.timestamp()), latest.runs(), facts, columns, sampleColumns, sampleRows,
                history);
    }

    /** The bars of a column's histogram scaled to the chart; null when it has none. */
    static Histogram histogram(Requests.ColumnProfile column) {
        Requests.Histogram h = column.histogram();
        if (h == null || h.frequencies().isEmpty()) {
            return null;
        }
        int n = Math.min(h.frequencies().size(), h.boundaries().size());
        long max = 1;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, h.frequencies().get(i));
        }
        double slot = (double) CHART_WIDTH / n;
        int barWidth = Math.max(1, (int) Math.floor(slot) - 1);
        List<Bar> bars = new ArrayList<>();
        List<String> said = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long f = h.frequencies().get(i);
            int height = f == 0 ? 0 : Math.max(1, (int) Math.round((double) f * CHART_HEIGHT / max));
            String title = h.boundaries().get(i) + ": " + f;
            bars.add(new Bar((int) Math.floor(i * slot), CHART_HEIGHT - height, barWidth, height, title));
            said.add(title);
        }
        return new Histogram("Histogram of " + column.name() + ", rows per bin: " + String.join("; ", said),
                CHART_WIDTH, CHART_HEIGHT, bars);
    }

    static boolean isSensitive(String tag) {
        return tag.equals("PII.Sensitive");
    }

    private static Map<String, Object> metrics(Requests.ColumnProfile c) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Map.Entry<String, com.fasterxml.jackson.databind.JsonNode> e
                : Requests.JSON.<com.fasterxml.jackson.databind.JsonNode>valueToTree(c).properties()) {
            m.put(e.getKey(), e.getValue().isNumber() ? (Object) e.getValue().doubleValue() : e.getValue().asText());
        }
        return m;
    }

    private static String time(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis).toString();
    }
}
