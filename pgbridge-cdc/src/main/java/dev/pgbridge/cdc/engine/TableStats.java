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
 * Updated by the thread that hands events to the sink (one at a time), read by any.
 */
final class TableStats {
    /** One table's numbers. */
    record Stat(long events, Lsn lastCommitLsn, Instant lastCommitTime, int schemaChanges, Instant lastSchemaChange) {
    }

    /**
     * One table's numbers as they change: one per table, updated in place (a map write and a new record per event
     * were a visible part of a backfill's profile), read as a {@link Stat}.
     */
    private static final class Counter {
        final TableId table;
        private long events;
        private Lsn lastCommitLsn;
        private Instant lastCommitTime;
        private int schemaChanges;
        private Instant lastSchemaChange;

        Counter(TableId table) {
            this.table = table;
        }

        Counter(TableId table, Stat stat) {
            this(table);
            events = stat.events;
            lastCommitLsn = stat.lastCommitLsn;
            lastCommitTime = stat.lastCommitTime;
            schemaChanges = stat.schemaChanges;
            lastSchemaChange = stat.lastSchemaChange;
        }

        synchronized void record(Lsn commitLsn, Instant commitTime) {
            events++;
            if (lastCommitLsn == null || commitLsn.isAfter(lastCommitLsn)) {
                lastCommitLsn = commitLsn;
                lastCommitTime = commitTime;
            }
        }

        synchronized void schemaChanged(Instant at) {
            schemaChanges++;
            lastSchemaChange = at;
        }

        synchronized Stat stat() {
            return new Stat(events, lastCommitLsn, lastCommitTime, schemaChanges, lastSchemaChange);
        }
    }

    private final Map<TableId, Counter> stats = new ConcurrentHashMap<>();
    /** The counter of the last event's table: the events of a transaction mostly share one. */
    private volatile Counter last;

    void record(ChangeEvent e) {
        Counter c = last;
        if (c == null || c.table != e.table() && !c.table.equals(e.table())) {
            c = stats.computeIfAbsent(e.table(), Counter::new);
            last = c;
        }
        c.record(e.commitLsn(), e.commitTime());
    }

    /** A Relation message changed the table's column set (added, dropped or retyped column). */
    void schemaChanged(TableId table) {
        stats.computeIfAbsent(table, Counter::new).schemaChanged(Instant.now());
    }

    void restore(ObjectNode node) {
        stats.clear();
        last = null;
        if (node == null) {
            return;
        }
        for (JsonNode n : node) {
            TableId t = new TableId(n.get("schema").asText(), n.get("table").asText());
            stats.put(t, new Counter(t, new Stat(n.path("events").asLong(),
                    n.hasNonNull("last_commit_lsn") ? Lsn.valueOf(n.get("last_commit_lsn").asText()) : null,
                    n.hasNonNull("last_commit_time") ? Instant.parse(n.get("last_commit_time").asText()) : null,
                    n.path("schema_changes").asInt(),
                    n.hasNonNull("last_schema_change") ? Instant.parse(n.get("last_schema_change").asText()) : null)));
        }
    }

    ObjectNode toJson() {
        ObjectNode root = EventJson.MAPPER.createObjectNode();
        for (Map.Entry<TableId, Counter> e : new TreeMap<>(stats).entrySet()) {
            Stat s = e.getValue().stat();
            ObjectNode n = root.putObject(e.getKey().toString());
            n.put("schema", e.getKey().schema());
            n.put("table", e.getKey().table());
            n.put("events", s.events);
            n.put("last_commit_lsn", s.lastCommitLsn == null ? null : s.lastCommitLsn.toString());
            n.put("last_commit_time", s.lastCommitTime == null ? null : s.lastCommitTime.toString());
            n.put("schema_changes", s.schemaChanges);
            n.put("last_schema_change", s.lastSchemaChange == null ? null : s.lastSchemaChange.toString());
        }
        return root;
    }

    Map<TableId, CaptureStatus.TableStat> snapshot() {
        Map<TableId, CaptureStatus.TableStat> out = new TreeMap<>();
        stats.forEach((t, c) -> {
            Stat s = c.stat();
            out.put(t, new CaptureStatus.TableStat(s.events, s.lastCommitLsn, s.lastCommitTime));
        });
        return Map.copyOf(out);
    }
}
