package dev.pgbridge.metadata.workflow;

import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.error.Suggestions;
import dev.pgbridge.metadata.ingest.IgnoredKeys;
import dev.pgbridge.metadata.profile.Metric;
import dev.pgbridge.metadata.profile.ProfilerSettings;
import dev.pgbridge.query.SqlScript;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.pgbridge.metadata.workflow.WorkflowReader.filter;
import static dev.pgbridge.metadata.workflow.WorkflowReader.flag;
import static dev.pgbridge.metadata.workflow.WorkflowReader.mapAt;
import static dev.pgbridge.metadata.workflow.WorkflowReader.string;
import static dev.pgbridge.metadata.workflow.WorkflowReader.whole;

/** The checked {@code sourceConfig.config} and {@code processor.config} of a Profiler workflow as its settings. */
final class ProfilerConfigReader {
    private static final String PIPELINE = "source.sourceConfig.config";
    private static final String TABLES = "processor.config.tableConfig";

    static ProfilerSettings read(Map<?, ?> pipeline, Map<?, ?> processor) {
        List<ProfilerSettings.TableConfig> tables = new ArrayList<>();
        if (processor.get("tableConfig") instanceof List<?> list) {
            for (Object item : list) {
                tables.add(tableConfig((Map<?, ?>) item));
            }
        }
        boolean pii = flag(pipeline, "processPiiSensitive", flag(pipeline, "autoTagPII", false));
        return new ProfilerSettings(filter(mapAt(pipeline, "databaseFilterPattern")),
                filter(mapAt(pipeline, "schemaFilterPattern")), filter(mapAt(pipeline, "tableFilterPattern")),
                flag(pipeline, "useFqnForFiltering", false), flag(pipeline, "includeViews", true),
                flag(pipeline, "generateSampleData", true),
                whole(pipeline, "sampleDataCount", ProfilerSettings.DEFAULT_SAMPLE_DATA_COUNT),
                flag(pipeline, "computeMetrics", true), pii,
                number(pipeline.get("confidence"), ProfilerSettings.DEFAULT_CONFIDENCE),
                number(pipeline.get("profileSample")),
                sampleType(pipeline.get("profileSampleType"), ProfilerSettings.SampleType.PERCENTAGE),
                pipeline.get("samplingMethodType") == null ? ProfilerSettings.SamplingMethod.BERNOULLI
                        : ProfilerSettings.SamplingMethod.valueOf(string(pipeline.get("samplingMethodType"))),
                (int) number(pipeline.get("threadCount"), ProfilerSettings.DEFAULT_THREAD_COUNT),
                whole(pipeline, "timeoutSeconds", ProfilerSettings.DEFAULT_TIMEOUT_SECONDS), tables,
                IgnoredKeys.present(pipeline, WorkflowSchema.PROFILER_IGNORED));
    }

    private static ProfilerSettings.TableConfig tableConfig(Map<?, ?> t) {
        Map<?, ?> columns = mapAt(t, "columnConfig");
        ProfilerSettings.ColumnConfig columnConfig = null;
        if (columns != null) {
            List<ProfilerSettings.IncludeColumn> include = new ArrayList<>();
            if (columns.get("includeColumns") instanceof List<?> list) {
                for (Object item : list) {
                    Map<?, ?> c = (Map<?, ?>) item;
                    include.add(new ProfilerSettings.IncludeColumn(string(c.get("columnName")),
                            strings(c.get("metrics"))));
                }
            }
            columnConfig = new ProfilerSettings.ColumnConfig(strings(columns.get("excludeColumns")), include);
        }
        Map<?, ?> p = mapAt(t, "partitionConfig");
        ProfilerSettings.PartitionConfig partition = p == null ? null : new ProfilerSettings.PartitionConfig(
                flag(p, "enablePartitioning", false), string(p.get("partitionColumnName")),
                p.get("partitionIntervalType") == null ? null
                        : ProfilerSettings.PartitionIntervalType.of(string(p.get("partitionIntervalType"))),
                p.get("partitionInterval") instanceof Number n ? n.intValue() : null,
                string(p.get("partitionIntervalUnit")), strings(p.get("partitionValues")),
                p.get("partitionIntegerRangeStart") instanceof Number n ? n.longValue() : null,
                p.get("partitionIntegerRangeEnd") instanceof Number n ? n.longValue() : null);
        return new ProfilerSettings.TableConfig(string(t.get("fullyQualifiedName")), number(t.get("profileSample")),
                sampleType(t.get("profileSampleType"), null),
                t.get("sampleDataCount") instanceof Number n ? n.intValue() : null, string(t.get("profileQuery")),
                columnConfig, partition);
    }

