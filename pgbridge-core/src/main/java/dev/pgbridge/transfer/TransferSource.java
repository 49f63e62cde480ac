package dev.pgbridge.transfer;

import static java.util.Objects.requireNonNull;

/** What a transfer reads: a whole table (by the name PostgreSQL resolves) or the rows of a query. */
public sealed interface TransferSource {
    /** A table, view or materialized view, named as the user typed it ({@code sales.orders}, {@code "Sales"."Orders"}). */
    record Table(String name) implements TransferSource {
        public Table {
            requireNonNull(name, "name is null");
            if (name.isBlank()) {
                throw new IllegalArgumentException("table name is blank");
            }
        }
    }

    /** A query whose rows COPY can write: SELECT, VALUES, TABLE, WITH … SELECT. */
    record Query(String sql) implements TransferSource {
        public Query {
            requireNonNull(sql, "sql is null");
            if (sql.isBlank()) {
                throw new IllegalArgumentException("query is blank");
            }
        }
    }
}
