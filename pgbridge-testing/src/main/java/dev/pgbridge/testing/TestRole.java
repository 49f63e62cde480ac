package dev.pgbridge.testing;

import static java.util.Objects.requireNonNull;

/** A login role made for one test; {@link #close()} drops it (and what it owns in database postgres). */
public final class TestRole implements AutoCloseable {
    private final TestingPostgres server;
    private final String name;
    private final String password;

    TestRole(TestingPostgres server, String name, String password) {
        this.server = requireNonNull(server, "server is null");
        this.name = requireNonNull(name, "name is null");
        this.password = password;
    }

    public String name() {
        return name;
    }

    public String password() {
        return password;
    }

    /** Grants this role membership in a group role, e.g. {@link TestingPostgres#TLS_ONLY}. */
    public TestRole memberOf(String group) {
        server.execute("GRANT " + TestingPostgres.quoteIdentifier(group) + " TO " + TestingPostgres.quoteIdentifier(name));
        return this;
    }

    @Override
    public void close() {
        server.execute("DROP OWNED BY " + TestingPostgres.quoteIdentifier(name) + " CASCADE");
        server.execute("DROP ROLE IF EXISTS " + TestingPostgres.quoteIdentifier(name));
    }

    @Override
    public String toString() {
        return "TestRole[" + name + "]";
    }
}
