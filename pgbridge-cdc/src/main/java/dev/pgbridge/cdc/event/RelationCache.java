package dev.pgbridge.cdc.event;

import dev.pgbridge.cdc.pgoutput.PgOutputMessage.Relation;
import dev.pgbridge.catalog.ReplicaIdentity;
import dev.pgbridge.pgtype.TypeResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The tables of the stream by relation id, from Relation messages. A Relation that arrives mid-stream with another
 * column set (a column added, dropped or retyped) replaces the cached one, so the next events carry the new
 * columns without a restart; the change is logged and counted.
 */
public final class RelationCache {
    private static final Logger LOG = LoggerFactory.getLogger(RelationCache.class);

    private final TypeResolver types;
    private final SourceCatalog catalog;
    private final Map<Integer, RelationInfo> relations = new HashMap<>();
    private final Map<TableId, Integer> schemaChanges = new HashMap<>();
    private final java.util.List<java.util.function.Consumer<TableId>> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    public RelationCache(TypeResolver types, SourceCatalog catalog) {
        this.types = requireNonNull(types, "types is null");
        this.catalog = requireNonNull(catalog, "catalog is null");
    }

    /** Takes a Relation message in; returns the new description. */
    public RelationInfo apply(Relation relation) {
        TableId table = new TableId(relation.namespace(), relation.name());
        List<RelationInfo.ColumnInfo> columns = new ArrayList<>();
        for (Relation.Column c : relation.columns()) {
            columns.add(new RelationInfo.ColumnInfo(c.name(), types.resolve(c.typeOid()), c.typeModifier(), c.key()));
        }
        List<String> key = keyColumns(relation, columns);
        RelationInfo info = new RelationInfo(relation.relationId(), table, relation.replicaIdentity(), columns, key);
        RelationInfo previous = relations.put(relation.relationId(), info);
        if (previous != null && !sameShape(previous, info)) {
            schemaChanges.merge(table, 1, Integer::sum);
            listeners.forEach(l -> l.accept(table));
            LOG.info("schema of {} changed: {} -> {}; key {}", table, previous.describeColumns(), info.describeColumns(),
                    info.keyColumns());
        }
        return info;
    }

    private List<String> keyColumns(Relation relation, List<RelationInfo.ColumnInfo> columns) {
        if (relation.replicaIdentity() == ReplicaIdentity.FULL) {
            Optional<List<String>> pk = catalog.primaryKey(relation.relationId());
            if (pk.isPresent() && !pk.get().isEmpty()
                    && columns.stream().map(RelationInfo.ColumnInfo::name).toList().containsAll(pk.get())) {
                return pk.get();
            }
            return columns.stream().map(RelationInfo.ColumnInfo::name).toList();
        }
        return columns.stream().filter(RelationInfo.ColumnInfo::replicaIdentity).map(RelationInfo.ColumnInfo::name)
                .toList();
    }

    private static boolean sameShape(RelationInfo a, RelationInfo b) {
        if (a.columns().size() != b.columns().size() || a.replicaIdentity() != b.replicaIdentity()
                || !a.table().equals(b.table())) {
            return false;
        }
        for (int i = 0; i < a.columns().size(); i++) {
            RelationInfo.ColumnInfo x = a.columns().get(i);
            RelationInfo.ColumnInfo y = b.columns().get(i);
            if (!x.name().equals(y.name()) || x.type().oid() != y.type().oid() || x.typeModifier() != y.typeModifier()
                    || x.replicaIdentity() != y.replicaIdentity()) {
                return false;
            }
        }
        return Objects.equals(a.keyColumns(), b.keyColumns());
    }

    /** Called with the table whenever a table's shape changes mid-stream. */
    public void onSchemaChange(java.util.function.Consumer<TableId> listener) {
        listeners.add(requireNonNull(listener, "listener is null"));
    }

    /** The relation, or a failure that says the stream is inconsistent (a change before its Relation). */
    public RelationInfo get(int relationId) {
        RelationInfo info = relations.get(relationId);
        if (info == null) {
            throw new IllegalStateException("change for relation id " + relationId + " before its Relation message");
        }
        return info;
    }

    /** How many times each table's shape changed since this cache was made. */
    public Map<TableId, Integer> schemaChanges() {
        return Map.copyOf(schemaChanges);
    }

    public void clear() {
        relations.clear();
    }
}
