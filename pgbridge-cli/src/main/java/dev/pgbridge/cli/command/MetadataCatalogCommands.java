package dev.pgbridge.cli.command;

import dev.pgbridge.cli.output.Figures;
import dev.pgbridge.cli.output.OutputFormat;
import dev.pgbridge.cli.output.Rows;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.metadata.catalogstore.CatalogStore;
import dev.pgbridge.metadata.catalogstore.ChangeDescription;
import dev.pgbridge.metadata.catalogstore.ProfileStore;
import dev.pgbridge.metadata.openmetadata.Requests;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code pgbridge metadata list|show|search|history|lineage|profile}: the local catalog that {@code metadata run} fills (sink
 * {@code pgbridge}), read from the control store of the tenant. The JSON of each is documented in docs/metadata.md
 * ("Local catalog") and keeps its keys, null values included.
 */
final class MetadataCatalogCommands {
    private MetadataCatalogCommands() {
    }

    static final String NAME_HELP = "The table: schema.table, database.schema.table or service.database.schema.table; "
            + "a part holding a dot in double quotes (sales.\"v1.orders\").";

    private static CatalogStore open(CliEnvironment environment, TenantOption tenant) {
        return CatalogStore.open(environment.storeDatabase(), tenant.tenant());
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the tables of the local catalog with their type and state (active by default).")
    static final class ListTables implements Callable<Integer> {
        private final CliEnvironment environment;

        @Spec
        CommandSpec spec;

        @Option(names = "--service", paramLabel = "SERVICE", description = "Only tables of this service.")
        String service;

        @Option(names = "--schema", paramLabel = "SCHEMA", description = "Only tables of schemas with this name.")
        String schema;

        @ArgGroup(exclusive = true)
        States states;

        static final class States {
            @Option(names = "--deleted", description = "Only tables marked deleted.")
            boolean deleted;

            @Option(names = "--all", description = "Active and deleted tables.")
            boolean all;
        }

        @Mixin
        TenantOption tenant;

        @Mixin
        FormatOption format;

        ListTables(CliEnvironment environment) {
            this.environment = environment;
        }

        @Override
        public Integer call() {
            CatalogStore.StateFilter filter = states == null ? CatalogStore.StateFilter.ACTIVE
                    : states.deleted ? CatalogStore.StateFilter.DELETED : CatalogStore.StateFilter.ALL;
            Rows rows = Rows.of(List.of("fqn", "service", "database", "schema", "name", "tableType", "state",
                    "version", "updatedAt"));
            for (CatalogStore.TableEntry t : open(environment, tenant).tables(service, schema, filter)) {
                rows = rows.with(t.fqn(), t.service(), t.database(), t.schema(), t.name(), t.tableType(), t.state(),
                        t.version(), t.updatedAt().toString());
            }
            rows.print(spec.commandLine().getOut(), format.format());
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Show one table of the local catalog: columns with types and constraints, table "
                    + "constraints, description, owner, size and rows, usage of the last days, upstream and downstream "
                    + "tables.")
    static final class Show implements Callable<Integer> {
        private final CliEnvironment environment;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME", description = NAME_HELP)
        String name;

        @Mixin
        TenantOption tenant;

        @Mixin
        FormatOption format;

        Show(CliEnvironment environment) {
            this.environment = environment;
        }

        @Override
        public Integer call() {
            OutputFormat f = tableOrJson(format, "show");
            CatalogStore catalog = open(environment, tenant);
            CatalogStore.TableDetail d = catalog.show(catalog.resolve(name));
            PrintWriter out = spec.commandLine().getOut();
            Map<String, Object> fields = entryFields(d.table());
            fields.put("description", d.description());
            fields.put("owner", d.owner());
            fields.put("sizeBytes", d.sizeBytes());
            fields.put("rowEstimate", d.rowEstimate());
            if (f == OutputFormat.JSON) {
                fields.put("columns", d.columns().stream().map(Show::column).toList());
                fields.put("tableConstraints", d.tableConstraints().stream().map(Show::constraint).toList());
                fields.put("schemaDefinition", d.schemaDefinition());
                fields.put("usage", d.usage().stream().map(u -> (Object) usage(u)).toList());
                fields.put("upstream", d.upstream().stream().map(e -> neighbour(e.from(), e)).toList());
                fields.put("downstream", d.downstream().stream().map(e -> neighbour(e.to(), e)).toList());
                Rows.printRecord(out, f, fields);
                return 0;
            }
            fields.put("sizeBytes", d.sizeBytes() == null ? null : Figures.bytes(d.sizeBytes().longValue()));
            fields.put("schemaDefinition", d.schemaDefinition());
            Rows.printRecord(out, f, fields);
            out.println();
            out.println("Columns:");
            Rows columns = Rows.of(List.of("#", "name", "type", "constraint", "description"));
            for (Requests.Column c : d.columns()) {
                columns = columns.with(c.ordinalPosition(), c.name(),
                        c.dataTypeDisplay() != null ? c.dataTypeDisplay() : c.dataType(), c.constraint(),
                        c.description());
            }
            columns.print(out, f);
            if (!d.tableConstraints().isEmpty()) {
                out.println();
                out.println("Table constraints:");
                Rows constraints = Rows.of(List.of("type", "columns", "references"));
                for (Requests.TableConstraint c : d.tableConstraints()) {
                    constraints = constraints.with(c.constraintType(), String.join(", ", c.columns()),
                            c.referredColumns() == null ? null : String.join(", ", c.referredColumns()));
                }
                constraints.print(out, f);
            }
            out.println();
            out.println("Usage (last " + CatalogStore.USAGE_DAYS + " days with queries):");
            Rows usage = Rows.of(List.of("date", "count"));
            for (CatalogStore.UsageDay u : d.usage()) {
                usage = usage.with(u.date(), u.count());
            }
            usage.print(out, f);
            for (boolean up : new boolean[]{true, false}) {
                out.println();
                out.println(up ? "Upstream:" : "Downstream:");
                Rows edges = Rows.of(List.of("table", "source", "column edges"));
                for (CatalogStore.LineageEdge e : up ? d.upstream() : d.downstream()) {
                    edges = edges.with(up ? e.from() : e.to(), e.source(), e.columns().size());
                }
                edges.print(out, f);
            }
            return 0;
        }

        private static Map<String, Object> column(Requests.Column c) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", c.name());
            m.put("dataType", c.dataType());
            m.put("dataTypeDisplay", c.dataTypeDisplay());
            m.put("constraint", c.constraint());
            m.put("description", c.description());
            m.put("ordinalPosition", c.ordinalPosition());
            return m;
        }

        private static Map<String, Object> constraint(Requests.TableConstraint c) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("constraintType", c.constraintType());
            m.put("columns", c.columns());
            m.put("referredColumns", c.referredColumns());
            return m;
        }

        private static Map<String, Object> usage(CatalogStore.UsageDay u) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("date", u.date());
            m.put("count", u.count());
            return m;
        }

