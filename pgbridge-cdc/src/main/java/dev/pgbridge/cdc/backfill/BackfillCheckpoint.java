package dev.pgbridge.cdc.backfill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgbridge.cdc.backfill.BackfillProgress.Mode;
import dev.pgbridge.cdc.backfill.BackfillProgress.State;
import dev.pgbridge.cdc.event.EventJson;
import dev.pgbridge.cdc.event.TableId;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.pgtype.Lsn;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The backfill's part of a checkpoint, the {@code backfill} node: {@code {"tables":[{schema, table, mode, state,
 * rows, chunks, last_key, started_at, finished_at, consistent_point}]}}. {@code last_key} is the key of the last
 * row read that is out (sent to the sink or replaced by a log event), as PostgreSQL prints each key column; a chunk
 * in flight is not in it, nor a row held back ({@link TrailingRow}): they are read again after a restart. A
 * {@code held_row} written by an earlier version is ignored: the progress decides where a restart reads on.
 *
 * <p>A damaged node is refused with what is wrong and where, never half read: resuming from a wrong key would skip
 * or repeat rows without a word.
 */
final class BackfillCheckpoint {
    private BackfillCheckpoint() {
    }

    /** The node for {@code tables}' progress ({@link BackfillProgress}, as a checkpoint may keep it). */
    static ObjectNode encode(Collection<BackfillProgress> tables) {
        ObjectNode root = EventJson.MAPPER.createObjectNode();
        ArrayNode list = root.putArray("tables");
        for (BackfillProgress t : tables) {
            ObjectNode n = list.addObject();
            n.put("schema", t.table().schema());
            n.put("table", t.table().table());
            n.put("mode", t.mode().label());
            n.put("state", t.state().label());
            n.put("rows", t.rows());
            n.put("chunks", t.chunks());
            if (t.lastKey() != null) {
                ArrayNode key = n.putArray("last_key");
                t.lastKey().forEach(key::add);
            }
            n.put("started_at", t.startedAt() == null ? null : t.startedAt().toString());
            n.put("finished_at", t.finishedAt() == null ? null : t.finishedAt().toString());
            n.put("consistent_point", t.consistentPoint() == null ? null : t.consistentPoint().toString());
        }
        return root;
    }

    /** Each saved table's progress, in the order saved; empty for null (a first start). */
    static Map<TableId, BackfillProgress> decode(ObjectNode saved) {
        Map<TableId, BackfillProgress> out = new LinkedHashMap<>();
        if (saved == null || saved.get("tables") == null || saved.get("tables").isNull()) {
            return out;
        }
        if (!(saved.get("tables") instanceof ArrayNode list)) {
            throw damaged("\"tables\" is " + saved.get("tables").getNodeType() + ", not a list", null);
        }
        int index = 0;
        for (JsonNode n : list) {
            BackfillProgress p = table(n, index++);
            out.put(p.table(), p);
        }
        return out;
    }

    private static BackfillProgress table(JsonNode n, int index) {
        String where = "entry " + index;
        try {
            if (!n.isObject()) {
                throw new IllegalArgumentException("it is " + n.getNodeType() + ", not an object");
            }
            TableId table = new TableId(text(n, "schema"), text(n, "table"));
            where = table.toString();
            Mode mode = label(n, "mode", Mode.values(), Mode::label);
            State state = label(n, "state", State.values(), State::label);
            List<String> lastKey = null;
            JsonNode key = n.get("last_key");
            if (key instanceof ArrayNode values) {
                lastKey = new ArrayList<>();
                for (JsonNode v : values) {
                    if (!v.isValueNode() || v.isNull()) {
                        throw new IllegalArgumentException("\"last_key\" holds " + v + ", not a key value");
                    }
                    lastKey.add(v.asText());
                }
            }
            else if (key != null && !key.isNull()) {
                throw new IllegalArgumentException("\"last_key\" is " + key.getNodeType() + ", not a list");
            }
            return new BackfillProgress(table, mode, state, number(n, "rows"), number(n, "chunks"), lastKey,
                    instant(n, "started_at"), instant(n, "finished_at"), lsn(n, "consistent_point"));
        }
        catch (IllegalArgumentException | DateTimeParseException e) {
            throw damaged(where + ": " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("\"" + field + "\" is " + (v == null ? "missing" : v.toString())
                    + ", not a text");
        }
        return v.asText();
    }

    private static <E> E label(JsonNode n, String field, E[] values, java.util.function.Function<E, String> label) {
        String text = text(n, field);
        for (E v : values) {
            if (label.apply(v).equals(text)) {
                return v;
            }
        }
        throw new IllegalArgumentException("\"" + field + "\" is \"" + text + "\", not one of "
                + java.util.Arrays.stream(values).map(label).toList());
    }

    private static long number(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return 0;
        }
        if (!v.canConvertToLong() || !v.isIntegralNumber() || v.asLong() < 0) {
            throw new IllegalArgumentException("\"" + field + "\" is " + v + ", not a count");
        }
        return v.asLong();
    }

    private static Instant instant(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : Instant.parse(v.asText());
    }

    private static Lsn lsn(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : Lsn.valueOf(v.asText());
    }

    private static PgBridgeException damaged(String what, Throwable cause) {
        return new PgBridgeException(ErrorCode.IO, "the checkpoint's backfill progress is damaged: " + what,
                "restore checkpoint.json from a backup; or delete that table's entry under \"backfill\".\"tables\" "
                        + "in checkpoint.json to backfill the table again from its first row", cause);
    }
}
