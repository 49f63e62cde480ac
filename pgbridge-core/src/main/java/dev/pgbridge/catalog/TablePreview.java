package dev.pgbridge.catalog;

import dev.pgbridge.sql.QualifiedName;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The first rows of a table: column names exactly as the table has them, their types as the server names them, and
 * every value in PostgreSQL's text form (null for SQL NULL).
 */
public record TablePreview(QualifiedName table, List<String> columns, List<String> types, List<List<String>> rows) {
    public TablePreview {
        requireNonNull(table, "table is null");
        columns = List.copyOf(requireNonNull(columns, "columns is null"));
        types = List.copyOf(requireNonNull(types, "types is null"));
        List<List<String>> copy = new ArrayList<>();
        for (List<String> row : requireNonNull(rows, "rows is null")) {
            if (row.size() != columns.size()) {
                throw new IllegalArgumentException("row has " + row.size() + " values for " + columns.size() + " columns");
            }
            copy.add(Collections.unmodifiableList(new ArrayList<>(row))); // values may be null
        }
        rows = Collections.unmodifiableList(copy);
    }
}
