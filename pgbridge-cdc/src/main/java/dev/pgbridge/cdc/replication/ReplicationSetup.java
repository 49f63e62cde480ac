package dev.pgbridge.cdc.replication;

import dev.pgbridge.pgtype.Lsn;
import dev.pgbridge.cdc.event.TableId;
import dev.pgbridge.catalog.TableShape;
import dev.pgbridge.catalog.TableShapes;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.sql.Identifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * Checks what a capture needs on the source and creates what is missing when the role may: {@code wal_level =
 * logical}; the REPLICATION attribute (or {@code rds_replication}); a free replication slot; every bound table
 * present with a usable replica identity; the publication (created {@code FOR TABLE … WITH
 * (publish_via_partition_root = true)}, or {@code FOR ALL TABLES} without bindings) holding every bound table; the
 * slot ({@code pg_create_logical_replication_slot(slot, 'pgoutput')}); the backfill's watermarks table
 * ({@code (slot text PRIMARY KEY, watermark text NOT NULL)}, created before the publication so that it is published
 * too; it is never one of the captured tables).
 *
 * <p>Every problem is collected before anything fails, and the one {@link PgBridgeException} lists them all, each
 * with the exact SQL a DBA must run. Replica identity rules: DEFAULT needs a primary key; USING INDEX is accepted
 * (events are keyed by the index columns); FULL is accepted (keyed by the primary key, or the whole row without
 * one); NOTHING is refused, because PostgreSQL then rejects UPDATE and DELETE on a published table and a capture
 * could not identify rows — the fix is printed.
 *
 * <p>Runs on a normal (not replication) connection in the source database.
 */