        private static Map<String, Object> neighbour(String fqn, CatalogStore.LineageEdge e) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("fqn", fqn);
            m.put("source", e.source());
            m.put("columns", columnEdges(e));
            return m;
        }
    }

    @Command(name = "search", mixinStandardHelpOptions = true,
            description = "Find active tables and columns whose name or description contains TEXT (ignoring case).")
    static final class Search implements Callable<Integer> {
        private final CliEnvironment environment;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "TEXT", description = "What to look for.")
        String text;

        @Mixin
        TenantOption tenant;

        @Mixin
        FormatOption format;

        Search(CliEnvironment environment) {
            this.environment = environment;
        }

        @Override
        public Integer call() {
            Rows rows = Rows.of(List.of("kind", "fqn", "table", "field", "text"));
            for (CatalogStore.SearchHit h : open(environment, tenant).search(text)) {
                rows = rows.with(h.kind(), h.fqn(), h.tableFqn(), h.matchedField(), h.text());
            }
            rows.print(spec.commandLine().getOut(), format.format());
            return 0;
        }
    }

    @Command(name = "history", mixinStandardHelpOptions = true,
            description = "The versions of a table in the local catalog, each with what changed (OpenMetadata's "
                    + "changeDescription: fields added, updated, deleted).")
    static final class History implements Callable<Integer> {
        private final CliEnvironment environment;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME", description = NAME_HELP)
        String name;

        @Mixin
        TenantOption tenant;

        @Mixin
        FormatOption format;

        History(CliEnvironment environment) {
            this.environment = environment;
        }

        @Override
        public Integer call() {
            CatalogStore catalog = open(environment, tenant);
            List<CatalogStore.EntityVersion> versions = catalog.history(catalog.resolve(name));
            PrintWriter out = spec.commandLine().getOut();
            if (format.format() == OutputFormat.JSON) {
                List<Map<String, Object>> json = new ArrayList<>();
                for (CatalogStore.EntityVersion v : versions) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("version", v.version());
                    m.put("state", v.state());
                    m.put("updatedAt", v.updatedAt().toString());
                    m.put("changeDescription", v.changeDescription());
                    json.add(m);
                }
                out.println(Rows.json(json));
                out.flush();
                return 0;
            }
            Rows rows = Rows.of(List.of("version", "state", "updatedAt", "changes"));
            for (CatalogStore.EntityVersion v : versions) {
                rows = rows.with(v.version(), v.state(), v.updatedAt().toString(), describe(v.changeDescription()));
            }
            rows.print(out, format.format());
            return 0;
        }

        /** {@code added columns.x (bigint); updated columns.y.dataType: INT → BIGINT; deleted columns.z (text)}. */
        static String describe(ChangeDescription c) {
            if (c == null) {
                return "created";
            }
            List<String> parts = new ArrayList<>();
            for (ChangeDescription.FieldChange f : c.fieldsAdded()) {
                parts.add("added " + f.name() + " (" + f.newValue() + ")");
            }
            for (ChangeDescription.FieldChange f : c.fieldsUpdated()) {
                parts.add("updated " + f.name() + ": " + f.oldValue() + " → " + f.newValue());
            }
            for (ChangeDescription.FieldChange f : c.fieldsDeleted()) {
                parts.add("deleted " + f.name() + " (" + f.oldValue() + ")");
            }
            return String.join("; ", parts);
        }
    }

    @Command(name = "lineage", mixinStandardHelpOptions = true,
            description = "Walk the stored lineage graph from a table: upstream (what it is made from), downstream "
                    + "(what is made from it), or both when neither is given.")
    static final class Lineage implements Callable<Integer> {
        static final int MAX_DEPTH = 50;
        private final CliEnvironment environment;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME", description = NAME_HELP)
        String name;

        @ArgGroup(exclusive = true)
        Direction direction;

        static final class Direction {
            @Option(names = "--upstream", description = "Only what the table is made from.")
            boolean upstream;

            @Option(names = "--downstream", description = "Only what is made from the table.")
            boolean downstream;
        }

        @Option(names = "--depth", paramLabel = "N", defaultValue = "3",
                description = "How many edges away to walk, 1 to " + MAX_DEPTH + " (default: ${DEFAULT-VALUE}).")
        int depth;

        @Option(names = "--columns", description = "One row per column edge (from column → to column).")
        boolean columns;

        @Mixin
        TenantOption tenant;

        @Mixin
        FormatOption format;

        Lineage(CliEnvironment environment) {
            this.environment = environment;
        }

        @Override
        public Integer call() {
            if (depth < 1 || depth > MAX_DEPTH) {
                throw new UsageError("--depth " + depth + " is out of range", "give a depth from 1 to " + MAX_DEPTH);
            }
            CatalogStore catalog = open(environment, tenant);
            String fqn = catalog.resolve(name);
            List<String> directions = new ArrayList<>();
            if (direction == null || direction.upstream) {
                directions.add("upstream");
            }
            if (direction == null || direction.downstream) {
                directions.add("downstream");
            }
            PrintWriter out = spec.commandLine().getOut();
            Rows rows = columns
                    ? Rows.of(List.of("direction", "depth", "fromColumn", "toColumn"))
                    : Rows.of(List.of("direction", "depth", "from", "to", "source"));
            List<Map<String, Object>> json = new ArrayList<>();
            for (String d : directions) {
                for (CatalogStore.LineageHop hop : catalog.lineage(fqn, d.equals("upstream"), depth)) {
                    CatalogStore.LineageEdge e = hop.edge();
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("direction", d);
                    m.put("depth", hop.depth());
                    m.put("from", e.from());
                    m.put("to", e.to());
                    m.put("source", e.source());
                    m.put("sqlQuery", e.sqlQuery());
                    if (columns) {
                        m.put("columns", columnEdges(e));
                        for (Requests.ColumnLineage c : e.columns()) {
                            for (String from : c.fromColumns()) {
                                rows = rows.with(d, hop.depth(), from, c.toColumn());
                            }
                        }
                    }
                    else {
                        rows = rows.with(d, hop.depth(), e.from(), e.to(), e.source());
                    }
                    json.add(m);
                }
            }
            if (format.format() == OutputFormat.JSON) {
                out.println(Rows.json(json));
                out.flush();
            }
            else {
                rows.print(out, format.format());
            }
            return 0;
        }
    }

    @Command(name = "profile", mixinStandardHelpOptions = true,
            description = {"The latest profile of a table from the local catalog: its metrics (rowCount, columnCount, "
                    + "sizeInByte, …), then one row per column with the main metrics and its tags (PII.Sensitive, …); "
                    + "--column shows every metric of one column; --history the runs (with --column: the column's "
                    + "metrics in each run).",
                    "A Profiler workflow fills it (sourceConfig.config.type: Profiler, see docs/profiler.md)."})
    static final class Profile implements Callable<Integer> {
        /** The metrics of the per-column table, OpenMetadata's names. */
        static final List<String> MAIN_METRICS = List.of("valuesCount", "nullProportion", "distinctCount",
                "uniqueProportion", "min", "max", "mean", "stddev");
        private final CliEnvironment environment;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME", description = NAME_HELP)
        String name;

        @Option(names = "--history", description = "The runs kept, newest first (the --limit newest).")
        boolean history;

        @Option(names = "--column", paramLabel = "COLUMN", description = "Only this column (its name as in the table).")
        String column;

        @Option(names = "--limit", paramLabel = "N", defaultValue = "" + ProfileStore.HISTORY,
                description = "How many runs --history shows (default: ${DEFAULT-VALUE}).")
        int limit;

        @Mixin
        TenantOption tenant;

        @Mixin
        FormatOption format;

        Profile(CliEnvironment environment) {
            this.environment = environment;
        }

        @Override
        public Integer call() {
            OutputFormat f = tableOrJson(format, "profile");
            if (limit < 1) {
                throw new UsageError("--limit " + limit + " is out of range", "give a number of runs from 1 up");
            }
            CatalogStore catalog = open(environment, tenant);
            String fqn = resolveForProfile(catalog, name);
            ProfileStore profiles = ProfileStore.open(catalog);
            ProfileStore.Latest latest = profiles.latest(fqn).orElseThrow(() -> new PgBridgeException(
                    ErrorCode.NOT_FOUND, "no profile of " + fqn + " in the local catalog yet",
                    "run a Profiler workflow on it: `pgbridge metadata run --config FILE` with "
                            + "sourceConfig.config.type: Profiler (docs/profiler.md)"));
            Map<String, List<String>> tags = new LinkedHashMap<>();
            for (Requests.ColumnTag t : profiles.tags(fqn)) {
                tags.computeIfAbsent(t.column(), k -> new ArrayList<>()).add(t.tag().tagFQN());
            }
            if (column != null && latest.columns().stream().noneMatch(c -> c.name().equals(column))) {
                throw new PgBridgeException(ErrorCode.NOT_FOUND, "no profile of column " + column + " of " + fqn,
                        "the profiled columns are " + String.join(", ", latest.columns().stream()
                                .map(Requests.ColumnProfile::name).toList()));
            }
            PrintWriter out = spec.commandLine().getOut();
            if (history) {
                printHistory(out, f, profiles, fqn);
            }
            else if (column != null) {
                Requests.ColumnProfile c = latest.columns().stream().filter(p -> p.name().equals(column))
                        .findFirst().orElseThrow();
                Map<String, Object> fields = metrics(c);
                fields.put("tags", tags.getOrDefault(column, List.of()));
                Rows.printRecord(out, f, fields);
            }
            else {
                printLatest(out, f, fqn, latest, tags);
            }
            return 0;
        }

        private void printLatest(PrintWriter out, OutputFormat f, String fqn, ProfileStore.Latest latest,
                                 Map<String, List<String>> tags) {
            Map<String, Object> table = new LinkedHashMap<>();
            table.put("fqn", fqn);
            table.put("profiledAt", time(latest.table().timestamp()));
            table.put("runs", latest.runs());
            table.putAll(metrics(latest.table()));
            if (f == OutputFormat.JSON) {
                List<Map<String, Object>> columns = new ArrayList<>();
                for (Requests.ColumnProfile c : latest.columns()) {
                    Map<String, Object> m = metrics(c);
                    m.put("tags", tags.getOrDefault(c.name(), List.of()));
                    columns.add(m);
                }
                table.put("columns", columns);
                Rows.printRecord(out, f, table);
                return;
            }
            table.remove("timestamp");
            table.replaceAll((k, v) -> v instanceof Double ? number(v) : v);
            if (latest.table().sizeInByte() != null) {
                table.put("sizeInByte", Figures.bytes(latest.table().sizeInByte().longValue()));
            }
            Rows.printRecord(out, f, table);
            out.println();
            out.println("Columns:");
            List<String> header = new ArrayList<>(List.of("column"));
            header.addAll(MAIN_METRICS);
            header.add("tags");
            header.add("profiledAt");
            Rows rows = Rows.of(header);
            for (Requests.ColumnProfile c : latest.columns()) {
                Map<String, Object> m = metrics(c);
                List<Object> row = new ArrayList<>(List.of(c.name()));
                MAIN_METRICS.forEach(k -> row.add(number(m.get(k))));
                row.add(String.join(", ", tags.getOrDefault(c.name(), List.of())));
                row.add(c.timestamp() == latest.table().timestamp() ? "" : time(c.timestamp()));
                rows = rows.with(row.toArray());
            }
            rows.print(out, f);
            if (latest.columns().stream().anyMatch(c -> c.timestamp() != latest.table().timestamp())) {
                out.println("(profiledAt: a column the latest run left out keeps the profile of the run shown)");
            }
        }

        private void printHistory(PrintWriter out, OutputFormat f, ProfileStore profiles, String fqn) {
            Rows rows;
            if (column != null) {
                List<String> header = new ArrayList<>(List.of("profiledAt"));
                header.addAll(MAIN_METRICS);
                header.add("nullCount");
                rows = Rows.of(header);
                List<Map<String, Object>> json = new ArrayList<>();
                for (Requests.ColumnProfile c : profiles.columnHistory(fqn, column, limit)) {
                    Map<String, Object> m = metrics(c);
                    json.add(m);
                    List<Object> row = new ArrayList<>(List.of(time(c.timestamp())));
                    MAIN_METRICS.forEach(k -> row.add(number(m.get(k))));
                    row.add(number(m.get("nullCount")));
                    rows = rows.with(row.toArray());
                }
                if (f == OutputFormat.JSON) {
                    out.println(Rows.json(json));
                    out.flush();
                    return;
                }
            }
            else {
                rows = Rows.of(List.of("profiledAt", "rowCount", "columnCount", "sizeInByte", "profileSample",
                        "columnsProfiled"));
                List<Map<String, Object>> json = new ArrayList<>();
                for (ProfileStore.Run run : profiles.runs(fqn, limit)) {
                    Requests.TableProfile t = run.table();
                    Map<String, Object> m = metrics(t);
                    m.put("columnsProfiled", run.columnsProfiled());
                    json.add(m);
                    rows = rows.with(time(t.timestamp()), number(t.rowCount()), t.columnCount(),
                            t.sizeInByte() == null ? null : Figures.bytes(t.sizeInByte().longValue()),
                            t.profileSample() == null ? null : number(t.profileSample()) + " "
                                    + (t.profileSampleType() == null ? "" : t.profileSampleType()),
                            run.columnsProfiled());
                }
                if (f == OutputFormat.JSON) {
                    out.println(Rows.json(json));
                    out.flush();
                    return;
                }
            }
            rows.print(out, f);
        }

        /** A profile's fields as OpenMetadata names them, nulls left out (the JSON of the request). */
        private static Map<String, Object> metrics(Object profile) {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = Requests.JSON.convertValue(profile, LinkedHashMap.class);
            return m;
        }

        private static String number(Object value) {
            return ProfileStore.text(value);
        }

        private static String time(long epochMillis) {
            return Instant.ofEpochMilli(epochMillis).toString();
        }
    }

    /**
     * The FQN of the table {@code name} names; an unknown one fails with how to find it
     * ({@code pgbridge metadata search}).
     */
    static String resolveForProfile(CatalogStore catalog, String name) {
        try {
            return catalog.resolve(name);
        }
        catch (PgBridgeException e) {
            if (e.code() != ErrorCode.NOT_FOUND) {
                throw e;
            }
            String near = e.hint() != null && e.hint().startsWith("did you mean") ? e.hint() + " Or find" : "find";
            String last = name.strip();
            last = last.substring(last.lastIndexOf('.') + 1).replace("\"", "");
            throw new PgBridgeException(ErrorCode.NOT_FOUND, e.getMessage(), near + " the table with `pgbridge "
                    + "metadata search " + last + "`", e);
        }
    }

    static Map<String, Object> entryFields(CatalogStore.TableEntry t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("fqn", t.fqn());
        m.put("service", t.service());
        m.put("database", t.database());
        m.put("schema", t.schema());
        m.put("name", t.name());
        m.put("tableType", t.tableType());
        m.put("state", t.state());
        m.put("version", t.version());
        m.put("updatedAt", t.updatedAt().toString());
        return m;
    }

    static List<Map<String, Object>> columnEdges(CatalogStore.LineageEdge e) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Requests.ColumnLineage c : e.columns()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("fromColumns", c.fromColumns());
            m.put("toColumn", c.toColumn());
            out.add(m);
        }
        return out;
    }

    private static OutputFormat tableOrJson(FormatOption format, String command) {
        if (format.format() == OutputFormat.CSV) {
            throw new UsageError("metadata " + command + " prints --format table or json",
                    "use --format json for machines");
        }
        return format.format();
    }
}
