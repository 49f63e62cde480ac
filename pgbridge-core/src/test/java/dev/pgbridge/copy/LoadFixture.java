package dev.pgbridge.copy;

import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.testing.TestDatabase;
import dev.pgbridge.testing.TestTable;
import dev.pgbridge.testing.TestingPostgres;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * The one fixture of the load tests: a database of their own on the test server (made before a class's first test,
 * dropped after its last), a {@link Loader} into it, and the reads the tests compare tables with.
 * {@code @RegisterExtension static final LoadFixture db = new LoadFixture("load");}
 */
final class LoadFixture implements BeforeAllCallback, AfterAllCallback {
    private final String prefix;
    private final List<String> setup;
    private TestingPostgres server;
    private TestDatabase database;
    private ConnectionConfig config;
    private Loader loader;

    /** A database named after {@code prefix}, in which the {@code setup} statements run first (types, domains). */
    LoadFixture(String prefix, String... setup) {
        this.prefix = requireNonNull(prefix, "prefix is null");
        this.setup = List.of(setup);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        server = TestingPostgres.get();
        database = server.createDatabase(TestingPostgres.uniqueName(prefix), null);
        setup.forEach(this::execute);
        config = ConnectionConfig.builder().host(server.host()).port(server.port()).database(database.name())
                .login(server.superuser()).password(server.superuserPassword()).extra(Map.of("sslmode", "disable")).build();
        loader = new Loader(config);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        database.close();
    }

    TestingPostgres server() {
        return server;
    }

    /** The connection settings of the database, as the superuser, without TLS. */
    ConnectionConfig config() {
        return config;
    }

    Loader loader() {
        return loader;
    }

    /** A new connection to the database (the caller closes it). */
    Connection connect() throws SQLException {
        return server.connect(database.name());
    }

    void execute(String sql) {
        server.executeIn(database.name(), sql);
    }

    /** A table with a random suffix in the database, dropped when closed. */
    TestTable table(String prefix, String definition) {
        return new TestTable(server, database.name(), prefix, definition);
    }

    /** The first column of the first row of {@code sql}, as text; null when there is no row. */
    String query(String sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** Every row of the table as text, in order: compares the whole content. */
    String content(String table) throws SQLException {
        return query("SELECT string_agg(t::text, '|' ORDER BY t::text) FROM " + table + " t");
    }

    /**
     * Every (row, column) of {@code columns} whose text differs between the two tables, matched by their {@code id}
     * column, and every row missing from either.
     */
    List<String> differences(String expected, String actual, List<String> columns) throws SQLException {
        List<String> differences = new ArrayList<>();
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (String column : columns) {
                try (ResultSet rs = s.executeQuery("SELECT id, e." + column + "::text, a." + column + "::text FROM "
                        + expected + " e FULL JOIN " + actual + " a USING (id) WHERE e." + column + "::text IS DISTINCT FROM a."
                        + column + "::text OR e.id IS NULL OR a.id IS NULL ORDER BY 1")) {
                    while (rs.next()) {
                        differences.add("row " + rs.getString(1) + " column " + column + ": expected " + rs.getString(2)
                                + ", loaded " + rs.getString(3));
                    }
                }
            }
        }
        return differences;
    }

    /** {@code text} as a load's input, UTF-8. */
    static LoadInput input(String text) {
        return LoadInput.stream(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "input");
    }
}
