package dev.pgbridge.server.data;

import dev.pgbridge.sql.Identifier;
import dev.pgbridge.testing.TestingPostgres;

/**
 * The test data of the catalog and query tests in the test PostgreSQL: a schema with a mixed-case name and a random
 * suffix ({@code "Sales_<random>"}) holding a table {@code "Orders"} with a primary key, a comment and a default, and
 * a view {@code "Open Orders"} over it. Dropped (CASCADE) on close.
 */
final class DataFixture implements AutoCloseable {
    final String schema = "Sales_" + TestingPostgres.uniqueName("t").substring(2);
    final String table = "Orders";
    final String view = "Open Orders";

    DataFixture() {
        TestingPostgres pg = TestingPostgres.get();
        String s = Identifier.quote(schema);
        pg.execute("CREATE SCHEMA " + s);
        pg.execute("CREATE TABLE " + s + ".\"Orders\" (id integer PRIMARY KEY, note text DEFAULT 'new', "
                + "amount numeric(10,2) NOT NULL, closed boolean NOT NULL DEFAULT false)");
        pg.execute("COMMENT ON COLUMN " + s + ".\"Orders\".note IS 'free text'");
        pg.execute("INSERT INTO " + s + ".\"Orders\" VALUES (1, 'first <b>', 10.50, false), (2, NULL, 3.00, true), "
                + "(3, 'a,b \"q\"', 7.25, false)");
        pg.execute("CREATE VIEW " + s + ".\"Open Orders\" AS SELECT id, note FROM " + s + ".\"Orders\" WHERE NOT closed");
    }

    /** The table's name for SQL text: {@code "Sales_x"."Orders"}. */
    String quotedTable() {
        return Identifier.quote(schema) + ".\"Orders\"";
    }

    @Override
    public void close() {
        TestingPostgres.get().execute("DROP SCHEMA IF EXISTS " + Identifier.quote(schema) + " CASCADE");
    }
}
