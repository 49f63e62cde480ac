package dev.pgbridge.query;

import java.nio.charset.StandardCharsets;
import java.util.AbstractList;
import java.util.List;

/**
 * One result row: each value exactly as PostgreSQL prints it (its text output, the same text {@code psql} and
 * {@code COPY} show), or null for SQL NULL. {@link #writeJson} writes a row as JSON, each value mapped by
 * {@link dev.pgbridge.pgtype.PgJson} by its column's type.
 *
 * <p>Values are kept as the UTF-8 bytes that came off the wire and decoded to strings only when asked for,
 * so streaming rows into JSON never builds a {@code String} for most values.
 */
public final class Row {
    private final byte[][] utf8;
    private final String[] text;

    private Row(byte[][] utf8, String[] text) {
        this.utf8 = utf8;
        this.text = text;
    }

    /** A row of these values (copied). */
    public static Row of(String... values) {
        return new Row(new byte[values.length][], values.clone());
    }

    /** Takes the array of UTF-8 values without copying: only for code that never touches it again. */
    static Row wrapUtf8(byte[][] values) {
        return new Row(values, new String[values.length]);
    }

    public int size() {
        return text.length;
    }

    /** The value of column {@code index} (0-based) as PostgreSQL prints it; null for SQL NULL. */
    public String get(int index) {
        String s = text[index];
        if (s == null && utf8[index] != null) {
            s = new String(utf8[index], StandardCharsets.UTF_8);
            text[index] = s;
        }
        return s;
    }

    /** The value's text as UTF-8 bytes, or null for SQL NULL; the array must not be changed. */
    public byte[] utf8(int index) {
        byte[] b = utf8[index];
        if (b == null && text[index] != null) {
            b = text[index].getBytes(StandardCharsets.UTF_8);
            utf8[index] = b;
        }
        return b;
    }

    /**
     * The text of column {@code column} (1-based) of {@code rs}'s current row as the UTF-8 bytes that came in, bytea
     * too (its text form, not the decoded bytes); null for SQL NULL. The result must be in text format (pgbridge never
     * lets pgjdbc switch to binary results); the array is pgjdbc's own, not copied: it must not be changed.
     */
    public static byte[] textBytes(java.sql.ResultSet rs, int column, dev.pgbridge.pgtype.PgType type)
            throws java.sql.SQLException {
        if (type.kind() == dev.pgbridge.pgtype.PgType.Kind.BYTEA) {
            String text = rs.getString(column); // getBytes would decode it
            return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
        }
        return rs.getBytes(column); // text format: the bytes as received, not copied
    }

    /** Writes a row as a JSON object: keys are the column names exactly, in column order. */
    public static void writeJson(com.fasterxml.jackson.core.JsonGenerator g, List<Column> columns, Row row)
            throws java.io.IOException {
        g.writeStartObject();
        for (int i = 0; i < columns.size(); i++) {
            Column column = columns.get(i);
            g.writeFieldName(column.name());
            dev.pgbridge.pgtype.PgJson.writeUtf8(g, column.type(), row.utf8(i));
        }
        g.writeEndObject();
    }

    public boolean isNull(int index) {
        return text[index] == null && utf8[index] == null;
    }

    /** The values (decoded on access). */
    public List<String> values() {
        return new AbstractList<>() {
            @Override
            public String get(int index) {
                return Row.this.get(index);
            }

            @Override
            public int size() {
                return text.length;
            }
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Row r && r.values().equals(values());
    }

    @Override
    public int hashCode() {
        return values().hashCode();
    }

    @Override
    public String toString() {
        // values are data, not for logs
        return "Row[" + text.length + " values]";
    }
}
