package dev.pgbridge.metadata.catalogstore;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgbridge.metadata.openmetadata.EntityRef;
import dev.pgbridge.metadata.openmetadata.Fqn;
import dev.pgbridge.metadata.openmetadata.RequestSink;
import dev.pgbridge.metadata.openmetadata.Requests;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * The {@code pgbridge} sink: OpenMetadata's requests kept in the {@link CatalogStore local catalog}. Entities are
 * named by their FQNs (no ids). An entity whose create request has the same body as the stored one (compared by a
 * SHA-256 of its JSON) is left alone; a new or changed one gets a new version with its {@link ChangeDescription}; a
 * deleted table that comes back is active again in a new version. Usage counts replace the day's count; queries are
 * kept by the MD5 of their text with their users and tables merged; lineage edges by their two ends, column edges
 * merged. A profiler's table profile (one with column profiles), sample rows and tags on columns go to the
 * {@link ProfileStore}.
 *
 * <p>Writes are buffered and go in one transaction per {@value #BATCH} requests (with prepared-statement batches for
 * entities), and at each schema change, {@link #markDeleted} and {@link #close}. Used by one thread; runs on the same
 * service at once (other sinks, other processes) are safe: an entity is updated only at the version its change was
 * worked out against ({@code WHERE version = ?}), and on a miss it is read again and its change worked out anew.
 */
public final class CatalogSink implements RequestSink {
    /** Requests buffered before a write. */
    static final int BATCH = 5000;

    private final CatalogStore store;
    private final ProfileStore profileStore;
    private final Consumer<String> warnings;
    private final List<Requests.Request> pending = new ArrayList<>();
    /** What is stored of each entity of the services seen so far. */
    private final Map<String, Known> known = new HashMap<>();
    private final Set<String> loadedServices = new LinkedHashSet<>();
    private final Set<String> unsupported = new LinkedHashSet<>();
    private String pendingParent;
    /** The dbt part of the catalog, opened (migrated) when the first dbt request comes. */
    private CatalogDbtStore dbt;
    private int unchanged;
    private int written;

    private record Known(String hash, String state, int version) {
    }

    /** A table's size and row estimate as stored, to skip writing the same again. */
    private record Profile(Double sizeBytes, Double rowEstimate) {
    }

    private final Map<String, Profile> profiles = new HashMap<>();
    private final QualityStore quality;

    /** @param warnings told once about each kind of request the catalog does not keep */
    public CatalogSink(CatalogStore store, Consumer<String> warnings) {
        this.store = requireNonNull(store, "store is null");
        this.profileStore = ProfileStore.open(store);
        this.warnings = requireNonNull(warnings, "warnings is null");
        this.quality = QualityStore.open(store.db(), store.tenant());
    }

    @Override
    public void send(Requests.Request request) {
        requireNonNull(request, "request is null");
        String problem = QualityStore.problem(request);
        if (problem != null) {
            // before buffering: one bad request must not fail (and roll back) the batch it would be written in
            warnings.accept("the local catalog left out " + request.method() + " " + request.path() + ": " + problem);
            return;
        }
        if (request.body() instanceof Requests.DbtBody && dbt == null) {
            dbt = CatalogDbtStore.open(store);
        }
        String parent = request.body() instanceof Requests.CreateTable t ? t.databaseSchema() : null;
        if (!pending.isEmpty() && (pending.size() >= BATCH || (parent != null && !parent.equals(pendingParent)))) {
            flush();
        }
        if (parent != null) {
            pendingParent = parent;
        }
        pending.add(request);
    }

    /** The tags on the columns of the table {@code tableFqn} the local catalog holds (the profiler's PII tags). */
    public List<Requests.ColumnTag> columnTags(String tableFqn) {
        return profileStore.tags(tableFqn);
    }

    /** Entities written (new or changed versions) so far. */
    public int written() {
        return written;
    }

    /** Entities whose request matched what was stored, so far. */
    public int unchanged() {
        return unchanged;
    }

    @Override
    public Optional<Boolean> hasTable(String tableFqn) {
        requireNonNull(tableFqn, "tableFqn is null");
        flush();
        return Optional.of(store.read("look up table " + tableFqn, c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM " + store.table("catalog_entity")
                    + " WHERE tenant = ? AND fqn = ? AND entity_type = 'table' AND state = ?")) {
                s.setString(1, store.tenant());
                s.setString(2, tableFqn);
                s.setString(3, CatalogStore.ACTIVE);
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next();
                }
            }
        }));
    }

    @Override
    public StaleTables markDeleted(String schemaFqn, Set<String> liveTableFqns, boolean allowEmptying) {
        requireNonNull(schemaFqn, "schemaFqn is null");
        Set<String> live = Set.copyOf(liveTableFqns);
        flush();
        return store.write("mark the stale tables of " + schemaFqn + " deleted", c -> {
            List<String> active = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT fqn FROM " + store.table("catalog_entity")
                    + " WHERE tenant = ? AND parent_fqn = ? AND entity_type = 'table' AND state = ? ORDER BY fqn")) {
                s.setString(1, store.tenant());
                s.setString(2, schemaFqn);
                s.setString(3, CatalogStore.ACTIVE);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        active.add(rs.getString(1));
                    }
                }
            }
            List<String> stale = active.stream().filter(f -> !live.contains(f)).toList();
            if (stale.isEmpty()) {
                return StaleTables.NONE;
            }
            if (stale.size() == active.size() && !allowEmptying) {
                return new StaleTables(Set.of(), "markDeletedTables: kept all " + active.size() + " tables of "
                        + schemaFqn + ", which this run found none of; set sourceConfig.config.allowEmptyingSchema: "
                        + "true to let a run mark every table of a schema deleted");
            }
            Instant now = store.db().now();
            for (String fqn : stale) {
                softDelete(c, fqn, now);
            }
            return new StaleTables(new TreeSet<>(stale), null);
        });
    }

    @Override
    public void close() {
        flush();
    }

    // ---- writing

    /** Writes what is buffered, in one transaction. */
    void flush() {
        if (pending.isEmpty()) {
            return;
        }
        List<Requests.Request> batch = List.copyOf(pending);
        pending.clear();
        pendingParent = null;
        List<Entity> entities = new ArrayList<>();
        List<Requests.Request> others = new ArrayList<>();
        for (Requests.Request request : batch) {
            Entity entity = entity(request.body());
            if (entity != null) {
                entities.add(entity);
            }
            else {
                others.add(request);
            }
        }
        for (Entity e : entities) {
            if (loadedServices.add(e.service())) {
                loadKnown(e.service());
            }
        }
        store.write("write " + batch.size() + " metadata requests", c -> {
            writeEntities(c, entities);
            Batches batches = new Batches(c);
            try {
                for (Requests.Request request : others) {
                    other(c, batches, request);
                }
                batches.execute();
            }
            finally {
                batches.close();
            }
            return null;
        });
    }

    /** An entity's row as its create request gives it. */
    private record Entity(String type, String fqn, String service, String database, String schema, String name,
                          String parent, String tableType, String body, String hash) {
    }

    private static Entity entity(Object body) {
        return switch (body) {
            case Requests.CreateDatabaseService s ->
                    entity("databaseService", Fqn.build(s.name()), s.name(), null, null, s.name(), null, null, body);
            case Requests.CreateDatabase d -> {
                String service = single(d.service());
                yield entity("database", Fqn.build(service, d.name()), service, d.name(), null, d.name(),
                        d.service(), null, body);
            }
            case Requests.CreateDatabaseSchema s -> {
                List<String> parts = parts(s.database(), 2);
                yield entity("databaseSchema", Fqn.build(parts.get(0), parts.get(1), s.name()), parts.get(0),
                        parts.get(1), s.name(), s.name(), s.database(), null, body);
            }
            case Requests.CreateTable t -> {
                List<String> parts = parts(t.databaseSchema(), 3);
                yield entity("table", Fqn.build(parts.get(0), parts.get(1), parts.get(2), t.name()), parts.get(0),
                        parts.get(1), parts.get(2), t.name(), t.databaseSchema(), t.tableType(), body);
            }
            case null, default -> null;
        };
    }

    private static Entity entity(String type, String fqn, String service, String database, String schema, String name,
                                 String parent, String tableType, Object body) {
        String json = CatalogStore.json(body);
        return new Entity(type, fqn, service, database, schema, name, parent, tableType, json, sha256(json));
    }

    private static String single(String fqn) {
        return parts(fqn, 1).getFirst();
    }

    private static List<String> parts(String fqn, int count) {
        List<String> parts = Fqn.split(fqn);
        if (parts.size() != count) {
            throw new IllegalArgumentException("expected " + count + " parts in " + fqn);
        }
        return parts;
    }

    private void loadKnown(String service) {
        store.read("read the stored entities of service " + service, c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT fqn, body_hash, state, version FROM "
                    + store.table("catalog_entity") + " WHERE tenant = ? AND service = ?")) {
                s.setString(1, store.tenant());
                s.setString(2, service);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        known.put(rs.getString(1), new Known(rs.getString(2), rs.getString(3), rs.getInt(4)));
                    }
                }
            }
            try (PreparedStatement s = c.prepareStatement("SELECT p.fqn, p.size_bytes, p.row_estimate FROM "
                    + store.table("catalog_table_profile") + " p JOIN " + store.table("catalog_entity")
                    + " e ON e.tenant = p.tenant AND e.fqn = p.fqn WHERE p.tenant = ? AND e.service = ?")) {
                s.setString(1, store.tenant());
                s.setString(2, service);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        double size = rs.getDouble(2);
                        Double sizeBytes = rs.wasNull() ? null : size;
                        double rows = rs.getDouble(3);
                        profiles.put(rs.getString(1), new Profile(sizeBytes, rs.wasNull() ? null : rows));
                    }
                }
            }
            return null;
        });
    }

    private void writeEntities(Connection c, List<Entity> entities) throws SQLException {
        if (entities.isEmpty()) {
            return;
        }
        Instant now = store.db().now();
        // the same entity twice in a batch: the last request wins
        Map<String, Entity> latest = new LinkedHashMap<>();
        for (Entity e : entities) {
            latest.put(e.fqn(), e);
        }
        List<Entity> inserts = new ArrayList<>();
        List<Entity> updates = new ArrayList<>();
        for (Entity e : latest.values()) {
            Known k = known.get(e.fqn());
            if (k == null) {
                inserts.add(e);
            }
            else if (!k.hash().equals(e.hash()) || !k.state().equals(CatalogStore.ACTIVE)) {
                updates.add(e);
            }
            else {
                unchanged++;
            }
        }
        String entityTable = store.table("catalog_entity");
        List<Entity> taken = new ArrayList<>();
        int wrote = 0;
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + entityTable + " (tenant, fqn, entity_type, "
                + "service, database_name, schema_name, name, parent_fqn, table_type, body, body_hash, state, version, "
                + "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?) "
                + "ON CONFLICT (tenant, fqn) DO NOTHING");
             PreparedStatement update = c.prepareStatement("UPDATE " + entityTable + " SET table_type = ?, body = ?, "
                     + "body_hash = ?, state = ?, version = ?, updated_at = ? WHERE tenant = ? AND fqn = ? "
                     + "AND version = ?");
             PreparedStatement version = versionInsert(c)) {
            for (Entity e : inserts) {
                insert.setString(1, store.tenant());
                insert.setString(2, e.fqn());
                insert.setString(3, e.type());
                insert.setString(4, e.service());
                insert.setString(5, e.database());
                insert.setString(6, e.schema());
                insert.setString(7, e.name());
                insert.setString(8, e.parent());
                insert.setString(9, e.tableType());
                insert.setString(10, e.body());
                insert.setString(11, e.hash());
                insert.setString(12, CatalogStore.ACTIVE);
                store.db().bindTimestamp(insert, 13, now);
                store.db().bindTimestamp(insert, 14, now);
                insert.addBatch();
            }
            int[] inserted = inserts.isEmpty() ? new int[0] : insert.executeBatch();
            for (int i = 0; i < inserts.size(); i++) {
                Entity e = inserts.get(i);
                if (inserted[i] == 0) {
                    taken.add(e); // another run inserted it meanwhile: an update of what that run stored
                    continue;
                }
                bindVersion(version, e.fqn(), 1, CatalogStore.ACTIVE, null, e.body(), now);
                version.addBatch();
                known.put(e.fqn(), new Known(e.hash(), CatalogStore.ACTIVE, 1));
                wrote++;
            }
            List<Entity> toUpdate = new ArrayList<>(updates);
            toUpdate.addAll(taken);
            Map<String, Stored> before = toUpdate.isEmpty() ? Map.of() : stored(c, toUpdate);
            for (Entity e : toUpdate) {
                Stored current = before.get(e.fqn());
                // optimistic: the row is updated only at the version this diff was made against; another run that
                // wrote it meanwhile makes the UPDATE miss, and the diff is made again against what that run stored
                while (true) {
                    if (current == null) {
                        throw new IllegalStateException("entity " + e.fqn() + " vanished from the catalog");
                    }
                    if (current.hash().equals(e.hash()) && current.state().equals(CatalogStore.ACTIVE)) {
                        known.put(e.fqn(), new Known(current.hash(), current.state(), current.version()));
                        unchanged++;
                        break;
                    }
                    ChangeDescription change = EntityDiff.between(CatalogStore.parse(current.body()),
                            CatalogStore.parse(e.body()), current.version());
                    if (!current.state().equals(CatalogStore.ACTIVE)) {
                        List<ChangeDescription.FieldChange> updated = new ArrayList<>(change.fieldsUpdated());
                        updated.add(new ChangeDescription.FieldChange("deleted", "true", "false"));
                        change = new ChangeDescription(change.fieldsAdded(), updated, change.fieldsDeleted(),
                                current.version());
                    }
                    int next = current.version() + 1;
                    update.setString(1, e.tableType());
                    update.setString(2, e.body());
                    update.setString(3, e.hash());
                    update.setString(4, CatalogStore.ACTIVE);
                    update.setInt(5, next);
                    store.db().bindTimestamp(update, 6, now);
                    update.setString(7, store.tenant());
                    update.setString(8, e.fqn());
                    update.setInt(9, current.version());
                    if (update.executeUpdate() == 1) {
                        bindVersion(version, e.fqn(), next, CatalogStore.ACTIVE, change, e.body(), now);
                        version.addBatch();
                        known.put(e.fqn(), new Known(e.hash(), CatalogStore.ACTIVE, next));
                        wrote++;
                        break;
                    }
                    current = stored(c, List.of(e)).get(e.fqn());
                }
            }
            if (wrote > 0) {
                version.executeBatch();
            }
        }
        written += wrote;
    }

    /** An entity's row as stored now. */
    private record Stored(String hash, String state, int version, String body) {
    }

    /** The stored rows of {@code entities}, read in this write's transaction. */
    private Map<String, Stored> stored(Connection c, List<Entity> entities) throws SQLException {
        Map<String, Stored> out = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement("SELECT body_hash, state, version, body FROM "
                + store.table("catalog_entity") + " WHERE tenant = ? AND fqn = ?")) {
            for (Entity e : entities) {
                s.setString(1, store.tenant());
                s.setString(2, e.fqn());
                try (ResultSet rs = s.executeQuery()) {
                    if (rs.next()) {
                        out.put(e.fqn(), new Stored(rs.getString(1), rs.getString(2), rs.getInt(3),
                                rs.getString(4)));
                    }
                }
            }
        }
        return out;
    }

    private PreparedStatement versionInsert(Connection c) throws SQLException {
        return c.prepareStatement("INSERT INTO " + store.table("catalog_entity_version") + " (tenant, fqn, version, "
                + "state, change_description, body, changed_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
    }

    private void bindVersion(PreparedStatement version, String fqn, int number, String state,
                             ChangeDescription change, String body, Instant now) throws SQLException {
        version.setString(1, store.tenant());
        version.setString(2, fqn);
        version.setInt(3, number);
        version.setString(4, state);
        version.setString(5, change == null ? null : CatalogStore.json(change));
        version.setString(6, body);
        store.db().bindTimestamp(version, 7, now);
    }

    /** A table made deleted, in a new version ({@code deleted: false → true}); false when it is not active. */
    private boolean softDelete(Connection c, String fqn, Instant now) throws SQLException {
        int current;
        String body;
        try (PreparedStatement s = c.prepareStatement("SELECT version, body FROM " + store.table("catalog_entity")
                + " WHERE tenant = ? AND fqn = ? AND entity_type = 'table' AND state = ?")) {
            s.setString(1, store.tenant());
            s.setString(2, fqn);
            s.setString(3, CatalogStore.ACTIVE);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return false;
                }
                current = rs.getInt(1);
                body = rs.getString(2);
            }
        }
        int next = current + 1;
        try (PreparedStatement update = c.prepareStatement("UPDATE " + store.table("catalog_entity")
                + " SET state = ?, version = ?, updated_at = ? WHERE tenant = ? AND fqn = ? AND version = ?")) {
            update.setString(1, CatalogStore.DELETED);
            update.setInt(2, next);
            store.db().bindTimestamp(update, 3, now);
            update.setString(4, store.tenant());
            update.setString(5, fqn);
            update.setInt(6, current);
            if (update.executeUpdate() == 0) {
                return softDelete(c, fqn, now); // another run wrote it meanwhile: again, on what it stored
            }
        }
        try (PreparedStatement version = versionInsert(c)) {
            bindVersion(version, fqn, next, CatalogStore.DELETED, new ChangeDescription(List.of(),
                    List.of(new ChangeDescription.FieldChange("deleted", "false", "true")), List.of(), current),
                    body, now);
            version.executeUpdate();
        }
        Known k = known.get(fqn);
        if (k != null) {
            known.put(fqn, new Known(k.hash(), CatalogStore.DELETED, next));
        }
        return true;
    }

    /**
     * Prepared statements of one flush for the writes that read nothing (profiles, usage, joins), each prepared once,
     * batched, and executed in the order they were first used, after the entities.
     */
    private static final class Batches {
        private final Connection connection;
        private final Map<String, PreparedStatement> statements = new LinkedHashMap<>();

        Batches(Connection connection) {
            this.connection = connection;
        }

        PreparedStatement get(String sql) throws SQLException {
            PreparedStatement s = statements.get(sql);
            if (s == null) {
                s = connection.prepareStatement(sql);
                statements.put(sql, s);
            }
            return s;
        }

        void execute() throws SQLException {
            for (PreparedStatement s : statements.values()) {
                s.executeBatch();
            }
        }

        void close() throws SQLException {
            SQLException failure = null;
            for (PreparedStatement s : statements.values()) {
                try {
                    s.close();
                }
                catch (SQLException e) {
                    if (failure == null) {
                        failure = e;
                    }
                    else {
                        failure.addSuppressed(e);
                    }
                }
            }
            if (failure != null) {
                throw failure;
            }
        }
    }

    /**
     * A request that is not an entity's create: usage, joins, a query, lineage, a profile, sample rows, column tags, a
     * delete.
     */
    private void other(Connection c, Batches batches, Requests.Request request) throws SQLException {
        Instant now = store.db().now();
        EntityRef about = request.pathEntity();
        switch (request.body()) {
            case Requests.UsageRequest u when about != null -> usage(batches, "INSERT INTO " + store.table("catalog_usage")
                    + " (tenant, table_fqn, usage_date, count) VALUES (?, ?, ?, ?) ON CONFLICT (tenant, table_fqn, "
                    + "usage_date) DO UPDATE SET count = excluded.count", store.tenant(), about.fullyQualifiedName(),
                    u.date(), (long) u.count());
            case Requests.TableJoins j when about != null -> joins(batches, about.fullyQualifiedName(), j);
            case Requests.CreateTableProfile p when about != null && p.columnProfile() != null ->
                    profileStore.profile(c, about.fullyQualifiedName(), p);
            case Requests.CreateTableProfile p when about != null -> profile(batches, about.fullyQualifiedName(), p);
            case Requests.TableData d when about != null -> profileStore.sampleData(c, about.fullyQualifiedName(), d);
            case Requests.ColumnTags t when about != null -> profileStore.columnTags(c, about.fullyQualifiedName(), t);
            case Requests.ProfileExtras e when about != null -> profileStore.extras(c, about.fullyQualifiedName(), e);
            case Requests.CreateQuery q -> query(c, q, now);
            case Requests.AddLineage l -> lineage(c, l, now);
            case Requests.DbtBody d -> dbt.write(c, about, d, now);
            case Requests.CreateTestSuite s -> quality.suite(c, s, now.toEpochMilli());
            case Requests.CreateTestCase t -> quality.testCase(c, t, now.toEpochMilli());
            case Requests.TestCaseResult r -> quality.result(c, request.path(), r);
            case null -> {
                if (request.method().equals("DELETE") && about != null && about.type().equals("table")) {
                    softDelete(c, about.fullyQualifiedName(), now);
                }
                else {
                    unsupported(request);
                }
            }
            default -> unsupported(request);
        }
    }

    private void unsupported(Requests.Request request) {
        String route = request.method() + " " + request.path();
        if (unsupported.add(route)) {
            warnings.accept("the local catalog does not keep " + route + " requests; left out");
        }
    }

    private void joins(Batches batches, String tableFqn, Requests.TableJoins joins) throws SQLException {
        String sql = "INSERT INTO " + store.table("catalog_join") + " (tenant, table_fqn, column_name, joined_fqn, "
                + "start_date, day_count, join_count) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tenant, table_fqn, "
                + "column_name, joined_fqn, start_date) DO UPDATE SET day_count = excluded.day_count, "
                + "join_count = excluded.join_count";
        PreparedStatement s = batches.get(sql);
        {
            List<Object[]> rows = new ArrayList<>();
            if (joins.columnJoins() != null) {
                for (Requests.ColumnJoin cj : joins.columnJoins()) {
                    for (Requests.JoinedWith w : cj.joinedWith()) {
                        rows.add(new Object[]{cj.columnName(), w.fullyQualifiedName(), w.joinCount()});
                    }
                }
            }
            if (joins.directTableJoins() != null) {
                for (Requests.JoinedWith w : joins.directTableJoins()) {
                    rows.add(new Object[]{"", w.fullyQualifiedName(), w.joinCount()});
                }
            }
            for (Object[] row : rows) {
                s.setString(1, store.tenant());
                s.setString(2, tableFqn);
                s.setString(3, (String) row[0]);
                s.setString(4, (String) row[1]);
                s.setString(5, joins.startDate());
                s.setInt(6, joins.dayCount());
                s.setLong(7, (Integer) row[2]);
                s.addBatch();
            }
        }
    }

    private void profile(Batches batches, String tableFqn, Requests.CreateTableProfile profile)
            throws SQLException {
        Profile now = new Profile(profile.tableProfile().sizeInByte(), profile.tableProfile().rowCount());
        if (now.equals(profiles.put(tableFqn, now))) {
            return;
        }
        PreparedStatement s = batches.get("INSERT INTO " + store.table("catalog_table_profile") + " (tenant, fqn, "
                + "size_bytes, row_estimate, profiled_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (tenant, fqn) DO UPDATE "
                + "SET size_bytes = excluded.size_bytes, row_estimate = excluded.row_estimate, "
                + "profiled_at = excluded.profiled_at");
        s.setString(1, store.tenant());
        s.setString(2, tableFqn);
        setDouble(s, 3, profile.tableProfile().sizeInByte());
        setDouble(s, 4, profile.tableProfile().rowCount());
        s.setLong(5, profile.tableProfile().timestamp());
        s.addBatch();
    }

    private static void setDouble(PreparedStatement s, int index, Double value) throws SQLException {
        if (value == null) {
            s.setNull(index, Types.DOUBLE);
        }
        else {
            s.setDouble(index, value);
        }
    }

    private void query(Connection c, Requests.CreateQuery q, Instant now) throws SQLException {
        String checksum = md5(q.query());
        Set<String> users = new TreeSet<>(q.users() == null ? List.of() : q.users());
        Set<String> usedBy = new TreeSet<>(q.usedBy() == null ? List.of() : q.usedBy());
        Set<String> tables = new TreeSet<>();
        if (q.queryUsedIn() != null) {
            q.queryUsedIn().forEach(r -> tables.add(r.fullyQualifiedName()));
        }
        try (PreparedStatement s = c.prepareStatement("SELECT users, used_by, tables FROM "
                + store.table("catalog_query") + " WHERE tenant = ? AND checksum = ?")) {
            s.setString(1, store.tenant());
            s.setString(2, checksum);
            try (ResultSet rs = s.executeQuery()) {
                if (rs.next()) {
                    users.addAll(List.of(CatalogStore.readJson(rs.getString(1), String[].class)));
                    usedBy.addAll(List.of(CatalogStore.readJson(rs.getString(2), String[].class)));
                    tables.addAll(List.of(CatalogStore.readJson(rs.getString(3), String[].class)));
                }
            }
        }
        try (PreparedStatement s = c.prepareStatement("INSERT INTO " + store.table("catalog_query") + " (tenant, "
                + "checksum, service, query, query_type, duration, query_date, users, used_by, tables, updated_at) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tenant, checksum) DO UPDATE SET "
                + "query_type = excluded.query_type, duration = excluded.duration, query_date = excluded.query_date, "
                + "users = excluded.users, used_by = excluded.used_by, tables = excluded.tables, "
                + "updated_at = excluded.updated_at")) {
            s.setString(1, store.tenant());
            s.setString(2, checksum);
            s.setString(3, q.service());
            s.setString(4, q.query());
            s.setString(5, q.query_type());
            setDouble(s, 6, q.duration());
            if (q.queryDate() == null) {
                s.setNull(7, Types.BIGINT);
            }
            else {
                s.setLong(7, q.queryDate());
            }
            s.setString(8, CatalogStore.json(users));
            s.setString(9, CatalogStore.json(usedBy));
            s.setString(10, CatalogStore.json(tables));
            store.db().bindTimestamp(s, 11, now);
            s.executeUpdate();
        }
    }

    private void lineage(Connection c, Requests.AddLineage l, Instant now) throws SQLException {
        String from = l.fromEntity().fullyQualifiedName();
        String to = l.toEntity().fullyQualifiedName();
        // column edges by their target column: the sources merged, as OpenMetadata merges an edge added again
        Map<String, Set<String>> columns = new LinkedHashMap<>();
        String sql = l.sqlQuery();
        String source = l.source();
        try (PreparedStatement s = c.prepareStatement("SELECT columns, sql_query, source FROM "
                + store.table("catalog_lineage") + " WHERE tenant = ? AND from_fqn = ? AND to_fqn = ?")) {
            s.setString(1, store.tenant());
            s.setString(2, from);
            s.setString(3, to);
            try (ResultSet rs = s.executeQuery()) {
                if (rs.next()) {
                    for (Requests.ColumnLineage cl : CatalogStore.readJson(rs.getString(1),
                            Requests.ColumnLineage[].class)) {
                        columns.computeIfAbsent(cl.toColumn(), k -> new TreeSet<>()).addAll(cl.fromColumns());
                    }
                    boolean viewDefined = "ViewLineage".equals(rs.getString(3)) && !"ViewLineage".equals(source);
                    // a view's edge stays the view's: its definition, not a logged statement, says what it reads
                    sql = sql != null && !viewDefined ? sql : rs.getString(2);
                    source = source != null && !viewDefined ? source : rs.getString(3);
                }
            }
        }
        if (l.columnsLineage() != null) {
            for (Requests.ColumnLineage cl : l.columnsLineage()) {
                columns.computeIfAbsent(cl.toColumn(), k -> new TreeSet<>()).addAll(cl.fromColumns());
            }
        }
        List<Requests.ColumnLineage> merged = new ArrayList<>();
        columns.forEach((target, sources) -> merged.add(new Requests.ColumnLineage(List.copyOf(sources), target)));
        try (PreparedStatement s = c.prepareStatement("INSERT INTO " + store.table("catalog_lineage") + " (tenant, "
                + "from_fqn, to_fqn, source, sql_query, columns, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
                + "ON CONFLICT (tenant, from_fqn, to_fqn) DO UPDATE SET source = excluded.source, "
                + "sql_query = excluded.sql_query, columns = excluded.columns, updated_at = excluded.updated_at")) {
            s.setString(1, store.tenant());
            s.setString(2, from);
            s.setString(3, to);
            s.setString(4, source);
            s.setString(5, sql);
            s.setString(6, CatalogStore.json(merged));
            store.db().bindTimestamp(s, 7, now);
            s.executeUpdate();
        }
    }

    private static void usage(Batches batches, String sql, String tenant, String fqn, String date, long count)
            throws SQLException {
        PreparedStatement s = batches.get(sql);
        s.setString(1, tenant);
        s.setString(2, fqn);
        s.setString(3, date);
        s.setLong(4, count);
        s.addBatch();
    }

    private static String sha256(String text) {
        return digest("SHA-256", text);
    }

    /** OpenMetadata names a query by the MD5 of its text. */
    private static String md5(String text) {
        return digest("MD5", text);
    }

    private static String digest(String algorithm, String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm)
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is missing from this JVM", e);
        }
    }
}
