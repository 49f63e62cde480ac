package dev.pgbridge.cdc.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgbridge.cdc.pgoutput.PgOutputMessage.Delete;
import dev.pgbridge.cdc.pgoutput.PgOutputMessage.Insert;
import dev.pgbridge.cdc.pgoutput.PgOutputMessage.OldTupleKind;
import dev.pgbridge.cdc.pgoutput.PgOutputMessage.Truncate;
import dev.pgbridge.cdc.pgoutput.PgOutputMessage.Update;
import dev.pgbridge.cdc.pgoutput.TupleData;
import dev.pgbridge.cdc.pgoutput.TupleValue;
import dev.pgbridge.pgtype.Lsn;

import dev.pgbridge.pgtype.PgJson;
import java.util.ArrayList;
import java.util.Base64;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Turns row messages into change events, using the relation cache for column names and types.
 *
 * <ul>
 *   <li>insert → {@code c}, {@code before} null;</li>
 *   <li>update → {@code u}; {@code before} is the old row under REPLICA IDENTITY FULL, the old key columns when the
 *       server sent them (the key changed), else null; an update whose key changed becomes a {@code d} for the old
 *       key followed by a {@code c} for the new one (as Debezium does);</li>
 *   <li>delete → {@code d}; {@code before} is the old row (FULL) or the key columns;</li>
 *   <li>truncate → one {@code t} per table, key, before and after null.</li>
 * </ul>
 * A REPLICA IDENTITY FULL table without a primary key is keyed by all its columns: the row is its own identity, so
 * an update there is a {@code d} of the old row and a {@code c} of the new one — replayed per key, the events still
 * reproduce the table (as a multiset of rows).
 * A row image whose every value came as text or NULL is carried as that text ({@link RowText}: written to the sink
 * from the bytes, no tree); the others are trees.
 * An unchanged TOAST column ('u') is taken from the old row when there is one (FULL); otherwise it is left as null
 * and named in {@link ChangeEvent#unchangedToast()} for the {@code ToastResolver}.
 */
public final class ChangeEventFactory {
    private final CaptureSource source;
    private final RelationCache relations;
    /** Per relation (by identity: a new Relation message makes a new one), its columns for row images as text. */
    private final Map<RelationInfo, TextColumns> textColumns = new IdentityHashMap<>();

    public ChangeEventFactory(CaptureSource source, RelationCache relations) {
        this.source = requireNonNull(source, "source is null");
        this.relations = requireNonNull(relations, "relations is null");
    }

    public List<ChangeEvent> insert(Insert insert, long txId, Lsn lsn) {
        RelationInfo r = relations.get(insert.relationId());
        RowText text = rowText(r, insert.newTuple());
        if (text != null) {
            return List.of(ChangeEvent.pending(source, r.table(), Op.CREATE, key(r, insert.newTuple()), null, text,
                    txId, lsn));
        }
        Set<String> toast = new LinkedHashSet<>();
        ObjectNode after = row(r, insert.newTuple(), null, toast);
        return List.of(ChangeEvent.pending(source, r.table(), Op.CREATE, key(r, after), null, after, txId, lsn, toast));
    }

    public List<ChangeEvent> update(Update update, long txId, Lsn lsn) {
        RelationInfo r = relations.get(update.relationId());
        ObjectNode before = null;
        if (update.oldTuple() != null) {
            before = update.oldKind() == OldTupleKind.OLD
                    ? row(r, update.oldTuple(), null, new LinkedHashSet<>())
                    : keyRow(r, update.oldTuple());
        }
        RowText text = update.oldKind() == OldTupleKind.OLD ? null : rowText(r, update.newTuple());
        if (text != null) {
            ObjectNode newKey = key(r, update.newTuple());
            ObjectNode oldKey = before == null ? null : key(r, before);
            if (oldKey != null && newKey != null && !oldKey.equals(newKey)) {
                return List.of(
                        ChangeEvent.pending(source, r.table(), Op.DELETE, oldKey, before, null, txId, lsn, Set.of()),
                        ChangeEvent.pending(source, r.table(), Op.CREATE, newKey, null, text, txId, lsn));
            }
            return List.of(ChangeEvent.pending(source, r.table(), Op.UPDATE, newKey, before, text, txId, lsn));
        }
        Set<String> toast = new LinkedHashSet<>();
        ObjectNode after = row(r, update.newTuple(), update.oldKind() == OldTupleKind.OLD ? before : null, toast);
        ObjectNode newKey = key(r, after);
        ObjectNode oldKey = before == null ? null : key(r, before);
        if (oldKey != null && newKey != null && !oldKey.equals(newKey)) {
            return List.of(
                    ChangeEvent.pending(source, r.table(), Op.DELETE, oldKey, before, null, txId, lsn, Set.of()),
                    ChangeEvent.pending(source, r.table(), Op.CREATE, newKey, null, after, txId, lsn, toast));
        }
        return List.of(ChangeEvent.pending(source, r.table(), Op.UPDATE, newKey, before, after, txId, lsn, toast));
    }

    public List<ChangeEvent> delete(Delete delete, long txId, Lsn lsn) {
        RelationInfo r = relations.get(delete.relationId());
        ObjectNode before = delete.oldKind() == OldTupleKind.OLD
                ? row(r, delete.oldTuple(), null, new LinkedHashSet<>())
                : keyRow(r, delete.oldTuple());
        return List.of(ChangeEvent.pending(source, r.table(), Op.DELETE, key(r, before), before, null, txId, lsn,
                Set.of()));
    }

    public List<ChangeEvent> truncate(Truncate truncate, long txId, Lsn lsn) {
        List<ChangeEvent> events = new ArrayList<>();
        for (int id : truncate.relationIds()) {
            RelationInfo r = relations.get(id);
            events.add(ChangeEvent.pending(source, r.table(), Op.TRUNCATE, null, null, null, txId, lsn, Set.of()));
        }
        return events;
    }

    /**
     * The row image as the text that came in, when every value came as text or NULL (no unchanged TOAST value, no
     * binary one): the sink writes it as it is, and no tree is made for it. Else null: {@link #row} makes the tree.
     */
    private RowText rowText(RelationInfo r, TupleData tuple) {
        checkWidth(r, tuple);
        byte[][] values = new byte[tuple.size()][];
        for (int i = 0; i < values.length; i++) {
            TupleValue value = tuple.get(i);
            if (value instanceof TupleValue.Text t) {
                values[i] = t.utf8();
            }
            else if (!(value instanceof TupleValue.Null)) {
                return null;
            }
        }
        return new RowText(textColumns(r).columns, values);
    }

    /** The key columns of a row image, from the tuple as it came (null for a table without a key). */
    private ObjectNode key(RelationInfo r, TupleData tuple) {
        if (r.keyColumns().isEmpty()) {
            return null;
        }
        int[] indexes = textColumns(r).keyIndexes;
        ObjectNode key = EventJson.MAPPER.createObjectNode();
        for (int k = 0; k < indexes.length; k++) {
            int i = indexes[k];
            key.set(r.keyColumns().get(k), i < 0 ? EventJson.MAPPER.nullNode()
                    : json(r, r.columns().get(i), tuple.get(i)));
        }
        return key;
    }

    /** A relation's columns as {@link RowText} names them, and where its key columns are (-1: not a column). */
    private record TextColumns(RowText.Columns columns, int[] keyIndexes) {
    }

    private TextColumns textColumns(RelationInfo r) {
        TextColumns known = textColumns.get(r);
        if (known == null) {
            List<String> names = r.columns().stream().map(RelationInfo.ColumnInfo::name).toList();
            int[] keys = r.keyColumns().stream().mapToInt(names::indexOf).toArray();
            known = new TextColumns(new RowText.Columns(r.table().toString(), names,
                    r.columns().stream().map(RelationInfo.ColumnInfo::type).toList()), keys);
            if (textColumns.size() >= 1024) {
                textColumns.clear(); // relations replaced by new Relation messages must not pile up
            }
            textColumns.put(r, known);
        }
        return known;
    }

    /** Every column of a row image; 'u' columns from {@code old} when given, else null and listed in {@code toast}. */
    private static ObjectNode row(RelationInfo r, TupleData tuple, ObjectNode old, Set<String> toast) {
        checkWidth(r, tuple);
        ObjectNode node = EventJson.MAPPER.createObjectNode();
        for (int i = 0; i < tuple.size(); i++) {
            RelationInfo.ColumnInfo column = r.columns().get(i);
            TupleValue value = tuple.get(i);
            if (value instanceof TupleValue.UnchangedToast) {
                JsonNode fromOld = old == null ? null : old.get(column.name());
                if (fromOld != null) {
                    node.set(column.name(), fromOld.deepCopy());
                }
                else {
                    node.putNull(column.name());
                    toast.add(column.name());
                }
            }
            else {
                node.set(column.name(), json(r, column, value));
            }
        }
        return node;
    }

    /** The replica-identity columns of an old-key ('K') tuple; the other columns are not sent. */
    private static ObjectNode keyRow(RelationInfo r, TupleData tuple) {
        checkWidth(r, tuple);
        ObjectNode node = EventJson.MAPPER.createObjectNode();
        for (int i = 0; i < tuple.size(); i++) {
            RelationInfo.ColumnInfo column = r.columns().get(i);
            if (column.replicaIdentity()) {
                node.set(column.name(), json(r, column, tuple.get(i)));
            }
        }
        return node;
    }

    private static ObjectNode key(RelationInfo r, ObjectNode row) {
        if (row == null || r.keyColumns().isEmpty()) {
            return null;
        }
        ObjectNode key = EventJson.MAPPER.createObjectNode();
        for (String column : r.keyColumns()) {
            JsonNode value = row.get(column);
            key.set(column, value == null ? EventJson.MAPPER.nullNode() : value.deepCopy());
        }
        return key;
    }

    private static void checkWidth(RelationInfo r, TupleData tuple) {
        if (tuple.size() != r.columns().size()) {
            throw new IllegalStateException("a row of " + r.table() + " has " + tuple.size() + " columns but its "
                    + "Relation message named " + r.columns().size() + " " + r.describeColumns());
        }
    }

    private static JsonNode json(RelationInfo r, RelationInfo.ColumnInfo column, TupleValue value) {
        return switch (value) {
            case TupleValue.Null n -> EventJson.MAPPER.nullNode();
            case TupleValue.UnchangedToast u -> throw new IllegalStateException("unchanged TOAST in a key column "
                    + column.name() + " of " + r.table());
            case TupleValue.Text t -> {
                try {
                    yield PgJson.node(column.type(), t.text());
                }
                catch (RuntimeException e) {
                    throw new IllegalStateException("cannot map column " + column.name() + " (" + column.type().name()
                            + ") of " + r.table() + " to JSON: " + e.getMessage(), e);
                }
            }
            case TupleValue.Binary b -> EventJson.MAPPER.getNodeFactory().textNode(
                    Base64.getEncoder().encodeToString(b.bytes()));
        };
    }
}
