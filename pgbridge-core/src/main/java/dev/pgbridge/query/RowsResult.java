package dev.pgbridge.query;

import java.util.List;

import static java.util.Objects.requireNonNull;

/** The rows a statement returned (a SELECT, VALUES, SHOW, … or anything with RETURNING). */
public record RowsResult(SqlStatement statement, List<Column> columns, List<Row> rows) implements StatementResult {
    public RowsResult {
        requireNonNull(statement, "statement is null");
        columns = List.copyOf(columns);
        rows = List.copyOf(rows);
    }
}
