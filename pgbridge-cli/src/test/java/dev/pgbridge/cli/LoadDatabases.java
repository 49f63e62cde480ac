package dev.pgbridge.cli;

import dev.pgbridge.testing.TestDatabase;
import dev.pgbridge.testing.TestRole;
import dev.pgbridge.testing.TestingPostgres;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The one fixture of the load and copy command tests: a role whose password needs encoding in a URL, and a source and
 * a target database it owns (made before a class's first test, dropped after its last).
 * {@code @RegisterExtension static final LoadDatabases dbs = new LoadDatabases("pgb_load", PASSWORD);}
 */
final class LoadDatabases implements BeforeAllCallback, AfterAllCallback {
    private final String prefix;
    private final String password;
    private TestingPostgres server;
    private TestRole role;
    private TestDatabase source;
    private TestDatabase target;

    LoadDatabases(String prefix, String password) {
        this.prefix = requireNonNull(prefix, "prefix is null");
        this.password = requireNonNull(password, "password is null");
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        server = TestingPostgres.get();
        role = server.createRole(TestingPostgres.uniqueName(prefix), password);
        source = server.createDatabase(TestingPostgres.uniqueName(prefix + "_src"), role.name());
        target = server.createDatabase(TestingPostgres.uniqueName(prefix + "_dst"), role.name());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        source.close();
        target.close();
        role.close();
    }

    TestingPostgres server() {
        return server;
    }

    TestRole role() {
        return role;
    }

    TestDatabase source() {
        return source;
    }

    TestDatabase target() {
        return target;
    }

    /** A libpq URL of {@code db} as the role, its password percent-encoded ({@code %20} for a space). */
    String url(TestDatabase db) {
        return "postgresql://" + role.name() + ":" + URLEncoder.encode(password, StandardCharsets.UTF_8).replace("+", "%20")
                + "@" + server.host() + ":" + server.port() + "/" + db.name();
    }

    /** The first column of every row of {@code sql} in {@code db}, as text. */
    List<String> rows(TestDatabase db, String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = server.connect(db.name()); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        }
        return rows;
    }

    /** The first column of the first row of {@code sql} in {@code db}, as text; null when there is no row. */
    String query(TestDatabase db, String sql) throws SQLException {
        List<String> rows = rows(db, sql);
        return rows.isEmpty() ? null : rows.get(0);
    }

    /** Runs SQL in {@code db} as the role, so the role owns what it creates. */
    void asRole(TestDatabase db, String sql) {
        server.executeIn(db.name(), "SET ROLE " + role.name() + "; " + sql);
    }
}
