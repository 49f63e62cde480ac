package dev.pgbridge.query;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * One result row: each value exactly as PostgreSQL prints it (its text output, the same text {@code psql} and
 * {@code COPY} show), or null for SQL NULL. {@link JsonValues} turns a value into JSON by its column's type.
 */
public final class Row {
    private final String[] values;

    private Row(String[] values) {
        this.values = values;
    }

    /** A row of these values (copied). */
    public static Row of(String... values) {
        return new Row(values.clone());
    }

    /** Takes the array without copying: only for code that never touches it again. */
    static Row wrap(String[] values) {
        return new Row(values);
    }

    public int size() {
        return values.length;
    }

    /** The value of column {@code index} (0-based) as PostgreSQL prints it; null for SQL NULL. */
    public String get(int index) {
        return values[index];
    }

    public boolean isNull(int index) {
        return values[index] == null;
    }

    public List<String> values() {
        return Collections.unmodifiableList(Arrays.asList(values));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Row r && Arrays.equals(r.values, values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        // values are data, not for logs
        return "Row[" + values.length + " values]";
    }
}
