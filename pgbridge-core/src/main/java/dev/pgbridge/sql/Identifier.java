package dev.pgbridge.sql;

import static java.util.Objects.requireNonNull;

/**
 * A PostgreSQL identifier (a schema, table, column or role name) exactly as stored in the catalog. It renders only
 * quoted: {@link #quote(String)} is the one function through which any name enters SQL text. Values never do:
 * they are bound parameters.
 */
public record Identifier(String name) {
    public Identifier {
        requireNonNull(name, "name is null");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("identifier is empty");
        }
        if (name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("identifier contains NUL");
        }
    }

    /** {@code "name"} with embedded double quotes doubled; NUL is rejected (PostgreSQL cannot store it). */
    public static String quote(String name) {
        return new Identifier(name).quoted();
    }

    public String quoted() {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    @Override
    public String toString() {
        return quoted();
    }
}
