package dev.pgbridge.cli.command;

import dev.pgbridge.cdc.checkpoint.CaptureResources;
import dev.pgbridge.cdc.engine.CaptureConfig;
import dev.pgbridge.cdc.engine.CaptureDirectory;
import dev.pgbridge.cdc.engine.CaptureEngine;
import dev.pgbridge.cdc.event.TableId;
import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.connection.JdbcTarget;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.connection.SqlErrors;
import dev.pgbridge.sql.Identifier;
import dev.pgbridge.sql.QualifiedName;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "drop", mixinStandardHelpOptions = true,
        description = {"Remove a capture: its replication slot (so PostgreSQL stops keeping WAL for it), the publication "
                + "and the watermarks table if pgbridge created them, and its state under PGBRIDGE_HOME/captures/. "
                + "Prints what it removed, only what existed.",
                "A publication or watermarks table made by a DBA is left alone (only this capture's watermark row "
                        + "is deleted). Fails while the capture runs."})
final class CaptureDropCommand implements Callable<Integer> {
    private final CliEnvironment environment;

    @Spec
    CommandSpec spec;

    @Mixin
    CaptureConfigOption options;

    CaptureDropCommand(CliEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        CaptureConfig config = options.load(spec.commandLine().getErr());
        if (config == null) {
            return CaptureConfigOption.CONFIG_ERROR;
        }
        CaptureDirectory state = CaptureConfigOption.directory(environment, config);
        CaptureResources created = CaptureResources.load(state.resources()).orElse(null);
        ConnectionConfig source = options.source(environment, config);
        List<String> done = new ArrayList<>();
        try (Connection c = JdbcTarget.of(source).connect()) {
            c.setAutoCommit(true);
            if (!CaptureEngine.tryLock(c, config.slotName())) {
                throw new PgBridgeException(ErrorCode.CAPTURE_LOCKED, "capture " + config.name() + " is running: "
                        + CaptureEngine.lockHolder(c, config.slotName()) + " holds the lock of slot \""
                        + config.slotName() + "\"", "stop it first (SIGTERM or Ctrl-C), then drop it");
            }
            dropSlot(c, config.slotName(), done);
            if (!exists(c, "SELECT 1 FROM pg_catalog.pg_publication WHERE pubname = ?", config.publicationName())) {
                // nothing to say: only what existed is reported
            }
            else if (created != null && created.createdPublication()) {
                try (Statement s = c.createStatement()) {
                    s.execute("DROP PUBLICATION IF EXISTS " + Identifier.quote(config.publicationName()));
                }
                done.add("dropped publication " + config.publicationName());
            }
            else {
                done.add("kept publication " + config.publicationName() + " (pgbridge did not create it)");
            }
            dropWatermarks(c, config, created != null && created.createdWatermarksTable(), done);
        }
        catch (SQLException e) {
            throw SqlErrors.translate(e, source);
        }
        boolean hadState = java.nio.file.Files.exists(state.dir());
        try {
            state.delete();
        }
        catch (IOException e) {
            throw new PgBridgeException(ErrorCode.IO, "dropped on the server, but cannot delete " + state.dir() + ": "
                    + e.getMessage(), "delete the directory by hand", e);
        }
        if (hadState) {
            done.add("deleted " + state.dir());
        }
        if (done.isEmpty()) {
            done.add("nothing to drop: capture " + config.name() + " has no replication slot, publication, watermarks "
                    + "or state here");
        }
        done.forEach(out::println);
        out.flush();
        return 0;
    }

    private static void dropSlot(Connection c, String slot, List<String> done) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT active, active_pid FROM pg_catalog.pg_replication_slots "
                + "WHERE slot_name = ?")) {
            ps.setString(1, slot);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return; // only what existed is reported
                }
                if (rs.getBoolean(1)) {
                    throw new PgBridgeException(ErrorCode.CAPTURE_LOCKED, "replication slot \"" + slot + "\" is in use "
                            + "by session pid " + rs.getInt(2), "stop the process that streams from it, then drop "
                            + "again; if it is a leftover: SELECT pg_terminate_backend(" + rs.getInt(2) + ");");
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_catalog.pg_drop_replication_slot(?)")) {
            ps.setString(1, slot);
            ps.execute();
        }
        done.add("dropped replication slot " + slot);
    }

    private static void dropWatermarks(Connection c, CaptureConfig config, boolean createdByPgbridge,
                                       List<String> done) throws SQLException {
        TableId w = config.watermarksTable();
        String table = QualifiedName.of(w.schema(), w.table()).quoted();
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_catalog.to_regclass(?) IS NOT NULL")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    return;
                }
            }
        }
        int rowsDeleted;
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE slot = ?")) {
            ps.setString(1, config.slotName());
            rowsDeleted = ps.executeUpdate();
        }
        long others;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            others = rs.getLong(1);
        }
        if (createdByPgbridge && others == 0) {
            try (Statement s = c.createStatement()) {
                s.execute("DROP TABLE " + table);
            }
            done.add("dropped watermarks table " + w);
        }
        else if (rowsDeleted > 0) {
            done.add("kept watermarks table " + w + (createdByPgbridge ? " (" + others + " other captures use it)"
                    : " (pgbridge did not create it)") + "; deleted this capture's row");
        }
        else if (createdByPgbridge) {
            done.add("kept watermarks table " + w + " (" + others + " other captures use it)");
        }
    }

    private static boolean exists(Connection c, String sql, String value) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, value);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }
}
