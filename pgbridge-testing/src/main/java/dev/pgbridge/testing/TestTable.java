package dev.pgbridge.testing;

import static java.util.Objects.requireNonNull;

/**
 * A table with a random suffix for one test; it drops itself on close.
 * {@code new TestTable(server, "postgres", "orders", "(id int PRIMARY KEY, note text)")}
 */
public final class TestTable implements AutoCloseable {
    private final TestingPostgres server;
    private final String database;
    private final String name;

    public TestTable(TestingPostgres server, String database, String prefix, String definition) {
        this.server = requireNonNull(server, "server is null");
        this.database = requireNonNull(database, "database is null");
        this.name = TestingPostgres.uniqueName(prefix);
        server.executeIn(database, "CREATE TABLE " + TestingPostgres.quoteIdentifier(name) + " " + definition);
    }

    /** The table's unquoted name (lower case, in schema public). */
    public String name() {
        return name;
    }

    @Override
    public void close() {
        server.executeIn(database, "DROP TABLE IF EXISTS " + TestingPostgres.quoteIdentifier(name) + " CASCADE");
    }

    @Override
    public String toString() {
        return "TestTable[" + name + "]";
    }
}
