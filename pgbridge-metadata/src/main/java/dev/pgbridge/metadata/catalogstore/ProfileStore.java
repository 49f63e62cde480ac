package dev.pgbridge.metadata.catalogstore;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.metadata.openmetadata.Requests;
import dev.pgbridge.store.StoreMigration;

import java.lang.reflect.RecordComponent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * The profiler's results in the local catalog (component {@value #COMPONENT} of the control store, its own migrations):
 * every run's table profile and column profiles, kept as history per table and per column and keyed by the run's
 * timestamp; the latest sample rows of each table; the tags (PII, dbt) on each table's columns. {@link CatalogSink}
 * writes it from {@code PUT /v1/tables/{id}/tableProfile} (a profile with column profiles: the metadata run's size and
 * row estimate stay in {@link CatalogStore}), {@code PUT …/sampleData} and {@code PATCH /v1/tables/{id}}
 * ({@link Requests.ColumnTags}).
 *
 * <p>Nothing is ever deleted: a run adds its table row and one row per column it profiled (the same run sent again
 * replaces its own rows), so a run that failed or profiled only some columns leaves the earlier history as it was;
 * sample data is replaced per table; tags are merged (a tag already on a column gets the new label's source, type and
 * state).
 */
public final class ProfileStore {
    static final String COMPONENT = "catalog_profile";
    /** How many runs {@link #runs} gives when asked for none in particular. */
    public static final int HISTORY = 30;

    static final List<StoreMigration> MIGRATIONS = List.of(new StoreMigration(1, "profiles, sample data, column tags",
            List.of("""
                    CREATE TABLE ${schema}catalog_profile_run (
                        tenant TEXT NOT NULL,
                        table_fqn TEXT NOT NULL,
                        run_ts BIGINT NOT NULL,
                        body TEXT NOT NULL,
                        received_at ${timestamp} NOT NULL,
                        PRIMARY KEY (tenant, table_fqn, run_ts)
                    )""",
                    """
                    CREATE TABLE ${schema}catalog_column_profile (
                        tenant TEXT NOT NULL,
                        table_fqn TEXT NOT NULL,
                        column_name TEXT NOT NULL,
                        run_ts BIGINT NOT NULL,
                        position INTEGER NOT NULL,
                        body TEXT NOT NULL,
                        PRIMARY KEY (tenant, table_fqn, column_name, run_ts)
                    )""",
                    """
                    CREATE TABLE ${schema}catalog_sample_data (
                        tenant TEXT NOT NULL,
                        table_fqn TEXT NOT NULL,
                        body TEXT NOT NULL,
                        updated_at ${timestamp} NOT NULL,
                        PRIMARY KEY (tenant, table_fqn)
                    )""",
                    """
                    CREATE TABLE ${schema}catalog_column_tag (
                        tenant TEXT NOT NULL,
                        table_fqn TEXT NOT NULL,
                        column_name TEXT NOT NULL,
                        tag_fqn TEXT NOT NULL,
                        source TEXT,
                        label_type TEXT,
                        state TEXT,
                        updated_at ${timestamp} NOT NULL,
                        PRIMARY KEY (tenant, table_fqn, column_name, tag_fqn)
                    )""")),
            new StoreMigration(2, "profile extras (column names, cardinality distributions)", List.of("""
                    CREATE TABLE ${schema}catalog_profile_extras (
                        tenant TEXT NOT NULL,
                        table_fqn TEXT NOT NULL,
                        run_ts BIGINT NOT NULL,
                        body TEXT NOT NULL,
                        PRIMARY KEY (tenant, table_fqn, run_ts)
                    )""")));

    /** The table metrics {@link #tableMetric} reads: {@link Requests.TableProfile}'s fields but the timestamp. */
    public static final Set<String> TABLE_METRICS = metrics(Requests.TableProfile.class);
    /** The column metrics {@link #columnMetric} reads: {@link Requests.ColumnProfile}'s numbers, min and max. */
    public static final Set<String> COLUMN_METRICS = metrics(Requests.ColumnProfile.class);

    /** A profiler run of a table, newest first in {@link #runs}: the table's metrics and how many columns it profiled. */
    public record Run(Requests.TableProfile table, int columnsProfiled) {
        public Run {
            requireNonNull(table, "table is null");
        }
    }

    /**
     * A table's latest profile: the newest run's table metrics, and each column's newest profile (its own
     * {@code timestamp} is older than the table's when the newest run left the column out), in the column order of
     * the run that profiled it; {@code runs} is how many runs are kept.
     */
    public record Latest(Requests.TableProfile table, List<Requests.ColumnProfile> columns, int runs) {
        public Latest {
            requireNonNull(table, "table is null");
            columns = List.copyOf(columns);
        }
    }

