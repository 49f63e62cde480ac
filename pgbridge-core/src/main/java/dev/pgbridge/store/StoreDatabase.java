package dev.pgbridge.store;

import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * The control store's database as other modules use it: transactions on the back end the store was opened on (the
 * SQLite file or the PostgreSQL schema), the SQL dialect both share, and the one migration runner. Each component
 * (the connections of this module, the metadata catalog, …) has its own ordered {@link StoreMigration}s and its own
 * version rows; {@link #migrate} applies what is missing. Obtained from {@link SqlConnectionStore#database()}; closed
 * with that store.
 */
public final class StoreDatabase {
    /** The component of the connections: its versions are the rows of {@code schema_version}. */
    public static final String CORE = "core";
    private static final Logger LOG = LoggerFactory.getLogger(StoreDatabase.class);
    private static final Pattern COMPONENT = Pattern.compile("[a-z][a-z0-9_]{0,62}");

    /** Work on one connection of the store; may throw SQLException. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private final StoreBackend backend;
    private final Clock clock;

    StoreDatabase(StoreBackend backend, Clock clock) {
        this.backend = requireNonNull(backend, "backend is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** Runs {@code work} in one transaction holding the store's write lock; commits, or rolls back on failure. */
    public <T> T inTransaction(Work<T> work) throws SQLException {
        return backend.inTransaction(work::run);
    }

    /** Runs {@code work} (reads only) outside an explicit transaction. */
    public <T> T read(Work<T> work) throws SQLException {
        return backend.read(work::run);
    }

    /** The name of table {@code name} of the store in SQL text: {@code pgbridge.name} or {@code name}. */
    public String table(String name) {
        return backend.schemaPrefix() + name;
    }

    /** {@code sql} with {@code ${schema}} and {@code ${timestamp}} replaced for this back end. */
    public String render(String sql) {
        return sql.replace("${schema}", backend.schemaPrefix()).replace("${timestamp}", backend.timestampType());
    }

    public void bindTimestamp(PreparedStatement statement, int index, Instant value) throws SQLException {
        backend.bindTimestamp(statement, index, value);
    }

    public Instant readTimestamp(ResultSet resultSet, String column) throws SQLException {
        return backend.readTimestamp(resultSet, column);
    }

    /** Now, to the millisecond (what both back ends keep, so a saved time reads back equal). */
    public Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    /** Where the store is, for messages (no password). */
    public String describe() {
        return backend.describe();
    }

    /** The user's form of a failed store statement: STORE, what failed, and a hint by SQLSTATE or SQLite code. */
    public PgBridgeException failure(String what, SQLException e) {
        return new PgBridgeException(ErrorCode.STORE,
                "control store (" + backend.describe() + "): cannot " + what + ": " + e.getMessage(),
                backend.hintFor(e), e);
    }

    /**
     * Brings {@code component}'s tables to its newest version: in one transaction (serialized with every other
     * process's migrations), the migrations newer than the component's highest recorded version run in order, each
     * recorded as it is done. A store whose component is newer than {@code migrations} knows is refused.
     *
     * @param component {@value #CORE} or a lower-case name of its own ({@code catalog})
     * @param migrations numbered 1, 2, … in order
     */
    public void migrate(String component, List<StoreMigration> migrations) {
        requireNonNull(component, "component is null");
        if (!COMPONENT.matcher(component).matches()) {
            throw new IllegalArgumentException("a component is named [a-z][a-z0-9_]*: " + component);
        }
        for (int i = 0; i < migrations.size(); i++) {
            if (migrations.get(i).version() != i + 1) {
                throw new IllegalArgumentException(component + ": migration " + (i + 1) + " has version "
                        + migrations.get(i).version());
            }
        }
        boolean core = component.equals(CORE);
        try {
            backend.inTransaction(c -> {
                backend.prepareMigration(c);
                try (Statement s = c.createStatement()) {
                    s.execute(render(core ? """
                            CREATE TABLE IF NOT EXISTS ${schema}schema_version (
                                version INTEGER PRIMARY KEY,
                                description TEXT NOT NULL,
                                applied_at ${timestamp} NOT NULL
                            )""" : """
                            CREATE TABLE IF NOT EXISTS ${schema}component_version (
                                component TEXT NOT NULL,
                                version INTEGER NOT NULL,
                                description TEXT NOT NULL,
                                applied_at ${timestamp} NOT NULL,
                                PRIMARY KEY (component, version)
                            )"""));
                }
                int current = version(c, component);
                if (current > migrations.size()) {
                    throw new PgBridgeException(ErrorCode.STORE,
                            "the control store (" + backend.describe() + ") has " + component + " schema version "
                                    + current + ", newer than this pgbridge knows (" + migrations.size() + ")",
                            "upgrade pgbridge to the version that wrote this store");
                }
                for (StoreMigration migration : migrations.subList(current, migrations.size())) {
                    try (Statement s = c.createStatement()) {
                        for (String sql : migration.statements()) {
                            s.execute(render(sql));
                        }
                    }
                    try (PreparedStatement insert = c.prepareStatement(render(core
                            ? "INSERT INTO ${schema}schema_version (version, description, applied_at) VALUES (?, ?, ?)"
                            : "INSERT INTO ${schema}component_version (version, description, applied_at, component)"
                                    + " VALUES (?, ?, ?, ?)"))) {
                        insert.setInt(1, migration.version());
                        insert.setString(2, migration.description());
                        backend.bindTimestamp(insert, 3, now());
                        if (!core) {
                            insert.setString(4, component);
                        }
                        insert.executeUpdate();
                    }
                    LOG.info("control store ({}): applied {} migration {} ({})", backend.describe(), component,
                            migration.version(), migration.description());
                }
                return null;
            });
        }
        catch (SQLException e) {
            throw failure("migrate " + component, e);
        }
    }

    /** The highest version of {@code component} applied; 0 when none (call after {@link #migrate}). */
    int version(String component) {
        try {
            return backend.read(c -> version(c, component));
        }
        catch (SQLException e) {
            throw failure("read the " + component + " schema version", e);
        }
    }

    private int version(Connection c, String component) throws SQLException {
        boolean core = component.equals(CORE);
        try (PreparedStatement s = c.prepareStatement(render(core
                ? "SELECT COALESCE(MAX(version), 0) FROM ${schema}schema_version"
                : "SELECT COALESCE(MAX(version), 0) FROM ${schema}component_version WHERE component = ?"))) {
            if (!core) {
                s.setString(1, component);
            }
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
