package dev.pgbridge.doctor;

/** Quoting for the SQL the doctor prints as a fix: identifiers through {@link dev.pgbridge.sql.Identifier}, literals only for printed SQL. */
final class FixSql {
    private FixSql() {
    }

    /** {@code "name"} with embedded double quotes doubled; NUL is rejected (PostgreSQL cannot store it). */
    static String identifier(String name) {
        return dev.pgbridge.sql.Identifier.quote(name);
    }

    /** {@code 'value'} with embedded single quotes doubled (standard_conforming_strings = on). */
    static String literal(String value) {
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("literal contains NUL");
        }
        return '\'' + value.replace("'", "''") + '\'';
    }
}
