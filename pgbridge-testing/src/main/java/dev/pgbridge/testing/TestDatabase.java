package dev.pgbridge.testing;

import static java.util.Objects.requireNonNull;

/** A database made for one test; {@link #close()} drops it, ending its sessions first. */
public final class TestDatabase implements AutoCloseable {
    private final TestingPostgres server;
    private final String name;

    TestDatabase(TestingPostgres server, String name) {
        this.server = requireNonNull(server, "server is null");
        this.name = requireNonNull(name, "name is null");
    }

    public String name() {
        return name;
    }

    @Override
    public void close() {
        server.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = "
                + TestingPostgres.quoteLiteral(name) + " AND pid <> pg_backend_pid()");
        server.execute("DROP DATABASE IF EXISTS " + TestingPostgres.quoteIdentifier(name));
    }

    @Override
    public String toString() {
        return "TestDatabase[" + name + "]";
    }
}
