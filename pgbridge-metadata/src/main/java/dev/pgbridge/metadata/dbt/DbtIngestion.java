package dev.pgbridge.metadata.dbt;

import dev.pgbridge.metadata.ingest.MetadataIngestion;
import dev.pgbridge.metadata.ingest.StepStatus;
import dev.pgbridge.metadata.lineage.ColumnEdge;
import dev.pgbridge.metadata.lineage.LineageException;
import dev.pgbridge.metadata.lineage.SqlLineage;
import dev.pgbridge.metadata.lineage.StatementLineage;
import dev.pgbridge.metadata.lineage.TableName;
import dev.pgbridge.metadata.openmetadata.DataTypes;
import dev.pgbridge.metadata.openmetadata.EntityRef;
import dev.pgbridge.metadata.openmetadata.Fqn;
import dev.pgbridge.metadata.openmetadata.RequestSink;
import dev.pgbridge.metadata.openmetadata.Requests;
import dev.pgbridge.metadata.openmetadata.TestCaseNames;

import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static java.util.Objects.requireNonNull;

/**
 * Runs a DBT workflow into a sink, in OpenMetadata's order ({@code dbt_service.py}): dbt's tags (a classification and
 * its tags), the data models ({@code PUT /v1/tables/{id}/dataModel}), lineage (model to model and source to model from
 * {@code depends_on}, column lineage from the compiled SQL through {@link SqlLineage}), descriptions, owners, and the
 * tests with the last run's results.
 *
 * <p>dbt never creates tables in the catalog: models, seeds, snapshots and sources are matched to the tables a
 * DatabaseMetadata run ingested by {@code service.database.schema.alias}; one the sink's catalog does not hold is a
 * warning and is left out. Ephemeral models are no tables: they are skipped, and lineage goes through them to what they
 * read.
 */
public final class DbtIngestion {
    /** How OpenMetadata labels tags that came from dbt. */
    private static final String TAG_SOURCE = "Classification";
    private static final String SINGULAR = "a singular dbt test";

    private final String serviceName;
    private final DbtSettings settings;
    private final StepStatus source;
    private final StepStatus sink;
    private final Clock clock;
    /** When this run started: the time of a result dbt gave none ({@code completed_at}, {@code generated_at}). */
    private long runAt;

    public DbtIngestion(String serviceName, DbtSettings settings, StepStatus source, StepStatus sink) {
        this(serviceName, settings, source, sink, Clock.systemUTC());
    }

