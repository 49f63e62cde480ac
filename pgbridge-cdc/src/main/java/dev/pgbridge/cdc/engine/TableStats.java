package dev.pgbridge.cdc.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgbridge.cdc.event.ChangeEvent;
import dev.pgbridge.cdc.event.EventJson;
import dev.pgbridge.cdc.event.TableId;
import dev.pgbridge.pgtype.Lsn;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Events handed to the sink per table and the last commit among them, kept across restarts in the checkpoint's
 * {@code tables} node: {@code {"public.items": {"schema":"public", "table":"items", "events":12,
 * "last_commit_lsn":"0/16B3748", "last_commit_time":"…", "schema_changes":1, "last_schema_change":"…"}}} (the key is only a label; the fields name the table).
 * Updated by the engine thread, read by any.
 */
final class TableStats {
    /** One table's numbers. */
    record Stat(long events, Lsn lastCommitLsn, Instant lastCommitTime, int schemaChanges, Instant lastSchemaChange) {
    }

    private final Map<TableId, Stat> stats = new ConcurrentHashMap<>();

    void record(ChangeEvent e) {
        Stat old = stats.get(e.table());
        if (old != null && old.lastCommitLsn != null && !e.commitLsn().isAfter(old.lastCommitLsn)) {
            stats.put(e.table(), new Stat(old.events + 1, old.lastCommitLsn, old.lastCommitTime, old.schemaChanges,
                    old.lastSchemaChange));
        }
        else {
            stats.put(e.table(), new Stat(old == null ? 1 : old.events + 1, e.commitLsn(), e.commitTime(),
                    old == null ? 0 : old.schemaChanges, old == null ? null : old.lastSchemaChange));
        }
    }

    /** A Relation message changed the table's column set (added, dropped or retyped column). */
    void schemaChanged(TableId table) {
        Instant now = Instant.now();
        stats.compute(table, (t, old) -> old == null ? new Stat(0, null, null, 1, now)
                : new Stat(old.events, old.lastCommitLsn, old.lastCommitTime, old.schemaChanges + 1, now));
    }

    void restore(ObjectNode node) {
        stats.clear();
        if (node == null) {
            return;
        }
        for (JsonNode n : node) {
            TableId t = new TableId(n.get("schema").asText(), n.get("table").asText());
            stats.put(t, new Stat(n.path("events").asLong(),
                    n.hasNonNull("last_commit_lsn") ? Lsn.valueOf(n.get("last_commit_lsn").asText()) : null,
                    n.hasNonNull("last_commit_time") ? Instant.parse(n.get("last_commit_time").asText()) : null,
                    n.path("schema_changes").asInt(),
                    n.hasNonNull("last_schema_change") ? Instant.parse(n.get("last_schema_change").asText()) : null));
        }
    }

    ObjectNode toJson() {
        ObjectNode root = EventJson.MAPPER.createObjectNode();
        for (Map.Entry<TableId, Stat> e : new TreeMap<>(stats).entrySet()) {
            ObjectNode n = root.putObject(e.getKey().toString());
            n.put("schema", e.getKey().schema());
            n.put("table", e.getKey().table());
            n.put("events", e.getValue().events);
            n.put("last_commit_lsn", e.getValue().lastCommitLsn == null ? null : e.getValue().lastCommitLsn.toString());
            n.put("last_commit_time", e.getValue().lastCommitTime == null ? null
                    : e.getValue().lastCommitTime.toString());
            n.put("schema_changes", e.getValue().schemaChanges);
            n.put("last_schema_change", e.getValue().lastSchemaChange == null ? null
                    : e.getValue().lastSchemaChange.toString());
        }
        return root;
    }

    Map<TableId, CaptureStatus.TableStat> snapshot() {
        Map<TableId, CaptureStatus.TableStat> out = new TreeMap<>();
        stats.forEach((t, s) -> out.put(t, new CaptureStatus.TableStat(s.events, s.lastCommitLsn, s.lastCommitTime)));
        return Map.copyOf(out);
    }
}