    /** One value of a metric in a run; {@code value} null when the run did not compute it. */
    public record MetricPoint(long timestamp, Object value) {
    }

    private final CatalogStore catalog;

    private ProfileStore(CatalogStore catalog) {
        this.catalog = catalog;
    }

    /** The profiles of {@code catalog}'s tenant in its store; brings this component's tables to this version first. */
    public static ProfileStore open(CatalogStore catalog) {
        requireNonNull(catalog, "catalog is null");
        catalog.db().migrate(COMPONENT, MIGRATIONS);
        return new ProfileStore(catalog);
    }

    private String table(String name) {
        return catalog.table(name);
    }

    private String tenant() {
        return catalog.tenant();
    }

    // ---- writes, inside CatalogSink's transaction

    /** A profiler run: its table row and one row per column profile, replacing only rows of this same run. */
    void profile(Connection c, String tableFqn, Requests.CreateTableProfile profile) throws SQLException {
        long run = profile.tableProfile().timestamp();
        try (PreparedStatement s = c.prepareStatement("INSERT INTO " + table("catalog_profile_run") + " (tenant, "
                + "table_fqn, run_ts, body, received_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (tenant, table_fqn, "
                + "run_ts) DO UPDATE SET body = excluded.body, received_at = excluded.received_at")) {
            s.setString(1, tenant());
            s.setString(2, tableFqn);
            s.setLong(3, run);
            s.setString(4, CatalogStore.json(profile.tableProfile()));
            catalog.db().bindTimestamp(s, 5, catalog.db().now());
            s.executeUpdate();
        }
        List<Requests.ColumnProfile> columns = profile.columnProfile() == null ? List.of() : profile.columnProfile();
        if (columns.isEmpty()) {
            return;
        }
        try (PreparedStatement s = c.prepareStatement("INSERT INTO " + table("catalog_column_profile") + " (tenant, "
                + "table_fqn, column_name, run_ts, position, body) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (tenant, "
                + "table_fqn, column_name, run_ts) DO UPDATE SET position = excluded.position, body = excluded.body")) {
            for (int i = 0; i < columns.size(); i++) {
                Requests.ColumnProfile column = columns.get(i);
                s.setString(1, tenant());
                s.setString(2, tableFqn);
                s.setString(3, column.name());
                s.setLong(4, run);
                s.setInt(5, i);
                s.setString(6, CatalogStore.json(column));
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    /**
     * What a profiler run found that OpenMetadata 1.4's profile has no field for (the column names, each text column's
     * cardinality distribution), kept per run next to its profile.
     */
    void extras(Connection c, String tableFqn, Requests.ProfileExtras extras) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO " + table("catalog_profile_extras") + " (tenant, "
                + "table_fqn, run_ts, body) VALUES (?, ?, ?, ?) ON CONFLICT (tenant, table_fqn, run_ts) DO UPDATE SET "
                + "body = excluded.body")) {
            s.setString(1, tenant());
            s.setString(2, tableFqn);
            s.setLong(3, extras.timestamp());
            s.setString(4, CatalogStore.json(extras));
            s.executeUpdate();
        }
    }

    /** The table's sample rows, replacing the ones kept. */
    void sampleData(Connection c, String tableFqn, Requests.TableData data) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO " + table("catalog_sample_data") + " (tenant, "
                + "table_fqn, body, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (tenant, table_fqn) DO UPDATE SET "
                + "body = excluded.body, updated_at = excluded.updated_at")) {
            s.setString(1, tenant());
            s.setString(2, tableFqn);
            s.setString(3, CatalogStore.json(data));
            catalog.db().bindTimestamp(s, 4, catalog.db().now());
            s.executeUpdate();
        }
    }

    /** Tags added to the table's columns, merged with the ones kept. */
    void columnTags(Connection c, String tableFqn, Requests.ColumnTags tags) throws SQLException {
        if (tags.columns().isEmpty()) {
            return;
        }
        Instant now = catalog.db().now();
        try (PreparedStatement s = c.prepareStatement("INSERT INTO " + table("catalog_column_tag") + " (tenant, "
                + "table_fqn, column_name, tag_fqn, source, label_type, state, updated_at) VALUES (?, ?, ?, ?, ?, ?, "
                + "?, ?) ON CONFLICT (tenant, table_fqn, column_name, tag_fqn) DO UPDATE SET source = excluded.source, "
                + "label_type = excluded.label_type, state = excluded.state, updated_at = excluded.updated_at")) {
            for (Requests.ColumnTag tag : tags.columns()) {
                s.setString(1, tenant());
                s.setString(2, tableFqn);
                s.setString(3, tag.column());
                s.setString(4, tag.tag().tagFQN());
                setString(s, 5, tag.tag().source());
                setString(s, 6, tag.tag().labelType());
                setString(s, 7, tag.tag().state());
                catalog.db().bindTimestamp(s, 8, now);
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    private static void setString(PreparedStatement s, int index, String value) throws SQLException {
        if (value == null) {
            s.setNull(index, Types.VARCHAR);
        }
        else {
            s.setString(index, value);
        }
    }

    // ---- reads

    /** The table's latest profile; empty when no profiler run reached the catalog yet. */
    public Optional<Latest> latest(String tableFqn) {
        requireNonNull(tableFqn, "tableFqn is null");
        return catalog.read("read the profile of " + tableFqn, c -> {
            List<Run> runs = runs(c, tableFqn, 1);
            if (runs.isEmpty()) {
                return Optional.empty();
            }
            int count;
            try (PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM " + table("catalog_profile_run")
                    + " WHERE tenant = ? AND table_fqn = ?")) {
                s.setString(1, tenant());
                s.setString(2, tableFqn);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    count = rs.getInt(1);
                }
            }
            List<Requests.ColumnProfile> columns = new ArrayList<>();
            String columnTable = table("catalog_column_profile");
            try (PreparedStatement s = c.prepareStatement("SELECT p.body FROM " + columnTable + " p WHERE p.tenant = ? "
                    + "AND p.table_fqn = ? AND p.run_ts = (SELECT MAX(m.run_ts) FROM " + columnTable + " m WHERE "
                    + "m.tenant = p.tenant AND m.table_fqn = p.table_fqn AND m.column_name = p.column_name) "
                    + "ORDER BY p.run_ts DESC, p.position, p.column_name")) {
                s.setString(1, tenant());
                s.setString(2, tableFqn);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        columns.add(CatalogStore.readJson(rs.getString(1), Requests.ColumnProfile.class));
                    }
                }
            }
            return Optional.of(new Latest(runs.getFirst().table(), columns, count));
        });
    }

    /** The extras of the table's latest run that sent any; empty when none did. */
    public Optional<Requests.ProfileExtras> extras(String tableFqn) {
        requireNonNull(tableFqn, "tableFqn is null");
        return catalog.read("read the profile extras of " + tableFqn, c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT body FROM " + table("catalog_profile_extras")
                    + " WHERE tenant = ? AND table_fqn = ? ORDER BY run_ts DESC LIMIT 1")) {
                s.setString(1, tenant());
                s.setString(2, tableFqn);
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() ? Optional.of(CatalogStore.readJson(rs.getString(1), Requests.ProfileExtras.class))
                            : Optional.<Requests.ProfileExtras>empty();
                }
            }
        });
    }

    /** The table's runs, newest first, at most {@code limit}. */
    public List<Run> runs(String tableFqn, int limit) {
        requireNonNull(tableFqn, "tableFqn is null");
        return catalog.read("read the profile history of " + tableFqn, c -> runs(c, tableFqn, limit));
    }

    private List<Run> runs(Connection c, String tableFqn, int limit) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT r.body, (SELECT COUNT(*) FROM "
                + table("catalog_column_profile") + " p WHERE p.tenant = r.tenant AND p.table_fqn = r.table_fqn AND "
                + "p.run_ts = r.run_ts) FROM " + table("catalog_profile_run") + " r WHERE r.tenant = ? AND "
                + "r.table_fqn = ? ORDER BY r.run_ts DESC LIMIT ?")) {
            s.setString(1, tenant());
            s.setString(2, tableFqn);
            s.setInt(3, limit);
            List<Run> out = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(new Run(CatalogStore.readJson(rs.getString(1), Requests.TableProfile.class),
                            rs.getInt(2)));
                }
            }
            return out;
        }
    }

    /** A table metric ({@link #TABLE_METRICS}) in each run, newest first, at most {@code limit}. */
    public List<MetricPoint> tableMetric(String tableFqn, String metric, int limit) {
        check(metric, TABLE_METRICS, "table");
        List<MetricPoint> out = new ArrayList<>();
        for (Run run : runs(tableFqn, limit)) {
            JsonNode body = CatalogStore.JSON.valueToTree(run.table());
            out.add(new MetricPoint(run.table().timestamp(), value(body.get(metric))));
        }
        return out;
    }

    /** A column metric ({@link #COLUMN_METRICS}) of {@code column} in each run that profiled it, newest first. */
    public List<MetricPoint> columnMetric(String tableFqn, String column, String metric, int limit) {
        check(metric, COLUMN_METRICS, "column");
        List<MetricPoint> out = new ArrayList<>();
        for (Requests.ColumnProfile p : columnHistory(tableFqn, column, limit)) {
            out.add(new MetricPoint(p.timestamp(), value(CatalogStore.JSON.valueToTree(p).get(metric))));
        }
        return out;
    }

    /**
     * The profiles of {@code column} in each run that profiled it, newest first, at most {@code limit}; each with the
     * run's timestamp.
     */
    public List<Requests.ColumnProfile> columnHistory(String tableFqn, String column, int limit) {
        requireNonNull(tableFqn, "tableFqn is null");
        requireNonNull(column, "column is null");
        return catalog.read("read the profile history of " + tableFqn + "." + column, c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT body FROM " + table("catalog_column_profile")
                    + " WHERE tenant = ? AND table_fqn = ? AND column_name = ? ORDER BY run_ts DESC LIMIT ?")) {
                s.setString(1, tenant());
                s.setString(2, tableFqn);
                s.setString(3, column);
                s.setInt(4, limit);
                List<Requests.ColumnProfile> out = new ArrayList<>();
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        out.add(CatalogStore.readJson(rs.getString(1), Requests.ColumnProfile.class));
                    }
                }
                return out;
            }
        });
    }

    /** The table's latest sample rows (PII masked by the profiler); empty when none were sent. */
    public Optional<Requests.TableData> sampleData(String tableFqn) {
        requireNonNull(tableFqn, "tableFqn is null");
        return catalog.read("read the sample data of " + tableFqn, c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT body FROM " + table("catalog_sample_data")
                    + " WHERE tenant = ? AND table_fqn = ?")) {
                s.setString(1, tenant());
                s.setString(2, tableFqn);
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() ? Optional.of(CatalogStore.readJson(rs.getString(1), Requests.TableData.class))
                            : Optional.empty();
                }
            }
        });
    }

    /** The tags on the table's columns, by column then tag. */
    public List<Requests.ColumnTag> tags(String tableFqn) {
        requireNonNull(tableFqn, "tableFqn is null");
        return catalog.read("read the column tags of " + tableFqn, c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT column_name, tag_fqn, source, label_type, state FROM "
                    + table("catalog_column_tag") + " WHERE tenant = ? AND table_fqn = ? ORDER BY column_name, tag_fqn")) {
                s.setString(1, tenant());
                s.setString(2, tableFqn);
                List<Requests.ColumnTag> out = new ArrayList<>();
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Requests.ColumnTag(rs.getString(1), new Requests.TagLabel(rs.getString(2),
                                rs.getString(3), rs.getString(4), rs.getString(5))));
                    }
                }
                return out;
            }
        });
    }

    // ---- helpers

    /**
     * A metric for people (the CLI's tables, the web page): a whole number without a fraction, others to six
     * significant digits, text as it is, null as null.
     */
    public static String text(Object metric) {
        if (metric instanceof Double d && !d.isNaN() && !d.isInfinite()) {
            if (d == Math.rint(d) && Math.abs(d) < 1e15) {
                return String.valueOf(d.longValue());
            }
            return new java.math.BigDecimal(d).round(new java.math.MathContext(6)).stripTrailingZeros()
                    .toPlainString();
        }
        return metric == null ? null : String.valueOf(metric);
    }

    private static Set<String> metrics(Class<? extends Record> type) {
        return Set.copyOf(Arrays.stream(type.getRecordComponents()).map(RecordComponent::getName)
                .filter(n -> !Set.of("name", "timestamp", "histogram").contains(n)).toList());
    }

    private static void check(String metric, Set<String> known, String level) {
        requireNonNull(metric, "metric is null");
        if (!known.contains(metric)) {
            throw new PgBridgeException(ErrorCode.INVALID_NAME, "no " + level + " metric '" + metric + "'",
                    "the " + level + " metrics are " + String.join(", ", known.stream().sorted().toList()));
        }
    }

    /** A JSON value as a number (Double or Long), text, or null. */
    private static Object value(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isIntegralNumber()) {
            return node.longValue();
        }
        if (node.isNumber()) {
            return node.doubleValue();
        }
        return node.asText();
    }
}
