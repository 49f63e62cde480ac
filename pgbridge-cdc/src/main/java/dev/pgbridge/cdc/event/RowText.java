package dev.pgbridge.cdc.event;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgbridge.pgtype.PgJson;
import dev.pgbridge.pgtype.PgType;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * A row image as PostgreSQL printed it: each value's text as the UTF-8 bytes that came off the wire (null for SQL
 * NULL), with the names and types of its columns. A backfill row (and a streamed one of text values) is carried to
 * the sink like this and written as JSON straight from the bytes (by the {@link EventEncoder}); no tree, no
 * {@code String} per value. {@link #tree()} builds the {@link ObjectNode} for the code that needs one (the PostgreSQL
 * sink, a spilled buffer); both give the same JSON.
 *
 * <p>The value arrays are never changed: a row may be shared between threads once handed over.
 */
public final class RowText {
    /** The columns of a table's rows, shared by all of them: names, types, and the table (for error messages). */
    public static final class Columns {
        private final String table;
        private final String[] names;
        private final PgType[] types;

        public Columns(String table, List<String> names, List<PgType> types) {
            if (names.size() != types.size()) {
                throw new IllegalArgumentException(names.size() + " names for " + types.size() + " types");
            }
            this.table = requireNonNull(table, "table is null");
            this.names = names.toArray(String[]::new);
            this.types = types.toArray(PgType[]::new);
        }

        public int size() {
            return names.length;
        }

        public String name(int i) {
            return names[i];
        }

        public PgType type(int i) {
            return types[i];
        }
    }

    private final Columns columns;
    private final byte[][] values;

    /** Takes {@code values} (one per column, in column order) without copying: the caller never touches them again. */
    public RowText(Columns columns, byte[][] values) {
        this.columns = requireNonNull(columns, "columns is null");
        this.values = requireNonNull(values, "values is null");
        if (values.length != columns.size()) {
            throw new IllegalArgumentException(values.length + " values for " + columns.size() + " columns");
        }
    }

    /** A row of these texts (tests, and rows read as strings). */
    public static RowText of(Columns columns, String... texts) {
        byte[][] values = new byte[texts.length][];
        for (int i = 0; i < texts.length; i++) {
            values[i] = texts[i] == null ? null : texts[i].getBytes(StandardCharsets.UTF_8);
        }
        return new RowText(columns, values);
    }

    public Columns columns() {
        return columns;
    }

    /** The bytes of the row's values (their UTF-8 text): what it holds in memory, less the arrays' own overhead. */
    public long textBytes() {
        long n = 0;
        for (byte[] b : values) {
            n += b == null ? 0 : b.length;
        }
        return n;
    }

    /** About the heap the row holds: its bytes, an array header per value and the array of them. */
    public long heapBytes() {
        return 16 + 8L * values.length + textBytes() + 16L * values.length;
    }

    /** The text of column {@code i}, or null for SQL NULL. */
    public String text(int i) {
        byte[] b = values[i];
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    /** The row as a JSON tree, made anew on every call: the same JSON the encoder writes from the bytes. */
    public ObjectNode tree() {
        ObjectNode tree = EventJson.MAPPER.createObjectNode();
        for (int i = 0; i < values.length; i++) {
            try {
                tree.set(columns.names[i], PgJson.node(columns.types[i], text(i)));
            }
            catch (RuntimeException e) {
                throw cannotMapColumn(i, e);
            }
        }
        return tree;
    }

    /** The UTF-8 text of column {@code i} as it came in (null for SQL NULL); not to be changed. */
    byte[] utf8(int i) {
        return values[i];
    }

    /** A value that does not map, with its column, type and table. */
    public IllegalStateException cannotMapColumn(int i, RuntimeException e) {
        return new IllegalStateException("cannot map column " + columns.names[i] + " (" + columns.types[i].name()
                + ") of " + columns.table + " to JSON: " + e.getMessage(), e);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RowText other && Arrays.equals(columns.names, other.columns.names)
                && Arrays.deepEquals(values, other.values);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(values);
    }

    /** The column names only: values may be secrets of the user's data, and a {@code toString} ends up in logs. */
    @Override
    public String toString() {
        return "RowText" + Arrays.toString(columns.names);
    }
}