    /**
     * The rules the key shapes cannot say: numbers and their ranges, the items of {@code tableConfig} and of its
     * {@code includeColumns} (checked against their shapes), metric names, and what each partition type needs.
     */
    static void check(Map<?, ?> root, List<WorkflowProblem> problems) {
        if (!WorkflowSchema.PROFILER.equals(WorkflowSchema.pipelineType(root))) {
            return;
        }
        Map<?, ?> pipeline = mapAt(root, "source", "sourceConfig", "config");
        if (pipeline != null) {
            checkSample(pipeline, PIPELINE, problems);
            range(pipeline, PIPELINE, "confidence", 0, 100, false, "a confidence from 0 to 100, e.g. 80 "
                    + "(OpenMetadata's default)", problems);
            range(pipeline, PIPELINE, "threadCount", 1, 64, true, "the number of tables profiled at once, e.g. 5 "
                    + "(OpenMetadata's default)", problems);
            range(pipeline, PIPELINE, "timeoutSeconds", 1, Integer.MAX_VALUE, true, "the most seconds one table "
                    + "may take, e.g. 43200 (OpenMetadata's default)", problems);
            range(pipeline, PIPELINE, "sampleDataCount", 1, 10_000, true, "the number of sample rows, e.g. 50",
                    problems);
        }
        Object tables = WorkflowReader.valueAt(root, "processor", "config", "tableConfig");
        if (tables == null) {
            return;
        }
        if (!(tables instanceof List<?> list)) {
            problems.add(new WorkflowProblem(TABLES, "expected a list of tables, found "
                    + (tables instanceof Map<?, ?> ? "a mapping" : "'" + tables + "'"),
                    "write one '- fullyQualifiedName: service.database.schema.table' item per table"));
            return;
        }
        for (int i = 0; i < list.size(); i++) {
            String at = TABLES + "[" + i + "]";
            Object item = list.get(i);
            int before = problems.size();
            WorkflowReader.check(item, WorkflowSchema.TABLE_CONFIG, at, problems);
            if (problems.size() > before || !(item instanceof Map<?, ?> t)) {
                continue;
            }
            checkSample(t, at, problems);
            if (t.get("profileQuery") instanceof String query) {
                try {
                    SqlScript.query(query, "profileQuery");
                }
                catch (PgBridgeException e) {
                    problems.add(new WorkflowProblem(at + ".profileQuery", e.getMessage(), e.hint()));
                }
            }
            Map<?, ?> columns = mapAt(t, "columnConfig");
            if (columns != null) {
                checkColumns(columns, at + ".columnConfig", problems);
            }
            Map<?, ?> partition = mapAt(t, "partitionConfig");
            if (partition != null) {
                checkPartition(partition, at + ".partitionConfig", problems);
            }
        }
    }

    private static void checkSample(Map<?, ?> map, String path, List<WorkflowProblem> problems) {
        boolean rows = "ROWS".equals(map.get("profileSampleType"));
        if (rows) {
            range(map, path, "profileSample", 1, Long.MAX_VALUE, true, "with profileSampleType ROWS, the number "
                    + "of rows to profile, e.g. 100000", problems);
        }
        else {
            range(map, path, "profileSample", 0, 100, false, "with profileSampleType PERCENTAGE (the default), "
                    + "the percentage of rows to profile, more than 0 and at most 100, e.g. 10", problems);
            if (map.get("profileSample") instanceof Number n && n.doubleValue() == 0) {
                problems.add(new WorkflowProblem(path + ".profileSample", "is 0, which profiles no row",
                        "a percentage more than 0 and at most 100, e.g. 10; or leave profileSample out to profile "
                                + "every row"));
            }
        }
    }

    private static void checkColumns(Map<?, ?> columns, String path, List<WorkflowProblem> problems) {
        Object exclude = columns.get("excludeColumns");
        if (exclude != null && !(exclude instanceof List<?> l && l.stream().allMatch(String.class::isInstance))) {
            problems.add(new WorkflowProblem(path + ".excludeColumns", "expected a list of column names",
                    "write excludeColumns: [name, \"Other Name\"]"));
        }
        Object include = columns.get("includeColumns");
        if (include == null) {
            return;
        }
        if (!(include instanceof List<?> list)) {
            problems.add(new WorkflowProblem(path + ".includeColumns", "expected a list of columns",
                    "write one '- columnName: name' item per column, with metrics: [mean, median] to pick metrics"));
            return;
        }
        for (int i = 0; i < list.size(); i++) {
            String at = path + ".includeColumns[" + i + "]";
            int before = problems.size();
            WorkflowReader.check(list.get(i), WorkflowSchema.INCLUDE_COLUMN, at, problems);
            if (problems.size() > before || !(list.get(i) instanceof Map<?, ?> c) || c.get("metrics") == null) {
                continue;
            }
            if (!(c.get("metrics") instanceof List<?> metrics)) {
                problems.add(new WorkflowProblem(at + ".metrics", "expected a list of metric names",
                        "valid metrics: " + String.join(", ", Metric.columnNames())));
                continue;
            }
            for (int m = 0; m < metrics.size(); m++) {
                String name = String.valueOf(metrics.get(m));
                if (Metric.ofName(name).isEmpty()) {
                    String near = Suggestions.didYouMean(name, Metric.columnNames());
                    problems.add(new WorkflowProblem(at + ".metrics[" + m + "]", "'" + name
                            + "' is not a metric of pgbridge's profiler", (near == null ? "" : near + " ")
                            + "valid metrics: " + String.join(", ", Metric.columnNames())));
                }
            }
        }
    }

