package dev.pgbridge.cdc.sink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgbridge.cdc.event.ChangeEvent;
import dev.pgbridge.cdc.event.EventJson;
import dev.pgbridge.cdc.event.Op;
import dev.pgbridge.cdc.event.TableId;
import dev.pgbridge.pgtype.PgJson;
import dev.pgbridge.pgtype.PgType;
import dev.pgbridge.pgtype.TypeResolver;
import dev.pgbridge.sql.Identifier;
import dev.pgbridge.sql.QualifiedName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * One table of the PostgreSQL sink's target schema: its columns (with the type each value is cast to) and primary
 * key, the changes of its source table waiting to be sent, and the statements that send them.
 *
 * <p>A keyed table holds the last change per event key, the changes of one key folded into one with the same effect
 * ({@link #keep}); {@link #executePending()} runs its deletes before its upserts
 * ({@code INSERT … ON CONFLICT (primary key) DO UPDATE}), one JDBC batch per statement shape. A table without a
 * primary key holds every change in order and applies them as a multiset: a plain {@code INSERT}, and a delete of
 * <em>one</em> row equal in every key column ({@code IS NOT DISTINCT FROM}). Every value is bound as text and cast to
 * its column's type ({@code ?::numeric(10,2)}), turned back from the event's JSON by {@link PgJson#toText}.
 *
 * <p>A column the target lacks is added through {@link SchemaChanges} before a change that carries it is held.
 */
final class TargetTable {
    private static final Logger LOG = LoggerFactory.getLogger(TargetTable.class);

    private final Connection connection;
    private final String schema;
    private final TableId source;
    private final String name;
    private final String qualified;
    private final TypeResolver types;
    private final SchemaChanges schemaChanges;
    private final Map<String, TargetColumn> columns = new LinkedHashMap<>();
    private final List<String> primaryKey;
    /** Keyed tables: the last change of each event key. */
    private final LinkedHashMap<String, Pending> byKey = new LinkedHashMap<>();
    /** Tables without a primary key: every change, in order. */
    private final List<Pending> ordered = new ArrayList<>();
    /** Prepared on {@link #connection}, by SQL text. */
    private final Map<String, PreparedStatement> statements = new HashMap<>();

    /** A target column: its name, its type as SQL text for the cast, its mapping. */
    private record TargetColumn(String name, String sqlType, PgType type) {
    }

    private enum Kind { UPSERT, INSERT, DELETE, DELETE_ONE }

    /** One change waiting for its batch: what to do, with which columns, the values as input text. */
    private record Pending(Kind kind, List<String> columns, String[] values) {
        String signature() {
            return kind + ":" + String.join("\u0000", columns);
        }
    }

    /**
     * The target table {@code schema.<table of source>} of {@code shape} on {@code connection}; {@code types} resolves
     * the type oids of the target.
     */
    TargetTable(Connection connection, String schema, TableId source, TableShape shape, TypeResolver types,
                SchemaChanges schemaChanges) {
        this.connection = requireNonNull(connection, "connection is null");
        this.schema = requireNonNull(schema, "schema is null");
        this.source = requireNonNull(source, "source is null");
        this.name = source.table();
        this.qualified = QualifiedName.of(schema, name).quoted();
        this.types = requireNonNull(types, "types is null");
        this.schemaChanges = requireNonNull(schemaChanges, "schemaChanges is null");
        this.primaryKey = shape.primaryKey();
        load(shape);
    }

    private void load(TableShape shape) {
        columns.clear();
        for (TableShape.Column c : shape.columns()) {
            columns.put(c.name(), new TargetColumn(c.name(), c.type(), types.resolve(c.typeOid())));
        }
    }

    /** The quoted names, comma-separated. */
    static String quoteAll(List<String> names) {
        return names.stream().map(Identifier::quote).collect(Collectors.joining(", "));
    }

    boolean keyed() {
        return !primaryKey.isEmpty();
    }

    /** Changes held and not yet sent. */
    int pending() {
        return byKey.size() + ordered.size();
    }

    void upsert(ChangeEvent event) throws SQLException {
        ObjectNode after = event.after();
        if (after == null) {
            throw new IllegalStateException(event.op() + " event of " + source + " without an after image");
        }
        Pending row = pending(keyed() ? Kind.UPSERT : Kind.INSERT, after);
        if (keyed()) {
            for (String k : primaryKey) {
                if (!row.columns().contains(k)) {
                    throw new IllegalStateException("a row of " + source + " lacks the primary-key column " + k
                            + " of the target table " + schema + "." + name + " (columns " + row.columns() + ")");
                }
            }
            keep(eventKey(event, after), row);
        }
        else {
            if (event.op() == Op.UPDATE) {
                ordered.add(pending(Kind.DELETE_ONE, identity(event)));
            }
            ordered.add(row);
        }
    }

    void delete(ChangeEvent event) throws SQLException {
        ObjectNode identity = identity(event);
        if (keyed()) {
            keep(eventKey(event, identity), pending(Kind.DELETE, identity));
        }
        else {
            ordered.add(pending(Kind.DELETE_ONE, identity));
        }
    }

    /** Drops what is held (the truncate makes it moot) and truncates the table. */
    void truncate() throws SQLException {
        clearPending();
        try (Statement s = connection.createStatement()) {
            s.execute("TRUNCATE " + qualified);
        }
    }

    void clearPending() {
        byKey.clear();
        ordered.clear();
    }

    private ObjectNode identity(ChangeEvent event) {
        if (event.key() != null) {
            return event.key();
        }
        if (event.before() != null) {
            return event.before();
        }
        throw new IllegalStateException(event.op() + " event of " + source + " has neither a key nor a before "
                + "image, so the row to change is unknown");
    }

    private String eventKey(ChangeEvent event, ObjectNode row) {
        if (event.key() != null) {
            return EventJson.write(event.key());
        }
        ObjectNode key = EventJson.MAPPER.createObjectNode();
        for (String k : primaryKey) {
            key.set(k, row.get(k));
        }
        return EventJson.write(key);
    }

    /**
     * Keeps the one change that has the effect of {@code change} applied after the key's earlier pending one: an
     * upsert after an upsert sets the columns of both (the later value winning), an upsert after a delete sets
     * every other column to NULL (a new row has nothing of the deleted one), a delete replaces anything.
     */
    private void keep(String key, Pending change) {
        Pending previous = byKey.get(key);
        Pending kept = change;
        if (previous != null && change.kind() == Kind.UPSERT) {
            Map<String, String> values = new LinkedHashMap<>();
            if (previous.kind() == Kind.UPSERT) {
                for (int i = 0; i < previous.columns().size(); i++) {
                    values.put(previous.columns().get(i), previous.values()[i]);
                }
            }
            else {
                columns.keySet().forEach(c -> values.put(c, null));
            }
            for (int i = 0; i < change.columns().size(); i++) {
                values.put(change.columns().get(i), change.values()[i]);
            }
            kept = new Pending(Kind.UPSERT, List.copyOf(values.keySet()), values.values().toArray(new String[0]));
        }
        byKey.put(key, kept);
    }

    /** The change for these columns of a row, the target learning the columns it does not have yet. */
    private Pending pending(Kind kind, ObjectNode row) throws SQLException {
        List<String> names = new ArrayList<>(row.size());
        row.fieldNames().forEachRemaining(names::add);
        List<String> missing = names.stream().filter(n -> !columns.containsKey(n)).toList();
        if (!missing.isEmpty()) {
            load(schemaChanges.addColumns(source, name, missing));
        }
        String[] values = new String[names.size()];
        for (int i = 0; i < names.size(); i++) {
            TargetColumn column = columns.get(names.get(i));
            JsonNode value = row.get(names.get(i));
            try {
                values[i] = PgJson.toText(column.type(), value);
            }
            catch (RuntimeException e) {
                throw new IllegalStateException("cannot turn the value of " + source + "." + column.name()
                        + " into " + column.sqlType() + ": " + e.getMessage(), e);
            }
        }
        return new Pending(kind, List.copyOf(names), values);
    }

    /** Sends what is held, in the connection's open transaction. */
    void executePending() throws SQLException {
        if (keyed()) {
            List<Pending> deletes = new ArrayList<>();
            List<Pending> upserts = new ArrayList<>();
            for (Pending p : byKey.values()) {
                (p.kind() == Kind.DELETE ? deletes : upserts).add(p);
            }
            runGrouped(deletes);
            runGrouped(upserts);
            byKey.clear();
        }
        else {
            int start = 0;
            for (int i = 1; i <= ordered.size(); i++) {
                if (i == ordered.size() || !ordered.get(i).signature().equals(ordered.get(start).signature())) {
                    run(ordered.subList(start, i));
                    start = i;
                }
            }
            ordered.clear();
        }
    }

    /** Changes of distinct keys: any order will do, so one batch per statement shape. */
    private void runGrouped(List<Pending> changes) throws SQLException {
        Map<String, List<Pending>> groups = new LinkedHashMap<>();
        for (Pending p : changes) {
            groups.computeIfAbsent(p.signature(), s -> new ArrayList<>()).add(p);
        }
        for (List<Pending> group : groups.values()) {
            run(group);
        }
    }

    /** One JDBC batch of changes of the same shape. */
    private void run(List<Pending> batch) throws SQLException {
        if (batch.isEmpty()) {
            return;
        }
        Pending first = batch.getFirst();
        PreparedStatement ps = statement(sql(first.kind(), first.columns()));
        for (Pending p : batch) {
            for (int i = 0; i < p.values().length; i++) {
                if (p.values()[i] == null) {
                    ps.setNull(i + 1, Types.VARCHAR);
                }
                else {
                    ps.setString(i + 1, p.values()[i]);
                }
            }
            ps.addBatch();
        }
        ps.executeBatch();
    }

    private PreparedStatement statement(String sql) throws SQLException {
        PreparedStatement ps = statements.get(sql);
        if (ps == null) {
            ps = connection.prepareStatement(sql);
            statements.put(sql, ps);
        }
        return ps;
    }

    private String sql(Kind kind, List<String> names) {
        return switch (kind) {
            case UPSERT, INSERT -> {
                StringBuilder sb = new StringBuilder("INSERT INTO ").append(qualified).append(" (")
                        .append(quoteAll(names)).append(") VALUES (");
                for (int i = 0; i < names.size(); i++) {
                    sb.append(i == 0 ? "" : ", ").append(parameter(names.get(i)));
                }
                sb.append(')');
                if (kind == Kind.UPSERT) {
                    sb.append(" ON CONFLICT (").append(quoteAll(primaryKey)).append(") DO ");
                    List<String> set = names.stream().filter(n -> !primaryKey.contains(n)).toList();
                    if (set.isEmpty()) {
                        sb.append("NOTHING");
                    }
                    else {
                        sb.append("UPDATE SET ").append(set.stream()
                                .map(n -> Identifier.quote(n) + " = EXCLUDED." + Identifier.quote(n))
                                .collect(Collectors.joining(", ")));
                    }
                }
                yield sb.toString();
            }
            case DELETE -> "DELETE FROM " + qualified + " WHERE " + names.stream()
                    .map(n -> Identifier.quote(n) + " = " + parameter(n)).collect(Collectors.joining(" AND "));
            case DELETE_ONE -> "DELETE FROM " + qualified + " WHERE ctid = (SELECT ctid FROM " + qualified
                    + " WHERE " + names.stream().map(n -> Identifier.quote(n) + " IS NOT DISTINCT FROM "
                    + parameter(n)).collect(Collectors.joining(" AND ")) + " LIMIT 1)";
        };
    }

    private String parameter(String column) {
        return "?::" + columns.get(column).sqlType();
    }

    /** Closes the prepared statements (the connection stays open). */
    void closeStatements() {
        for (PreparedStatement ps : statements.values()) {
            try {
                ps.close();
            }
            catch (SQLException e) {
                LOG.debug("closing a statement: {}", e.getMessage());
            }
        }
        statements.clear();
    }

    @Override
    public String toString() {
        return "TargetTable[" + schema + "." + name + " from " + source + "]";
    }
}
