package dev.pgbridge.doctor;

/** Quoting for the SQL the doctor prints as a fix: the one place identifiers and literals are written into SQL. */
final class FixSql {
    private FixSql() {
    }

    /** {@code "name"} with embedded double quotes doubled; NUL is rejected (PostgreSQL cannot store it). */
    static String identifier(String name) {
        if (name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("identifier contains NUL");
        }
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    /** {@code 'value'} with embedded single quotes doubled (standard_conforming_strings = on). */
    static String literal(String value) {
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("literal contains NUL");
        }
        return '\'' + value.replace("'", "''") + '\'';
    }
}