    /** @param clock the run's clock: the time of a test result dbt's files give no time for */
    public DbtIngestion(String serviceName, DbtSettings settings, StepStatus source, StepStatus sink, Clock clock) {
        this.clock = requireNonNull(clock, "clock is null");
        this.serviceName = requireNonNull(serviceName, "serviceName is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.source = requireNonNull(source, "source is null");
        this.sink = requireNonNull(sink, "sink is null");
    }

    /** @param connector unused: dbt's files say everything (the workflow needs no serviceConnection) */
    public void run(MetadataIngestion.Connector connector, RequestSink out) {
        runAt = clock.millis();
        DbtProject project = DbtProject.read(settings);
        Map<String, String> tables = match(project, out);
        if (settings.includeTags()) {
            tags(project, tables, out);
        }
        for (Map.Entry<String, String> t : tables.entrySet()) {
            send(out, Requests.dataModel(t.getValue(), dataModel(project, project.nodes().get(t.getKey()))));
        }
        lineage(project, tables, out);
        for (Map.Entry<String, String> t : tables.entrySet()) {
            descriptions(project.nodes().get(t.getKey()), t.getValue(), out);
        }
        for (Map.Entry<String, String> t : tables.entrySet()) {
            String owner = project.nodes().get(t.getKey()).owner();
            if (owner != null) {
                send(out, Requests.tablePatch(t.getValue(), new Requests.TablePatch(null, List.of(),
                        EntityRef.of("user", owner), false)));
            }
        }
        tests(project, tables, out);
    }

    // ---- matching nodes to tables

    /** The unique id of every node that is a table of the catalog → that table's FQN, in the manifest's order. */
    private Map<String, String> match(DbtProject project, RequestSink out) {
        Map<String, String> tables = new LinkedHashMap<>();
        for (DbtProject.Node node : project.nodes().values()) {
            if (node.ephemeral()) {
                continue;
            }
            if (node.database() == null || node.schema() == null) {
                source.warning(node.uniqueId() + " names no database and schema; left out");
                continue;
            }
            String fqn = Fqn.table(serviceName, node.database(), node.schema(), node.alias());
            if (settings.databaseFilter().filters(node.database()) || settings.schemaFilter().filters(node.schema())
                    || settings.tableFilter().filters(node.alias())) {
                source.filtered(fqn);
                continue;
            }
            if (!out.hasTable(fqn).orElse(true)) {
                source.warning(node.resourceType() + " " + node.uniqueId() + ": table " + fqn
                        + " not found in the catalog: run the DatabaseMetadata workflow first");
                continue;
            }
            source.processed();
            tables.put(node.uniqueId(), fqn);
        }
        return tables;
    }

    // ---- tags

    private void tags(DbtProject project, Map<String, String> tables, RequestSink out) {
        Set<String> names = new TreeSet<>();
        for (String id : tables.keySet()) {
            DbtProject.Node node = project.nodes().get(id);
            names.addAll(node.tags());
            node.columns().forEach(c -> names.addAll(c.tags()));
        }
        if (names.isEmpty()) {
            return;
        }
        String classification = settings.classificationName();
        send(out, Requests.classification(new Requests.CreateClassification(classification,
                "dbt tags of the models, seeds, snapshots and sources")));
        for (String name : names) {
            send(out, Requests.tag(new Requests.CreateTag(name, "dbt tag " + name, classification)));
        }
        for (Map.Entry<String, String> t : tables.entrySet()) {
            List<Requests.ColumnTag> columnTags = new ArrayList<>();
            for (DbtProject.DocumentedColumn c : project.nodes().get(t.getKey()).columns()) {
                c.tags().forEach(tag -> columnTags.add(new Requests.ColumnTag(c.name(), label(tag))));
            }
            if (!columnTags.isEmpty()) {
                send(out, Requests.Request.columnTags(t.getValue(), new Requests.ColumnTags(columnTags)));
            }
        }
    }

    private Requests.TagLabel label(String tag) {
        return new Requests.TagLabel(Fqn.build(settings.classificationName(), tag), TAG_SOURCE, "Automated",
                "Confirmed");
    }

    private List<Requests.TagLabel> labels(List<String> tags) {
        return !settings.includeTags() || tags.isEmpty() ? null : tags.stream().map(this::label).toList();
    }

    // ---- data models

    private Requests.DataModel dataModel(DbtProject project, DbtProject.Node node) {
        Map<String, DbtProject.DocumentedColumn> documented = new LinkedHashMap<>();
        node.columns().forEach(c -> documented.put(c.name(), c));
        List<Requests.DataModelColumn> columns = new ArrayList<>();
        for (DbtProject.CatalogColumn c : project.catalogColumns(node.uniqueId())) {
            DbtProject.DocumentedColumn doc = documented.remove(c.name());
            columns.add(new Requests.DataModelColumn(c.name(), dataType(c.type()), c.type(),
                    doc == null ? null : doc.description(), doc == null ? null : labels(doc.tags())));
        }
        for (DbtProject.DocumentedColumn doc : documented.values()) {
            columns.add(new Requests.DataModelColumn(doc.name(), "UNKNOWN", null, doc.description(),
                    labels(doc.tags())));
        }
        List<String> upstream = upstreamNodes(project, node).stream().map(up -> fqn(project.nodes().get(up)))
                .toList();
        return new Requests.DataModel("DBT", node.resourceType(), node.description(), node.path(), node.rawSql(),
                node.compiledSql() == null ? "" : node.compiledSql(), upstream, null, labels(node.tags()),
                columns, project.generatedAt());
    }

    private String fqn(DbtProject.Node node) {
        return Fqn.table(serviceName, node.database(), node.schema(), node.alias());
    }

    /** The tables a node reads: its {@code depends_on} nodes, ephemeral models replaced by what they read. */
    private static Set<String> upstreamNodes(DbtProject project, DbtProject.Node node) {
        Set<String> out = new LinkedHashSet<>();
        collectUpstream(project, node, out, new LinkedHashSet<>());
        return out;
    }

    private static void collectUpstream(DbtProject project, DbtProject.Node node, Set<String> out, Set<String> seen) {
        for (String up : node.upstream()) {
            DbtProject.Node upstream = project.nodes().get(up);
            if (upstream == null || !seen.add(up)) {
                continue; // a macro, a test, or a node of a package not in the manifest
            }
            if (upstream.ephemeral()) {
                collectUpstream(project, upstream, out, seen);
            }
            else if (upstream.database() != null && upstream.schema() != null) {
                out.add(up);
            }
        }
    }

    /**
     * OpenMetadata's {@code dataType} of a type as {@code catalog.json} writes it ({@code format_type}'s names:
     * {@code integer}, {@code character varying(40)}, {@code timestamp without time zone}, {@code text[]}), through
     * the one PostgreSQL mapping ({@link DataTypes}).
     */
    static String dataType(String catalogType) {
        if (catalogType == null) {
            return "UNKNOWN";
        }
        String type = catalogType.trim().toLowerCase(Locale.ROOT);
        if (type.endsWith("[]")) {
            return "ARRAY";
        }
        int paren = type.indexOf('(');
        String base = paren < 0 ? type : (type.substring(0, paren) + type.substring(type.indexOf(')', paren) + 1))
                .trim();
        String typname = switch (base) {
            case "integer", "int" -> "int4";
            case "bigint" -> "int8";
            case "smallint" -> "int2";
            case "character varying" -> "varchar";
            case "character" -> paren < 0 ? "bpchar" : "char";
            case "boolean" -> "bool";
            case "double precision" -> "float8";
            case "real" -> "float4";
            case "decimal" -> "numeric";
            case "timestamp without time zone" -> "timestamp";
            case "timestamp with time zone" -> "timestamptz";
            case "time without time zone" -> "time";
            case "time with time zone" -> "timetz";
            case "bit varying" -> "varbit";
            default -> base;
        };
        String dataType = DataTypes.dataType(typname.equals("char") ? "bpchar" : typname, 'b',
                typname.equals("char") ? 5 : -1);
        return dataType.equals("NULL") ? "UNKNOWN" : dataType;
    }

    // ---- lineage

    private void lineage(DbtProject project, Map<String, String> tables, RequestSink out) {
        // catalog.json's columns by relation, for the parser to expand * and resolve unqualified names
        Map<TableName, List<String>> columnsOf = new LinkedHashMap<>();
        for (DbtProject.Node node : project.nodes().values()) {
            if (node.schema() != null && !node.ephemeral()) {
                columnsOf.putIfAbsent(new TableName(node.schema(), node.alias()), project.catalogColumns(
                        node.uniqueId()).stream().map(DbtProject.CatalogColumn::name).toList());
            }
        }
        SqlLineage parser = new SqlLineage(List.of("public"), table -> columnsOf.getOrDefault(table, List.of()));
        for (Map.Entry<String, String> t : tables.entrySet()) {
            DbtProject.Node node = project.nodes().get(t.getKey());
            Set<String> upstream = upstreamNodes(project, node);
            if (upstream.isEmpty()) {
                continue;
            }
            List<ColumnEdge> columnEdges = columnEdges(parser, node);
            for (String up : upstream) {
                String fromFqn = tables.get(up);
                if (fromFqn == null) {
                    continue; // not in the catalog (warned) or filtered out
                }
                DbtProject.Node from = project.nodes().get(up);
                Map<String, Set<String>> columns = new LinkedHashMap<>();
                for (ColumnEdge e : columnEdges) {
                    if (e.from().table().schema().equals(from.schema())
                            && e.from().table().name().equals(from.alias())) {
                        columns.computeIfAbsent(Fqn.column(t.getValue(), e.to().column()), k -> new TreeSet<>())
                                .add(Fqn.column(fromFqn, e.from().column()));
                    }
                }
                List<Requests.ColumnLineage> columnsLineage = new ArrayList<>();
                columns.forEach((to, fromColumns) -> columnsLineage.add(
                        new Requests.ColumnLineage(List.copyOf(fromColumns), to)));
                send(out, Requests.Request.put(new Requests.AddLineage(EntityRef.table(fromFqn),
                        EntityRef.table(t.getValue()), node.compiledSql(),
                        columnsLineage.isEmpty() ? null : columnsLineage, "DbtLineage")));
            }
        }
    }

    /** The column edges of a node's compiled SQL, read as the definition of its table; none when it has no SQL. */
    private List<ColumnEdge> columnEdges(SqlLineage parser, DbtProject.Node node) {
        if (node.compiledSql() == null || node.compiledSql().isBlank()) {
            return List.of();
        }
        try {
            StatementLineage lineage = parser.analyzeView(new TableName(node.schema(), node.alias()),
                    node.compiledSql());
            return lineage.columnEdges();
        }
        catch (LineageException e) {
            source.warning(node.uniqueId() + ": no column lineage, its compiled SQL was not understood: "
                    + e.getMessage());
            return List.of();
        }
    }

    // ---- descriptions

    private void descriptions(DbtProject.Node node, String fqn, RequestSink out) {
        List<Requests.ColumnDescription> columns = new ArrayList<>();
        for (DbtProject.DocumentedColumn c : node.columns()) {
            if (c.description() != null) {
                columns.add(new Requests.ColumnDescription(c.name(), c.description()));
            }
        }
        if (node.description() != null || !columns.isEmpty()) {
            send(out, Requests.tablePatch(fqn, new Requests.TablePatch(node.description(), columns, null,
                    settings.updateDescriptions())));
        }
    }

    // ---- tests

    private void tests(DbtProject project, Map<String, String> tables, RequestSink out) {
        Set<String> definitions = new LinkedHashSet<>();
        Set<String> suites = new LinkedHashSet<>();
        for (DbtProject.Test test : project.tests()) {
            String tableFqn = test.attachedNode() == null ? null : tables.get(test.attachedNode());
            if (tableFqn == null) {
                source.filtered(test.uniqueId()); // its table is not in the catalog (warned) or filtered out
                continue;
            }
            boolean generic = !test.testName().equals(test.name());
            if (definitions.add(test.testName())) {
                List<Requests.TestParameterDefinition> parameters = test.parameters().keySet().stream()
                        .map(Requests.TestParameterDefinition::new).toList();
                send(out, Requests.testDefinition(new Requests.CreateTestDefinition(test.testName(),
                        generic ? "dbt's " + test.testName() + " test" : SINGULAR,
                        test.column() == null ? "TABLE" : "COLUMN", List.of("DBT"),
                        parameters.isEmpty() ? null : parameters)));
            }
            String suite = TestCaseNames.suite(tableFqn);
            if (suites.add(suite)) {
                send(out, Requests.Request.put(new Requests.CreateTestSuite(suite, null, tableFqn)));
            }
            String entityLink = TestCaseNames.entityLink(tableFqn, test.column());
            List<Requests.TestCaseParameterValue> values = new ArrayList<>();
            test.parameters().forEach((k, v) -> values.add(new Requests.TestCaseParameterValue(k, v)));
            send(out, Requests.Request.put(new Requests.CreateTestCase(test.name(), test.description(),
                    test.testName(), entityLink, suite, values.isEmpty() ? null : values, null)));
            DbtProject.Result result = project.result(test.uniqueId());
            Requests.TestCaseResult caseResult = result == null ? null : result(project, result);
            if (caseResult != null) {
                String caseFqn = TestCaseNames.testCaseFqn(tableFqn, test.column(), test.name());
                send(out, Requests.Request.testCaseResult(caseFqn, caseResult));
            }
        }
    }

    /**
     * A dbt result as OpenMetadata's: {@code pass} Success, {@code fail} and {@code warn} Failed, {@code error}
     * Aborted (with dbt's message), {@code skipped} none; the failing rows dbt counted are {@code failedRows}.
     */
    private Requests.TestCaseResult result(DbtProject project, DbtProject.Result r) {
        String status = switch (r.status()) {
            case "pass", "success" -> "Success";
            case "fail", "warn" -> "Failed";
            case "error", "runtime error" -> "Aborted";
            default -> null;
        };
        if (status == null) {
            return null;
        }
        // without a time of dbt's, the run's own: a fixed 0 would overwrite one result (shown as 1970) each run
        Long dbtTime = epochMillis(r.completedAt());
        if (dbtTime == null) {
            dbtTime = epochMillis(project.resultsGeneratedAt());
        }
        long timestamp = dbtTime == null ? runAt : dbtTime;
        String text = r.message() != null ? r.message()
                : status.equals("Success") ? "dbt test passed" : "dbt test " + r.status();
        Long failed = status.equals("Aborted") ? null : r.failures();
        return new Requests.TestCaseResult(timestamp, status, text, null, null, failed, null, null);
    }

    /** dbt's ISO time in milliseconds; null when absent or unreadable. */
    private static Long epochMillis(String iso) {
        if (iso == null || iso.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(iso.endsWith("Z") || iso.contains("+") ? iso : iso + "Z").toEpochMilli();
        }
        catch (DateTimeParseException e) {
            return null;
        }
    }

    /** Sends a request, counting it processed unless the sink reported an error for it. */
    private void send(RequestSink out, Requests.Request request) {
        int errors = sink.errorCount();
        out.send(request);
        if (sink.errorCount() == errors) {
            sink.processed();
        }
    }
}
