package dev.pgbridge.server.auth;

import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.store.StoreDatabase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Who read which secret, when and from where: one row per secret read (UI, API, agent), never the secret. Also written
 * to the log (logger {@code pgbridge.audit}) for shipping elsewhere.
 */
public final class AuditLog {
    private static final Logger AUDIT = LoggerFactory.getLogger("pgbridge.audit");

    /** A row of the audit log. */
    public record Entry(Instant at, String tenant, String actor, String action, String connId, String remote) {}

    private final StoreDatabase db;

    public AuditLog(StoreDatabase db) {
        this.db = requireNonNull(db, "db is null");
    }

    /** Records that {@code principal} did {@code action} (e.g. {@code secret.read}) on a connection from {@code remote}. */
    public void record(Principal principal, String action, String connId, String remote) {
        Instant now = db.now();
        try {
            db.inTransaction(c -> {
                try (PreparedStatement s = c.prepareStatement("INSERT INTO " + db.table("server_audit")
                        + " (at, tenant, actor, action, conn_id, remote) VALUES (?, ?, ?, ?, ?, ?)")) {
                    db.bindTimestamp(s, 1, now);
                    s.setString(2, principal.tenant());
                    s.setString(3, principal.name());
                    s.setString(4, action);
                    s.setString(5, connId);
                    s.setString(6, remote);
                    s.executeUpdate();
                }
                return null;
            });
        }
        catch (SQLException e) {
            throw db.failure("writing the audit log", e);
        }
        AUDIT.info("{} tenant={} actor={} conn_id={} remote={}", action, principal.tenant(), principal.name(), connId, remote);
    }

    /** The newest {@code limit} entries of one tenant, newest first. */
    public List<Entry> recent(String tenant, int limit) {
        String t = ConnectionConfig.normalizeTenant(tenant);
        try {
            return db.read(c -> {
                try (PreparedStatement s = c.prepareStatement("SELECT at, tenant, actor, action, conn_id, remote FROM "
                        + db.table("server_audit") + " WHERE tenant = ? ORDER BY at DESC LIMIT ?")) {
                    s.setString(1, t);
                    s.setInt(2, limit);
                    List<Entry> entries = new ArrayList<>();
                    try (ResultSet rs = s.executeQuery()) {
                        while (rs.next()) {
                            entries.add(new Entry(db.readTimestamp(rs, "at"), rs.getString("tenant"), rs.getString("actor"),
                                    rs.getString("action"), rs.getString("conn_id"), rs.getString("remote")));
                        }
                    }
                    return entries;
                }
            });
        }
        catch (SQLException e) {
            throw db.failure("reading the audit log", e);
        }
    }
}