    private static void checkPartition(Map<?, ?> p, String path, List<WorkflowProblem> problems) {
        if (!Boolean.TRUE.equals(p.get("enablePartitioning"))) {
            return;
        }
        Object type = p.get("partitionIntervalType");
        if (p.get("partitionColumnName") == null) {
            problems.add(new WorkflowProblem(path + ".partitionColumnName", "is missing",
                    "name the column the partition filter applies to"));
        }
        if (type == null) {
            problems.add(new WorkflowProblem(path + ".partitionIntervalType", "is missing",
                    "valid choices: TIME-UNIT, INGESTION-TIME, COLUMN-VALUE, INTEGER-RANGE"));
            return;
        }
        switch (String.valueOf(type)) {
            case "TIME-UNIT", "INGESTION-TIME" -> {
                if (!(p.get("partitionInterval") instanceof Number n) || n.longValue() < 1) {
                    problems.add(new WorkflowProblem(path + ".partitionInterval", p.get("partitionInterval") == null
                            ? "is missing" : "must be at least 1", "the number of units back from now, e.g. 1 with "
                            + "partitionIntervalUnit: DAY"));
                }
                if (p.get("partitionIntervalUnit") == null) {
                    problems.add(new WorkflowProblem(path + ".partitionIntervalUnit", "is missing",
                            "valid choices: YEAR, MONTH, DAY, HOUR"));
                }
            }
            case "COLUMN-VALUE" -> {
                if (!(p.get("partitionValues") instanceof List<?> values) || values.isEmpty()
                        || values.stream().anyMatch(v -> v instanceof Map<?, ?> || v instanceof List<?>)) {
                    problems.add(new WorkflowProblem(path + ".partitionValues", "expected a non-empty list of values",
                            "write partitionValues: [a, b]"));
                }
            }
            case "INTEGER-RANGE" -> {
                Object start = p.get("partitionIntegerRangeStart");
                Object end = p.get("partitionIntegerRangeEnd");
                if (start == null || end == null) {
                    problems.add(new WorkflowProblem(path + (start == null ? ".partitionIntegerRangeStart"
                            : ".partitionIntegerRangeEnd"), "is missing", "give both ends of the range (included)"));
                }
                else if (start instanceof Number s && end instanceof Number e && s.longValue() > e.longValue()) {
                    problems.add(new WorkflowProblem(path + ".partitionIntegerRangeEnd", "is less than "
                            + "partitionIntegerRangeStart", "swap the two ends"));
                }
            }
            default -> {
                // an invalid choice is reported by the shape check
            }
        }
    }

    /** A number between {@code min} and {@code max} (both included), whole when {@code whole}, or absent. */
    private static void range(Map<?, ?> map, String path, String key, double min, double max, boolean whole,
                              String hint, List<WorkflowProblem> problems) {
        Object value = map.get(key);
        if (value == null) {
            return;
        }
        boolean isWhole = value instanceof Integer || value instanceof Long;
        if (!(value instanceof Number n) || whole && !isWhole) {
            problems.add(new WorkflowProblem(path + "." + key, "expected " + (whole ? "a whole number" : "a number")
                    + ", found '" + value + "'", hint));
            return;
        }
        if (n.doubleValue() < min || n.doubleValue() > max) {
            problems.add(new WorkflowProblem(path + "." + key, "is " + value + ", out of range", hint));
        }
    }

    private static double number(Object value, double defaultValue) {
        return value instanceof Number n ? n.doubleValue() : defaultValue;
    }

    private static Double number(Object value) {
        return value instanceof Number n ? n.doubleValue() : null;
    }

    private static ProfilerSettings.SampleType sampleType(Object value, ProfilerSettings.SampleType defaultValue) {
        return value == null ? defaultValue : ProfilerSettings.SampleType.valueOf(String.valueOf(value));
    }

    private static List<String> strings(Object value) {
        List<String> out = new ArrayList<>();
        if (value instanceof List<?> list) {
            list.forEach(v -> out.add(String.valueOf(v)));
        }
        return out;
    }

    private ProfilerConfigReader() {
    }
}