public final class ReplicationSetup {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicationSetup.class);

    private final Connection connection;
    private final String slotName;
    private final String publicationName;
    private final List<TableId> bindings;
    private final TableId watermarksTable;

    /** What {@link #prepare()} found and did. */
    public record Result(int serverVersionNum, List<CapturedTable> tables, boolean createdPublication,
                         boolean createdSlot, Optional<Lsn> slotConsistentPoint, boolean createdWatermarksTable) {
        public Result {
            tables = List.copyOf(tables);
        }
    }

    public ReplicationSetup(Connection connection, String slotName, String publicationName, List<TableId> bindings) {
        this(connection, slotName, publicationName, bindings, null);
    }

    /** With {@code watermarksTable} (null: none) created when missing and published with the captured tables. */
    public ReplicationSetup(Connection connection, String slotName, String publicationName, List<TableId> bindings,
                            TableId watermarksTable) {
        this.connection = requireNonNull(connection, "connection is null");
        this.slotName = requireNonNull(slotName, "slotName is null");
        this.publicationName = requireNonNull(publicationName, "publicationName is null");
        this.bindings = List.copyOf(bindings);
        this.watermarksTable = watermarksTable;
    }

    /** The SQL that creates a watermarks table. */
    public static String createWatermarksTableSql(TableId table) {
        return "CREATE TABLE " + PrintedSql.table(table) + " (slot text PRIMARY KEY, watermark text NOT NULL);";
    }

    /** Checks everything without changing anything; the problems found, empty when the capture can start. */
    public List<SetupProblem> check() throws SQLException {
        return run(false).problems;
    }

    /**
     * Checks, then creates the publication and the slot if they are missing and the role may. Fails with one
     * exception listing every problem (and the SQL for whatever it was not allowed to create).
     */
    public Result prepare() throws SQLException {
        Outcome outcome = run(true);
        if (!outcome.problems.isEmpty()) {
            throw failure(outcome.problems);
        }
        return outcome.result;
    }

    /** One exception naming every problem with its fix. */
    public static PgBridgeException failure(List<SetupProblem> problems) {
        boolean privilege = problems.stream().allMatch(p -> p.problem().contains("not allowed"));
        String text = problems.stream().map(p -> "- " + p).collect(Collectors.joining("\n"));
        return new PgBridgeException(privilege ? ErrorCode.PRIVILEGE_MISSING : ErrorCode.REPLICATION_SETUP,
                "the source is not ready for change data capture (" + problems.size()
                        + (problems.size() == 1 ? " problem" : " problems") + "):\n" + text,
                "run the SQL shown for each problem (as a superuser or the table owner where it says so), "
                        + "then start the capture again");
    }

    private record Outcome(List<SetupProblem> problems, Result result) {
    }

    private Outcome run(boolean create) throws SQLException {
        List<SetupProblem> problems = new ArrayList<>();
        int version = intValue("SELECT current_setting('server_version_num')::int");
        if (version < 100000) {
            throw new PgBridgeException(ErrorCode.UNSUPPORTED_SERVER, "PostgreSQL " + version / 10000
                    + " has no pgoutput logical replication", "change data capture needs PostgreSQL 10 or newer");
        }
        String walLevel = text("SELECT current_setting('wal_level')");
        if (!"logical".equals(walLevel)) {
            problems.add(new SetupProblem("wal_level is " + walLevel + ", logical decoding needs logical",
                    "ALTER SYSTEM SET wal_level = logical;  -- then restart PostgreSQL\n"
                            + "-- on Amazon RDS/Aurora: set rds.logical_replication = 1 in the parameter group"));
        }
        String user = text("SELECT current_user");
        boolean replication;
        try (PreparedStatement ps = connection.prepareStatement("""
                SELECT r.rolreplication OR r.rolsuper
                    OR EXISTS (SELECT 1 FROM pg_catalog.pg_roles g WHERE g.rolname = ?
                               AND pg_catalog.pg_has_role(r.oid, g.oid, 'MEMBER'))
                FROM pg_catalog.pg_roles r WHERE r.rolname = current_user""")) {
            ps.setString(1, "rds_replication");
            try (ResultSet rs = ps.executeQuery()) {
                replication = rs.next() && rs.getBoolean(1);
            }
        }
        if (!replication) {
            problems.add(new SetupProblem("role \"" + user + "\" has neither the REPLICATION attribute nor membership "
                    + "in rds_replication, so it may not stream changes",
                    "ALTER ROLE " + Identifier.quote(user) + " WITH REPLICATION;\n"
                            + "-- on Amazon RDS/Aurora instead: GRANT rds_replication TO " + Identifier.quote(user) + ";"));
        }

        // the slot
        boolean slotExists = false;
        String walStatusColumn = version >= 130000 ? "wal_status" : "NULL::text";
        try (PreparedStatement ps = connection.prepareStatement("SELECT plugin, database, " + walStatusColumn
                + " FROM pg_catalog.pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, slotName);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    slotExists = true;
                    String database = text("SELECT current_database()");
                    if (!"pgoutput".equals(rs.getString(1)) || !database.equals(rs.getString(2))) {
                        problems.add(new SetupProblem("replication slot \"" + slotName + "\" exists but belongs to "
                                + (rs.getString(2) == null ? "physical replication" : "database \"" + rs.getString(2)
                                + "\" with plugin " + rs.getString(1)) + ", not pgoutput in \"" + database + "\"",
                                "choose another advanced.slotName, or drop that slot if it is unused: "
                                        + "SELECT pg_drop_replication_slot(" + PrintedSql.literal(slotName) + ");"));
                    }
                    if ("lost".equals(rs.getString(3))) {
                        problems.add(SlotLost.problem(slotName));
                    }
                }
            }
        }
        if (!slotExists) {
            int free = intValue("SELECT current_setting('max_replication_slots')::int "
                    + "- (SELECT count(*) FROM pg_catalog.pg_replication_slots)::int");
            if (free <= 0) {
                problems.add(new SetupProblem("no free replication slot (max_replication_slots is used up)",
                        "ALTER SYSTEM SET max_replication_slots = "
                                + (intValue("SELECT current_setting('max_replication_slots')::int") + 4)
                                + ";  -- then restart PostgreSQL\n"
                                + "-- or drop an unused slot: SELECT pg_drop_replication_slot('<slot name>');"));
            }
        }

        // the publication
        Publication publication = publication(version);
        List<CapturedTable> tables;
        if (bindings.isEmpty()) {
            tables = publication == null ? allTables() : publicationTables(publication);
        }
        else {
            tables = boundTables(problems);
        }
        for (CapturedTable t : tables) {
            identityProblem(t).ifPresent(problems::add);
            if (t.partitioned() && version >= 120000) {
                problems.addAll(partitionIdentityProblems(connection, t));
            }
        }
        boolean anyPartitioned = tables.stream().anyMatch(CapturedTable::partitioned);
        if (anyPartitioned && version < 130000) {
            problems.add(new SetupProblem("partitioned tables " + tables.stream().filter(CapturedTable::partitioned)
                    .map(CapturedTable::table).toList() + " cannot be published before PostgreSQL 13",
                    "bind the partitions instead, or upgrade to PostgreSQL 13 or newer"));
        }

        if (watermarksTable != null) {
            tables = tables.stream().filter(t -> !t.table().equals(watermarksTable)).toList();
        }
        List<SetupProblem> fatal = List.copyOf(problems);
        boolean createdWatermarks = false;
        if (watermarksTable != null && !exists(watermarksTable)) {
            String sql = createWatermarksTableSql(watermarksTable);
            if (create && fatal.isEmpty()) {
                createdWatermarks = tryExecute(sql, "create the backfill watermarks table " + watermarksTable,
                        problems);
            }
            else if (!create) {
                problems.add(new SetupProblem("the backfill watermarks table " + watermarksTable + " does not exist",
                        sql + "  -- then GRANT SELECT, INSERT, UPDATE ON it to the capture's role"));
            }
        }
        boolean createdPublication = false;
        if (publication == null) {
            String sql = createPublicationSql(tables, version);
            if (create && fatal.isEmpty()) {
                createdPublication = tryExecute(sql, "create publication \"" + publicationName + "\"", problems);
            }
            else if (!create) {
                problems.add(new SetupProblem("publication \"" + publicationName + "\" does not exist", sql));
            }
        }
        else {
            publicationProblems(publication, tables, create && fatal.isEmpty(), problems);
        }

        boolean createdSlot = false;
        Lsn consistentPoint = null;
        if (!slotExists) {
            String sql = "SELECT pg_create_logical_replication_slot(" + PrintedSql.literal(slotName) + ", 'pgoutput');";
            if (create && problems.isEmpty()) {
                try (PreparedStatement ps = connection.prepareStatement(
                        "SELECT lsn::text FROM pg_catalog.pg_create_logical_replication_slot(?, 'pgoutput')")) {
                    ps.setString(1, slotName);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        consistentPoint = Lsn.valueOf(rs.getString(1));
                    }
                    createdSlot = true;
                    LOG.info("created replication slot {} at {}", slotName, consistentPoint);
                }
                catch (SQLException e) {
                    if (!"42501".equals(e.getSQLState())) {
                        throw e;
                    }
                    problems.add(new SetupProblem("role \"" + user + "\" is not allowed to create replication slot \""
                            + slotName + "\": " + e.getMessage(), sql + "  -- as a superuser, in this database"));
                }
            }
            else if (!create) {
                problems.add(new SetupProblem("replication slot \"" + slotName + "\" does not exist", sql));
            }
        }
        return new Outcome(problems, new Result(version, tables, createdPublication, createdSlot,
                Optional.ofNullable(consistentPoint), createdWatermarks));
    }

    private boolean tryExecute(String sql, String what, List<SetupProblem> problems) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute(sql);
            LOG.info("{}: {}", what, sql);
            return true;
        }
        catch (SQLException e) {
            if (!"42501".equals(e.getSQLState())) {
                throw e;
            }
            problems.add(new SetupProblem("role is not allowed to " + what + ": " + e.getMessage(),
                    sql + "  -- as a superuser or the owner of the tables"));
            return false;
        }
    }

    /** Why a table cannot be captured as it is, with the SQL that fixes it; empty when it can. */
    public static Optional<SetupProblem> identityProblem(CapturedTable t) {
        String table = PrintedSql.table(t.table());
        return switch (t.replicaIdentity()) {
            case DEFAULT -> t.primaryKey().isEmpty()
                    ? Optional.of(new SetupProblem("table " + t.table() + " has no primary key and REPLICA IDENTITY "
                            + "DEFAULT: its updates and deletes cannot be identified (PostgreSQL would even refuse "
                            + "them once the table is published)",
                            "ALTER TABLE " + table + " REPLICA IDENTITY FULL;  -- or add a primary key"))
                    : Optional.empty();
            case NOTHING -> Optional.of(new SetupProblem("table " + t.table() + " has REPLICA IDENTITY NOTHING: "
                    + "updates and deletes carry no row identity (PostgreSQL refuses them on a published table)",
                    "ALTER TABLE " + table + " REPLICA IDENTITY " + (t.primaryKey().isEmpty() ? "FULL" : "DEFAULT")
                            + ";"));
            case FULL, INDEX -> Optional.empty();
        };
    }

    /**
     * The partitions of a partitioned table whose own replica identity cannot identify a row (changes are published
     * from the partitions, so each needs a key or REPLICA IDENTITY FULL; a root's identity does not reach existing
     * partitions). Once published, PostgreSQL would refuse their updates and deletes. Foreign partitions are not
     * published and do not count.
     */
    public static List<SetupProblem> partitionIdentityProblems(Connection connection, CapturedTable root)
            throws SQLException {
        List<SetupProblem> out = new ArrayList<>();
        for (TableShape shape : TableShapes.leafPartitions(connection, root.oid() & 0xFFFFFFFFL)) {
            CapturedTable leaf = CapturedTable.of(shape);
            identityProblem(leaf).ifPresent(p -> out.add(new SetupProblem("partition " + leaf.table() + " of "
                    + root.table() + ": " + p.problem(), p.fix())));
        }
        return out;
    }

    private record Publication(int oid, boolean allTables, boolean insert, boolean update, boolean delete,
                               boolean truncate, boolean viaRoot) {
    }

    private Publication publication(int version) throws SQLException {
        String viaRoot = version >= 130000 ? "pubviaroot" : "false";
        try (PreparedStatement ps = connection.prepareStatement("SELECT oid::int, puballtables, pubinsert, pubupdate, "
                + "pubdelete, pubtruncate, " + viaRoot + " FROM pg_catalog.pg_publication WHERE pubname = ?")) {
            ps.setString(1, publicationName);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                return new Publication(rs.getInt(1), rs.getBoolean(2), rs.getBoolean(3), rs.getBoolean(4),
                        rs.getBoolean(5), rs.getBoolean(6), rs.getBoolean(7));
            }
        }
    }

    private boolean exists(TableId table) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT 1 FROM pg_catalog.pg_class c JOIN "
                + "pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ?")) {
            ps.setString(1, table.schema());
            ps.setString(2, table.table());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** The tables the publication must hold: the captured ones and the watermarks table. */
    private List<TableId> published(List<CapturedTable> tables) {
        List<TableId> all = new ArrayList<>(tables.stream().map(CapturedTable::table).toList());
        if (watermarksTable != null && !all.contains(watermarksTable)) {
            all.add(watermarksTable);
        }
        return all;
    }

    private String createPublicationSql(List<CapturedTable> tables, int version) {
        String target = bindings.isEmpty() ? "FOR ALL TABLES"
                : "FOR TABLE " + published(tables).stream().map(PrintedSql::table).collect(Collectors.joining(", "));
        String with = version >= 130000 ? " WITH (publish_via_partition_root = true)" : "";
        return "CREATE PUBLICATION " + Identifier.quote(publicationName) + " " + target + with + ";";
    }

    private void publicationProblems(Publication p, List<CapturedTable> tables, boolean create,
                                     List<SetupProblem> problems) throws SQLException {
        String pub = Identifier.quote(publicationName);
        if (!(p.insert && p.update && p.delete && p.truncate)) {
            problems.add(new SetupProblem("publication \"" + publicationName + "\" does not publish every operation",
                    "ALTER PUBLICATION " + pub + " SET (publish = 'insert, update, delete, truncate');"));
        }
        if (!p.viaRoot && tables.stream().anyMatch(CapturedTable::partitioned)) {
            problems.add(new SetupProblem("publication \"" + publicationName + "\" publishes partitions under their "
                    + "own names", "ALTER PUBLICATION " + pub + " SET (publish_via_partition_root = true);"));
        }
        if (p.allTables) {
            return;
        }
        Set<TableId> members = new LinkedHashSet<>(publicationMembers(p));
        List<TableId> missing = published(tables).stream().filter(t -> !members.contains(t)).toList();
        if (missing.isEmpty()) {
            return;
        }
        String sql = "ALTER PUBLICATION " + pub + " ADD TABLE "
                + missing.stream().map(PrintedSql::table).collect(Collectors.joining(", ")) + ";";
        if (create) {
            tryExecute(sql, "add " + missing + " to publication \"" + publicationName + "\"", problems);
        }
        else {
            problems.add(new SetupProblem("publication \"" + publicationName + "\" lacks " + missing, sql));
        }
    }

    private List<TableId> publicationMembers(Publication p) throws SQLException {
        List<TableId> members = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement("""
                SELECT n.nspname, c.relname FROM pg_catalog.pg_publication_rel r
                JOIN pg_catalog.pg_class c ON c.oid = r.prrelid
                JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                WHERE r.prpubid = ?
                UNION
                SELECT schemaname, tablename FROM pg_catalog.pg_publication_tables WHERE pubname = ?""")) {
            ps.setInt(1, p.oid);
            ps.setString(2, publicationName);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    members.add(new TableId(rs.getString(1), rs.getString(2)));
                }
            }
        }
        return members;
    }

    /** The bound tables, one catalog query per schema; a missing or unsuitable table is a problem. */
    private List<CapturedTable> boundTables(List<SetupProblem> problems) throws SQLException {
        Map<String, List<String>> bySchema = new LinkedHashMap<>();
        for (TableId t : bindings) {
            bySchema.computeIfAbsent(t.schema(), s -> new ArrayList<>()).add(t.table());
        }
        Map<TableId, CapturedTable> found = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : bySchema.entrySet()) {
            for (TableShape shape : TableShapes.read(connection, e.getKey(), e.getValue())) {
                TableId id = new TableId(e.getKey(), shape.name().name());
                if (shape.relkind() != 'r' && shape.relkind() != 'p') {
                    problems.add(new SetupProblem(id + " is not a table (relkind " + shape.relkind() + "); only "
                            + "tables and partitioned tables have changes to capture",
                            "remove {namespace: " + id.schema() + ", stream: " + id.table() + "} from bindings"));
                    found.put(id, null);
                    continue;
                }
                found.put(id, CapturedTable.of(shape));
            }
        }
        List<CapturedTable> tables = new ArrayList<>();
        for (TableId t : bindings) {
            if (!found.containsKey(t)) {
                problems.add(new SetupProblem("table " + t + " does not exist (names are case-sensitive)",
                        "fix {namespace: " + t.schema() + ", stream: " + t.table() + "} in bindings, or create the table"));
            }
            else if (found.get(t) != null) {
                tables.add(found.get(t));
            }
        }
        return tables;
    }

    /** Every ordinary and partitioned table outside the system schemas (what FOR ALL TABLES publishes). */
    private List<CapturedTable> allTables() throws SQLException {
        return TableShapes.tables(connection, false).stream().map(CapturedTable::of).toList();
    }

    private List<CapturedTable> publicationTables(Publication p) throws SQLException {
        if (p.allTables) {
            return allTables();
        }
        List<TableId> members = publicationMembers(p);
        Map<String, List<String>> bySchema = new LinkedHashMap<>();
        for (TableId t : members) {
            bySchema.computeIfAbsent(t.schema(), s -> new ArrayList<>()).add(t.table());
        }
        Map<TableId, CapturedTable> found = new HashMap<>();
        for (Map.Entry<String, List<String>> e : bySchema.entrySet()) {
            for (TableShape shape : TableShapes.read(connection, e.getKey(), e.getValue())) {
                CapturedTable t = CapturedTable.of(shape);
                found.put(t.table(), t);
            }
        }
        return members.stream().map(found::get).filter(Objects::nonNull).toList();
    }

    private int intValue(String sql) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private String text(String sql) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
