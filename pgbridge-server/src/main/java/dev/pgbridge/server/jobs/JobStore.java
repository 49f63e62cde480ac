package dev.pgbridge.server.jobs;

import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.store.StoreDatabase;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * The managed jobs in the control store ({@code server_job}, migration 2 of the server's schema). Every method but
 * {@link #listAll} is scoped by tenant; names are case-insensitive and kept in lower case.
 */
public final class JobStore {
    private static final Pattern NAME = Pattern.compile("[a-z0-9_][a-z0-9_.-]{0,63}");
    private static final String COLUMNS = "tenant, name, kind, config, schedule, desired_state, created_at, updated_at, "
            + "last_run_at, last_result, last_error";
    private final StoreDatabase db;
    private final Clock clock;

    /** @param clock the time of registrations and changes: the runner's, whose schedule compares with them */
    public JobStore(StoreDatabase db, Clock clock) {
        this.db = requireNonNull(db, "db is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    /** A job's name in lower case; fails with INVALID_NAME unless it is 1 to 64 of a-z, 0-9, {@code _ . -}. */
    public static String normalizeName(String name, JobKind kind) {
        String n = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
        if (!NAME.matcher(n).matches()) {
            throw new PgBridgeException(ErrorCode.INVALID_NAME, "invalid " + kind.id() + " name '" + name
                    + "': 1 to 64 of letters, digits, _ . - (not starting with . or -)", "use a name like orders_cdc");
        }
        return n;
    }

    /** Adds a job; INVALID_NAME when the tenant already has a job of that kind and name. */
    public Job add(String tenant, String name, JobKind kind, String config, String schedule, DesiredState desired) {
        String t = ConnectionConfig.normalizeTenant(tenant);
        String n = normalizeName(name, kind);
        Instant now = now();
        try {
            boolean added = db.inTransaction(c -> {
                try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM " + db.table("server_job")
                        + " WHERE tenant = ? AND kind = ? AND name = ?")) {
                    s.setString(1, t);
                    s.setString(2, kind.id());
                    s.setString(3, n);
                    try (ResultSet rs = s.executeQuery()) {
                        if (rs.next()) {
                            return false;
                        }
                    }
                }
                try (PreparedStatement s = c.prepareStatement("INSERT INTO " + db.table("server_job") + " (" + COLUMNS
                        + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, NULL)")) {
                    s.setString(1, t);
                    s.setString(2, n);
                    s.setString(3, kind.id());
                    s.setString(4, config);
                    s.setString(5, schedule);
                    s.setString(6, desired.id());
                    db.bindTimestamp(s, 7, now);
                    db.bindTimestamp(s, 8, now);
                    s.executeUpdate();
                }
                return true;
            });
            if (!added) {
                throw new PgBridgeException(ErrorCode.INVALID_NAME, "tenant " + t + " already has a " + kind.id()
                        + " named " + n, "pick another name, or delete the " + kind.id() + " " + n + " first");
            }
        }
        catch (SQLException e) {
            throw db.failure("adding " + kind.id() + " " + n, e);
        }
        return new Job(t, n, kind, config, schedule, desired, now, now, null, null, null);
    }

    public Optional<Job> find(String tenant, JobKind kind, String name) {
        String t = ConnectionConfig.normalizeTenant(tenant);
        String n = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
        List<Job> jobs = select(" WHERE tenant = ? AND kind = ? AND name = ?", t, kind.id(), n);
        return jobs.stream().findFirst();
    }

    /** The job, or NOT_FOUND naming the tenant. */
    public Job require(String tenant, JobKind kind, String name) {
        return find(tenant, kind, name).orElseThrow(() -> new PgBridgeException(ErrorCode.NOT_FOUND,
                "no " + kind.id() + " '" + name + "' in tenant '" + ConnectionConfig.normalizeTenant(tenant) + "'",
                "list them with GET /api/v1/" + kind.id() + "s; a " + kind.id() + " of another tenant is not visible"));
    }

    /** A tenant's jobs of one kind, by name. */
    public List<Job> list(String tenant, JobKind kind) {
        return select(" WHERE tenant = ? AND kind = ? ORDER BY name", ConnectionConfig.normalizeTenant(tenant), kind.id());
    }

    /** Every tenant's jobs of one kind: for the runner only (resuming after a start, the schedule), never for a request. */
    List<Job> listAll(JobKind kind) {
        return select(" WHERE kind = ? ORDER BY tenant, name", kind.id());
    }

    public void setDesired(String tenant, JobKind kind, String name, DesiredState desired) {
        update("setting the desired state of " + name, "desired_state = ?, updated_at = ?", tenant, kind, name,
                (s, i) -> {
                    s.setString(i, desired.id());
                    db.bindTimestamp(s, i + 1, now());
                    return i + 2;
                });
    }

    /** Records that a run started ({@code result} {@code running}) or ended; {@code at} null keeps the last run time. */
    public void recordRun(String tenant, JobKind kind, String name, Instant at, String result, String error) {
        update("recording a run of " + name, at == null ? "last_result = ?, last_error = ?"
                : "last_result = ?, last_error = ?, last_run_at = ?", tenant, kind, name, (s, i) -> {
                    s.setString(i, result);
                    if (error == null) {
                        s.setNull(i + 1, Types.VARCHAR);
                    }
                    else {
                        s.setString(i + 1, error);
                    }
                    if (at == null) {
                        return i + 2;
                    }
                    db.bindTimestamp(s, i + 2, at.truncatedTo(ChronoUnit.MILLIS));
                    return i + 3;
                });
    }

    public boolean delete(String tenant, JobKind kind, String name) {
        String t = ConnectionConfig.normalizeTenant(tenant);
        try {
            return db.inTransaction(c -> {
                try (PreparedStatement s = c.prepareStatement("DELETE FROM " + db.table("server_job")
                        + " WHERE tenant = ? AND kind = ? AND name = ?")) {
                    s.setString(1, t);
                    s.setString(2, kind.id());
                    s.setString(3, name.toLowerCase(Locale.ROOT));
                    return s.executeUpdate() > 0;
                }
            });
        }
        catch (SQLException e) {
            throw db.failure("deleting " + kind.id() + " " + name, e);
        }
    }

    @FunctionalInterface
    private interface Binder {
        int bind(PreparedStatement s, int index) throws SQLException;
    }

    private void update(String what, String set, String tenant, JobKind kind, String name, Binder binder) {
        String t = ConnectionConfig.normalizeTenant(tenant);
        try {
            db.inTransaction(c -> {
                try (PreparedStatement s = c.prepareStatement("UPDATE " + db.table("server_job") + " SET " + set
                        + " WHERE tenant = ? AND kind = ? AND name = ?")) {
                    int i = binder.bind(s, 1);
                    s.setString(i, t);
                    s.setString(i + 1, kind.id());
                    s.setString(i + 2, name.toLowerCase(Locale.ROOT));
                    return s.executeUpdate();
                }
            });
        }
        catch (SQLException e) {
            throw db.failure(what, e);
        }
    }

    private List<Job> select(String where, String... args) {
        try {
            return db.read(c -> {
                try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM " + db.table("server_job") + where)) {
                    for (int i = 0; i < args.length; i++) {
                        s.setString(i + 1, args[i]);
                    }
                    List<Job> jobs = new ArrayList<>();
                    try (ResultSet rs = s.executeQuery()) {
                        while (rs.next()) {
                            jobs.add(new Job(rs.getString("tenant"), rs.getString("name"), JobKind.ofId(rs.getString("kind")),
                                    rs.getString("config"), rs.getString("schedule"),
                                    DesiredState.ofId(rs.getString("desired_state")), db.readTimestamp(rs, "created_at"),
                                    db.readTimestamp(rs, "updated_at"), timestamp(rs, "last_run_at"),
                                    rs.getString("last_result"), rs.getString("last_error")));
                        }
                    }
                    return jobs;
                }
            });
        }
        catch (SQLException e) {
            throw db.failure("reading jobs", e);
        }
    }

    private Instant timestamp(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column) == null ? null : db.readTimestamp(rs, column);
    }
}
