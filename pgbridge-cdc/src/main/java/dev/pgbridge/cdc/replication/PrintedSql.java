package dev.pgbridge.cdc.replication;

import dev.pgbridge.cdc.event.TableId;
import dev.pgbridge.sql.QualifiedName;

/** Quoting for SQL that is printed for a DBA to run (never executed with user text in it). */
final class PrintedSql {
    private PrintedSql() {
    }

    static String table(TableId t) {
        return QualifiedName.of(t.schema(), t.table()).quoted();
    }

    static String literal(String value) {
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("literal contains NUL");
        }
        return '\'' + value.replace("'", "''") + '\'';
    }
}
