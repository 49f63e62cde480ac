package dev.pgbridge.metadata.catalogstore;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.error.Suggestions;
import dev.pgbridge.metadata.openmetadata.Fqn;
import dev.pgbridge.metadata.openmetadata.Requests;
import dev.pgbridge.store.StoreDatabase;
import dev.pgbridge.store.StoreMigration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * The local metadata catalog of one tenant in the control store: its tables (component {@value #COMPONENT}, migrated by
 * the store's one runner) and the reads behind {@code pgbridge metadata list|show|search|history|lineage}.
 * {@link CatalogSink} writes it.
 *
 * <p>Tables: {@code catalog_entity} (one row per service, database, schema and table: its create request's body as
 * JSON with a hash of it, state active/deleted, current version), {@code catalog_entity_version} (every version's body
 * and {@link ChangeDescription}), {@code catalog_table_profile} (size and row estimate: they change every run without
 * making a version), {@code catalog_usage} (per table per day),
 * {@code catalog_query}, {@code catalog_join} and {@code catalog_lineage} (table edges with their column edges).
 */
public final class CatalogStore {
    static final String COMPONENT = "catalog";
    static final String ACTIVE = "active";
    static final String DELETED = "deleted";
    static final ObjectMapper JSON = Requests.JSON;
    /** How many of a table's most recent usage days {@link #show} gives. */
    public static final int USAGE_DAYS = 7;

    static final List<StoreMigration> MIGRATIONS = List.of(new StoreMigration(1, "metadata catalog", List.of("""
            CREATE TABLE ${schema}catalog_entity (
                tenant TEXT NOT NULL,
                fqn TEXT NOT NULL,
                entity_type TEXT NOT NULL,
                service TEXT NOT NULL,
                database_name TEXT,
                schema_name TEXT,
                name TEXT NOT NULL,
                parent_fqn TEXT,
                table_type TEXT,
                body TEXT NOT NULL,
                body_hash TEXT NOT NULL,
                state TEXT NOT NULL,
                version INTEGER NOT NULL,
                created_at ${timestamp} NOT NULL,
                updated_at ${timestamp} NOT NULL,
                PRIMARY KEY (tenant, fqn)
            )""",
            "CREATE INDEX catalog_entity_parent ON ${schema}catalog_entity (tenant, parent_fqn)",
            "CREATE INDEX catalog_entity_service ON ${schema}catalog_entity (tenant, service)",
            """
            CREATE TABLE ${schema}catalog_entity_version (
                tenant TEXT NOT NULL,
                fqn TEXT NOT NULL,
                version INTEGER NOT NULL,
                state TEXT NOT NULL,
                change_description TEXT,
                body TEXT NOT NULL,
                changed_at ${timestamp} NOT NULL,
                PRIMARY KEY (tenant, fqn, version)
            )""",
            """
            CREATE TABLE ${schema}catalog_table_profile (
                tenant TEXT NOT NULL,
                fqn TEXT NOT NULL,
                size_bytes DOUBLE PRECISION,
                row_estimate DOUBLE PRECISION,
                profiled_at BIGINT NOT NULL,
                PRIMARY KEY (tenant, fqn)
            )""",
            """
            CREATE TABLE ${schema}catalog_usage (
                tenant TEXT NOT NULL,
                table_fqn TEXT NOT NULL,
                usage_date TEXT NOT NULL,
                count BIGINT NOT NULL,
                PRIMARY KEY (tenant, table_fqn, usage_date)
            )""",
            """
            CREATE TABLE ${schema}catalog_query (
                tenant TEXT NOT NULL,
                checksum TEXT NOT NULL,
                service TEXT NOT NULL,
                query TEXT NOT NULL,
                query_type TEXT,
                duration DOUBLE PRECISION,
                query_date BIGINT,
                users TEXT NOT NULL,
                used_by TEXT NOT NULL,
                tables TEXT NOT NULL,
                updated_at ${timestamp} NOT NULL,
                PRIMARY KEY (tenant, checksum)
            )""",
            """
            CREATE TABLE ${schema}catalog_join (
                tenant TEXT NOT NULL,
                table_fqn TEXT NOT NULL,
                column_name TEXT NOT NULL,
                joined_fqn TEXT NOT NULL,
                start_date TEXT NOT NULL,
                day_count INTEGER NOT NULL,
                join_count BIGINT NOT NULL,
                PRIMARY KEY (tenant, table_fqn, column_name, joined_fqn, start_date)
            )""",
            """
            CREATE TABLE ${schema}catalog_lineage (
                tenant TEXT NOT NULL,
                from_fqn TEXT NOT NULL,
                to_fqn TEXT NOT NULL,
                source TEXT,
                sql_query TEXT,
                columns TEXT NOT NULL,
                updated_at ${timestamp} NOT NULL,
                PRIMARY KEY (tenant, from_fqn, to_fqn)
            )""",
            "CREATE INDEX catalog_lineage_to ON ${schema}catalog_lineage (tenant, to_fqn)")));

    /** Which tables {@link #tables} lists. */
    public enum StateFilter { ACTIVE, DELETED, ALL }

    /** A table as {@code list} shows it. */
    public record TableEntry(String fqn, String service, String database, String schema, String name,
                             String tableType, String state, int version, Instant updatedAt) {
    }

    /** A table as {@code show} shows it. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record TableDetail(TableEntry table, String description, String owner, List<Requests.Column> columns,
                              List<Requests.TableConstraint> tableConstraints, String schemaDefinition,
                              Double sizeBytes, Double rowEstimate, List<UsageDay> usage, List<LineageEdge> upstream,
                              List<LineageEdge> downstream) {
    }

    public record UsageDay(String date, long count) {
    }

    /** A table or column that {@code search} found, and in which field ({@code name} or {@code description}). */
    public record SearchHit(String kind, String fqn, String tableFqn, String matchedField, String text) {
    }

    /** One version of an entity, and what changed to make it. */
    public record EntityVersion(int version, String state, Instant updatedAt, ChangeDescription changeDescription) {
    }

    /** A lineage edge between two tables, with its column edges. */
    public record LineageEdge(String from, String to, String source, String sqlQuery,
                              List<Requests.ColumnLineage> columns) {
        public LineageEdge {
            columns = List.copyOf(columns);
        }
    }

    /** An edge met {@code depth} steps away from the table a walk started at. */
    public record LineageHop(int depth, LineageEdge edge) {
    }

    /** A query seen in a log, with who ran it and the tables it used. */
    public record StoredQuery(String checksum, String query, List<String> users, List<String> usedBy,
                              List<String> tables) {
    }

    /** How a table's column was joined with another table's column (or the table with a table: no column). */
    public record StoredJoin(String tableFqn, String columnName, String joinedWith, String startDate, int dayCount,
                             long joinCount) {
    }

    private final StoreDatabase db;
    private final String tenant;

    private CatalogStore(StoreDatabase db, String tenant) {
        this.db = db;
        this.tenant = tenant;
    }

    /** The catalog of {@code tenant} in the store {@code db}; brings the catalog's tables to this version first. */
    public static CatalogStore open(StoreDatabase db, String tenant) {
        requireNonNull(db, "db is null");
        String t = tenant == null ? ConnectionConfig.DEFAULT_TENANT : ConnectionConfig.normalizeTenant(tenant);
        db.migrate(COMPONENT, MIGRATIONS);
        return new CatalogStore(db, t);
    }

    StoreDatabase db() {
        return db;
    }

    String tenant() {
        return tenant;
    }

    String table(String name) {
        return db.table(name);
    }

    // ---- tables

    private static final String ENTRY_COLUMNS = "fqn, service, database_name, schema_name, name, table_type, state, "
            + "version, updated_at";

    /**
     * The tables, views, … of the catalog in FQN order, narrowed to a service and/or a schema name when given.
     */
    public List<TableEntry> tables(String service, String schema, StateFilter filter) {
        requireNonNull(filter, "filter is null");
        StringBuilder sql = new StringBuilder("SELECT " + ENTRY_COLUMNS + " FROM " + table("catalog_entity")
                + " WHERE tenant = ? AND entity_type = 'table'");
        List<String> args = new ArrayList<>(List.of(tenant));
        if (service != null) {
            sql.append(" AND service = ?");
            args.add(service);
        }
        if (schema != null) {
            sql.append(" AND schema_name = ?");
            args.add(schema);
        }
        if (filter != StateFilter.ALL) {
            sql.append(" AND state = ?");
            args.add(filter == StateFilter.ACTIVE ? ACTIVE : DELETED);
        }
        sql.append(" ORDER BY fqn");
        return read("list tables", c -> {
            try (PreparedStatement s = c.prepareStatement(sql.toString())) {
                for (int i = 0; i < args.size(); i++) {
                    s.setString(i + 1, args.get(i));
                }
                List<TableEntry> out = new ArrayList<>();
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        out.add(entry(rs));
                    }
                }
                return out;
            }
        });
    }

    private TableEntry entry(ResultSet rs) throws SQLException {
        return new TableEntry(rs.getString("fqn"), rs.getString("service"), rs.getString("database_name"),
                rs.getString("schema_name"), rs.getString("name"), rs.getString("table_type"), rs.getString("state"),
                rs.getInt("version"), db.readTimestamp(rs, "updated_at"));
    }

    /**
     * The FQN of the table {@code name} names: {@code schema.table}, {@code database.schema.table} or
     * {@code service.database.schema.table}, parts with dots in double quotes; names match exactly, else ignoring case.
     * Deleted tables count. Fails with NOT_FOUND (with the nearest names) or, when several tables match,
     * INVALID_NAME listing them.
     */
    public String resolve(String name) {
        requireNonNull(name, "name is null");
        List<String> parts;
        try {
            parts = Fqn.split(name.strip());
        }
        catch (IllegalArgumentException e) {
            throw new PgBridgeException(ErrorCode.INVALID_NAME, "invalid table name '" + name + "': " + e.getMessage(),
                    "name a table as schema.table, database.schema.table or service.database.schema.table; put a "
                            + "part holding a dot in double quotes", e);
        }
        if (parts.size() < 2 || parts.size() > 4) {
            throw new PgBridgeException(ErrorCode.INVALID_NAME, "invalid table name '" + name + "': "
                    + parts.size() + " part" + (parts.size() == 1 ? "" : "s"),
                    "name a table as schema.table, database.schema.table or service.database.schema.table");
        }
        List<TableEntry> all = tables(null, null, StateFilter.ALL);
        List<TableEntry> exact = all.stream().filter(t -> matches(t, parts, false)).toList();
        List<TableEntry> matches = exact.isEmpty() ? all.stream().filter(t -> matches(t, parts, true)).toList() : exact;
        if (matches.size() == 1) {
            return matches.getFirst().fqn();
        }
        if (matches.size() > 1) {
            throw new PgBridgeException(ErrorCode.INVALID_NAME, "table name '" + name + "' is ambiguous: "
                    + String.join(", ", matches.stream().map(TableEntry::fqn).toList()),
                    "give more of the name (database.schema.table or service.database.schema.table)");
        }
        Set<String> candidates = new LinkedHashSet<>();
        for (TableEntry t : all) {
            candidates.add(shortName(t, parts.size()));
        }
        String suggestion = Suggestions.didYouMean(name.strip(), candidates);
        throw new PgBridgeException(ErrorCode.NOT_FOUND, "no table '" + name + "' in the local catalog"
                + (tenant.equals(ConnectionConfig.DEFAULT_TENANT) ? "" : " of tenant '" + tenant + "'"),
                suggestion != null ? suggestion
                        : "list the tables with `pgbridge metadata list --all`; a DatabaseMetadata workflow fills the "
                        + "catalog (`pgbridge metadata run --config FILE`)");
    }

    private static boolean matches(TableEntry t, List<String> parts, boolean ignoreCase) {
        List<String> have = List.of(t.service(), t.database(), t.schema(), t.name());
        List<String> tail = have.subList(4 - parts.size(), 4);
        for (int i = 0; i < parts.size(); i++) {
            if (ignoreCase ? !tail.get(i).equalsIgnoreCase(parts.get(i)) : !tail.get(i).equals(parts.get(i))) {
                return false;
            }
        }
        return true;
    }

    private static String shortName(TableEntry t, int parts) {
        List<String> have = List.of(t.service(), t.database(), t.schema(), t.name());
        return Fqn.build(have.subList(4 - parts, 4).toArray(String[]::new));
    }

    /** The table with FQN {@code fqn}: its columns, constraints, usage and direct lineage. */
    public TableDetail show(String fqn) {
        return read("show " + fqn, c -> {
            TableEntry entry;
            JsonNode body;
            Double size;
            Double rows;
            try (PreparedStatement s = c.prepareStatement("SELECT " + ENTRY_COLUMNS.replaceAll("(\\w+)", "e.$1")
                    + ", e.body, p.size_bytes, p.row_estimate FROM " + table("catalog_entity") + " e LEFT JOIN "
                    + table("catalog_table_profile") + " p ON p.tenant = e.tenant AND p.fqn = e.fqn"
                    + " WHERE e.tenant = ? AND e.fqn = ? AND e.entity_type = 'table'")) {
                s.setString(1, tenant);
                s.setString(2, fqn);
                try (ResultSet rs = s.executeQuery()) {
                    if (!rs.next()) {
                        throw new PgBridgeException(ErrorCode.NOT_FOUND, "no table " + fqn + " in the local catalog",
                                "list the tables with `pgbridge metadata list --all`");
                    }
                    entry = entry(rs);
                    body = parse(rs.getString("body"));
                    size = nullableDouble(rs, "size_bytes");
                    rows = nullableDouble(rs, "row_estimate");
                }
            }
            List<Requests.Column> columns = List.of(JSON.convertValue(body.path("columns"), Requests.Column[].class));
            List<Requests.TableConstraint> constraints = body.hasNonNull("tableConstraints")
                    ? List.of(JSON.convertValue(body.get("tableConstraints"), Requests.TableConstraint[].class))
                    : List.of();
            String owner = body.path("owner").path("fullyQualifiedName").asText(null);
            return new TableDetail(entry, body.path("description").asText(null), owner, columns, constraints,
                    body.path("schemaDefinition").asText(null), size, rows, usage(c, fqn, USAGE_DAYS),
                    edges(c, fqn, true), edges(c, fqn, false));
        });
    }

    private static Double nullableDouble(ResultSet rs, String column) throws SQLException {
        double v = rs.getDouble(column);
        return rs.wasNull() ? null : v;
    }

    /** The table's usage, the most recent {@code days} days first. */
    public List<UsageDay> usage(String fqn, int days) {
        return read("read the usage of " + fqn, c -> usage(c, fqn, days));
    }

    private List<UsageDay> usage(Connection c, String fqn, int days) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT usage_date, count FROM " + table("catalog_usage")
                + " WHERE tenant = ? AND table_fqn = ? ORDER BY usage_date DESC LIMIT ?")) {
            s.setString(1, tenant);
            s.setString(2, fqn);
            s.setInt(3, days);
            List<UsageDay> out = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(new UsageDay(rs.getString(1), rs.getLong(2)));
                }
            }
            return out;
        }
    }

    /** The edges into {@code fqn} (upstream) or out of it. */
    private List<LineageEdge> edges(Connection c, String fqn, boolean upstream) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT from_fqn, to_fqn, source, sql_query, columns FROM "
                + table("catalog_lineage") + " WHERE tenant = ? AND " + (upstream ? "to_fqn" : "from_fqn")
                + " = ? ORDER BY from_fqn, to_fqn")) {
            s.setString(1, tenant);
            s.setString(2, fqn);
            List<LineageEdge> out = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(new LineageEdge(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            List.of(readJson(rs.getString(5), Requests.ColumnLineage[].class))));
                }
            }
            return out;
        }
    }

    /**
     * Walks the lineage graph from {@code fqn}, upstream (what it is made from) or downstream (what is made from it),
     * at most {@code depth} edges away; each edge once, nearest first.
     */
    public List<LineageHop> lineage(String fqn, boolean upstream, int depth) {
        if (depth < 1) {
            throw new IllegalArgumentException("depth must be at least 1: " + depth);
        }
        return read("walk the lineage of " + fqn, c -> {
            List<LineageHop> out = new ArrayList<>();
            Set<String> seen = new HashSet<>(Set.of(fqn));
            Deque<String> frontier = new ArrayDeque<>(List.of(fqn));
            for (int d = 1; d <= depth && !frontier.isEmpty(); d++) {
                Deque<String> next = new ArrayDeque<>();
                for (String node : frontier) {
                    for (LineageEdge edge : edges(c, node, upstream)) {
                        out.add(new LineageHop(d, edge));
                        String other = upstream ? edge.from() : edge.to();
                        if (seen.add(other)) {
                            next.add(other);
                        }
                    }
                }
                frontier = next;
            }
            return out;
        });
    }

    // ---- search and history

    /**
     * Active tables and columns whose name or description contains {@code text}, ignoring case; tables first, in FQN
     * order.
     */
    public List<SearchHit> search(String text) {
        requireNonNull(text, "text is null");
        String needle = text.toLowerCase(Locale.ROOT);
        return read("search the catalog", c -> {
            List<SearchHit> tables = new ArrayList<>();
            List<SearchHit> columns = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT fqn, name, body FROM " + table("catalog_entity")
                    + " WHERE tenant = ? AND entity_type = 'table' AND state = ? ORDER BY fqn")) {
                s.setString(1, tenant);
                s.setString(2, ACTIVE);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        String fqn = rs.getString(1);
                        JsonNode body = parse(rs.getString(3));
                        hit(tables, "table", fqn, fqn, "name", rs.getString(2), needle);
                        hit(tables, "table", fqn, fqn, "description", body.path("description").asText(null), needle);
                        for (JsonNode column : body.path("columns")) {
                            String name = column.path("name").asText();
                            String columnFqn = Fqn.column(fqn, name);
                            hit(columns, "column", columnFqn, fqn, "name", name, needle);
                            hit(columns, "column", columnFqn, fqn, "description",
                                    column.path("description").asText(null), needle);
                        }
                    }
                }
            }
            tables.addAll(columns);
            return tables;
        });
    }

    private static void hit(List<SearchHit> out, String kind, String fqn, String tableFqn, String field, String value,
                            String needle) {
        if (value != null && value.toLowerCase(Locale.ROOT).contains(needle)) {
            out.add(new SearchHit(kind, fqn, tableFqn, field, value));
        }
    }

    /** Every version of the entity {@code fqn}, oldest first. */
    public List<EntityVersion> history(String fqn) {
        return read("read the history of " + fqn, c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT version, state, change_description, changed_at FROM "
                    + table("catalog_entity_version") + " WHERE tenant = ? AND fqn = ? ORDER BY version")) {
                s.setString(1, tenant);
                s.setString(2, fqn);
                List<EntityVersion> out = new ArrayList<>();
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        String change = rs.getString(3);
                        out.add(new EntityVersion(rs.getInt(1), rs.getString(2), db.readTimestamp(rs, "changed_at"),
                                change == null ? null : readJson(change, ChangeDescription.class)));
                    }
                }
                return out;
            }
        });
    }

    // ---- usage, queries, joins

    /** The queries that used {@code tableFqn}, by their text. */
    public List<StoredQuery> queries(String tableFqn) {
        return read("read the queries of " + tableFqn, c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT checksum, query, users, used_by, tables FROM "
                    + table("catalog_query") + " WHERE tenant = ? ORDER BY query")) {
                s.setString(1, tenant);
                List<StoredQuery> out = new ArrayList<>();
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        List<String> tables = List.of(readJson(rs.getString(5), String[].class));
                        if (tables.contains(tableFqn)) {
                            out.add(new StoredQuery(rs.getString(1), rs.getString(2),
                                    List.of(readJson(rs.getString(3), String[].class)),
                                    List.of(readJson(rs.getString(4), String[].class)), tables));
                        }
                    }
                }
                return out;
            }
        });
    }

    /** The joins of {@code tableFqn}'s columns, most frequent first. */
    public List<StoredJoin> joins(String tableFqn) {
        return read("read the joins of " + tableFqn, c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT table_fqn, column_name, joined_fqn, start_date, "
                    + "day_count, join_count FROM " + table("catalog_join")
                    + " WHERE tenant = ? AND table_fqn = ? ORDER BY join_count DESC, column_name, joined_fqn")) {
                s.setString(1, tenant);
                s.setString(2, tableFqn);
                List<StoredJoin> out = new ArrayList<>();
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        String column = rs.getString(2);
                        out.add(new StoredJoin(rs.getString(1), column.isEmpty() ? null : column, rs.getString(3),
                                rs.getString(4), rs.getInt(5), rs.getLong(6)));
                    }
                }
                return out;
            }
        });
    }

    // ---- helpers

    static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        }
        catch (JsonProcessingException e) {
            throw new IllegalStateException("the catalog holds a body that is not JSON", e);
        }
    }

    static <T> T readJson(String json, Class<T> type) {
        try {
            return JSON.readValue(json, type);
        }
        catch (JsonProcessingException e) {
            throw new IllegalStateException("the catalog holds JSON that is not a " + type.getSimpleName(), e);
        }
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        }
        catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    <T> T read(String what, StoreDatabase.Work<T> work) {
        try {
            return db.read(work);
        }
        catch (SQLException e) {
            throw db.failure(what, e);
        }
    }

    <T> T write(String what, StoreDatabase.Work<T> work) {
        try {
            return db.inTransaction(work);
        }
        catch (SQLException e) {
            throw db.failure(what, e);
        }
    }

}
