package dev.pgbridge.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgbridge.cdc.checkpoint.Checkpoint;
import dev.pgbridge.cdc.checkpoint.CheckpointStore;
import dev.pgbridge.cdc.engine.CaptureConfig;
import dev.pgbridge.cdc.engine.CaptureDirectory;
import dev.pgbridge.cdc.event.TableId;
import dev.pgbridge.cdc.replication.SourceStatus;
import dev.pgbridge.cli.output.Figures;
import dev.pgbridge.cli.output.OutputFormat;
import dev.pgbridge.cli.output.Rows;
import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.connection.JdbcTarget;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.connection.SqlErrors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Show a capture: per table its backfill state and progress, events captured, and last commit "
                + "(LSN and time); for the slot, whether it is active and its lag in bytes (pg_current_wal_lsn() - "
                + "confirmed_flush_lsn), i.e. the WAL PostgreSQL keeps for it.",
                "Reads the capture's checkpoint and asks the server; works whether the capture runs or not."})
final class CaptureStatusCommand implements Callable<Integer> {
    private final CliEnvironment environment;

    @Spec
    CommandSpec spec;

    @Mixin
    CaptureConfigOption options;

    @Mixin
    FormatOption format;

    CaptureStatusCommand(CliEnvironment environment) {
        this.environment = environment;
    }

    /** What the server says about the slot and the tables' sizes; null fields when it could not be asked. */
    private record Server(boolean slotExists, Boolean active, Integer activePid, String confirmedFlushLsn,
                          Long lagBytes, String walStatus, Map<TableId, Long> estimatedRows, String error) {
        /** A table of the list that the server does not have (none known when it could not be asked). */
        boolean missing(TableId t) {
            return estimatedRows != null && !estimatedRows.containsKey(t);
        }
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        CaptureConfig config = options.load(err);
        if (config == null) {
            return CaptureConfigOption.CONFIG_ERROR;
        }
        CaptureDirectory state = CaptureConfigOption.directory(environment, config);
        Checkpoint checkpoint = new CheckpointStore(state.checkpoint()).load().orElse(null);
        Map<TableId, JsonNode> backfill = byTable(checkpoint == null ? null : checkpoint.backfill() == null ? null
                : checkpoint.backfill().get("tables"));
        Map<TableId, JsonNode> stats = byTable(checkpoint == null ? null : checkpoint.tables());
        java.util.SortedSet<TableId> known = new java.util.TreeSet<>(backfill.keySet());
        known.addAll(stats.keySet());
        known.addAll(config.bindings());
        List<TableId> tables = new ArrayList<>(known);
        Server server = server(options.source(environment, config), config, tables);
        if (server.error != null) {
            err.println("warning: cannot ask the server (" + server.error + "); showing the checkpoint only");
            err.flush();
        }

        for (TableId t : tables) {
            if (config.bindings().contains(t) && server.missing(t)) {
                err.println("warning: the table " + t + " of a binding does not exist; a capture stops at it");
                err.println("hint: create it, or remove the binding from " + options.file);
            }
        }
        err.flush();
        List<String> columns = List.of("table", "backfill", "mode", "rows_read", "estimated_rows", "progress",
                "events", "last_commit_lsn", "last_commit_time", "schema_changes", "last_schema_change", "problem");
        List<List<Object>> rows = new ArrayList<>();
        for (TableId t : tables) {
            JsonNode b = backfill.get(t);
            JsonNode s = stats.get(t);
            Long estimate = server.estimatedRows == null ? null : server.estimatedRows.get(t);
            long read = b == null ? 0 : b.path("rows").asLong();
            String stateText = b == null ? (checkpoint == null ? "not started" : "pending") : b.get("state").asText();
            rows.add(Arrays.asList(t.toString(), stateText, b == null ? null : b.get("mode").asText(),
                    read, estimate, SourceStatus.progress(stateText, read, estimate),
                    s == null ? 0L : s.path("events").asLong(), text(s, "last_commit_lsn"), text(s, "last_commit_time"),
                    s == null ? 0 : s.path("schema_changes").asInt(), text(s, "last_schema_change"),
                    server.missing(t) ? "table does not exist" : null));
        }
        Rows result = new Rows(columns, rows);
        PrintWriter out = spec.commandLine().getOut();
        if (format.format() == OutputFormat.JSON) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("capture", config.name());
            doc.put("slot", config.slotName());
            doc.put("slot_exists", server.error == null ? server.slotExists : null);
            doc.put("slot_active", server.active);
            doc.put("slot_active_pid", server.activePid);
            doc.put("slot_lag_bytes", server.lagBytes);
            doc.put("confirmed_flush_lsn", server.confirmedFlushLsn);
            doc.put("wal_status", server.walStatus);
            doc.put("checkpoint_lsn", checkpoint == null ? null : checkpoint.commitLsn().toString());
            doc.put("checkpoint_time", checkpoint == null ? null : checkpoint.updatedAt().toString());
            doc.put("state_dir", state.dir().toString());
            doc.put("tables", result.asMaps());
            out.println(Rows.json(doc));
            out.flush();
            return 0;
        }
        if (format.format() == OutputFormat.TABLE) {
            out.println("capture " + config.name() + ": slot " + config.slotName() + " " + slotText(server)
                    + "; checkpoint " + (checkpoint == null ? "none (never ran)"
                    : checkpoint.commitLsn() + " at " + checkpoint.updatedAt()));
        }
        result.print(out, format.format());
        return 0;
    }

    private static String slotText(Server s) {
        if (s.error != null) {
            return "(server not reachable)";
        }
        if (!s.slotExists) {
            return "does not exist";
        }
        return (Boolean.TRUE.equals(s.active) ? "active (pid " + s.activePid + ")" : "inactive") + ", lag "
                + (s.lagBytes == null ? "?" : Figures.bytes(s.lagBytes)) + (s.walStatus == null ? "" : ", wal_status " + s.walStatus);
    }

    private static String text(JsonNode n, String field) {
        return n == null || !n.hasNonNull(field) ? null : n.get(field).asText();
    }

    private static Map<TableId, JsonNode> byTable(JsonNode node) {
        Map<TableId, JsonNode> out = new TreeMap<>();
        if (node != null) {
            for (JsonNode n : node) {
                out.put(new TableId(n.get("schema").asText(), n.get("table").asText()), n);
            }
        }
        return out;
    }

    private static Server server(ConnectionConfig source, CaptureConfig config, List<TableId> tables) {
        try (Connection c = JdbcTarget.of(source).connect()) {
            SourceStatus s = SourceStatus.read(c, config.slotName(), tables);
            return new Server(s.slotExists(), s.active(), s.activePid(), s.confirmedFlushLsn(), s.lagBytes(),
                    s.walStatus(), s.estimatedRows(), null);
        }
        catch (SQLException e) {
            PgBridgeException p = SqlErrors.translate(e, source);
            return new Server(false, null, null, null, null, null, null, p.getMessage());
        }
        catch (PgBridgeException e) {
            return new Server(false, null, null, null, null, null, null, e.getMessage());
        }
    }
}
