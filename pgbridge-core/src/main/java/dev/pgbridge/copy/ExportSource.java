package dev.pgbridge.copy;

import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.catalog.Catalog;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.query.QueryErrors;
import dev.pgbridge.query.SqlScript;
import dev.pgbridge.query.SqlStatement;
import dev.pgbridge.sql.QualifiedName;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import static java.util.Objects.requireNonNull;

/** What an export reads: the rows of one SQL query, or a whole table (or view) named as in SQL. */
public sealed interface ExportSource {
    /** One query that returns rows (SELECT, VALUES, TABLE, WITH …); a trailing semicolon is allowed. */
    static ExportSource query(String sql) {
        return new SqlQuery(sql);
    }

    /**
     * A table, view, materialized view, partitioned or foreign table, named as SQL names it: {@code orders},
     * {@code sales.orders}, {@code Sales.Orders} (folds to lower case), {@code "Sales"."Orders"} (keeps case);
     * an unqualified name follows the connection's search_path. PostgreSQL itself reads the name
     * ({@code to_regclass}), so the rules are exactly its own.
     */
    static ExportSource table(String name) {
        return new Table(name);
    }

    /** The SELECT that gives the rows, as sent to PostgreSQL (names quoted from the catalog's spelling). */
    String select(Connection connection, ConnectionConfig target);

    /** The COPY … TO STDOUT statement that gives the rows in {@code options}. */
    String copy(Connection connection, ConnectionConfig target, String options);

    /** The user's statement, for error positions; null for a table. */
    SqlStatement statement();

    /** How many characters the COPY statement has before the user's statement. */
    int copyPrefixLength();

    record SqlQuery(String sql) implements ExportSource {
        private static final String COPY_PREFIX = "COPY (\n";

        public SqlQuery {
            requireNonNull(sql, "sql is null");
        }

        @Override
        public String select(Connection connection, ConnectionConfig target) {
            return SqlScript.single(sql).text();
        }

        @Override
        public String copy(Connection connection, ConnectionConfig target, String options) {
            // single() refuses text that could leave the parentheses (unbalanced, unterminated); the line breaks
            // keep a trailing -- comment from reaching ") TO STDOUT"
            return COPY_PREFIX + SqlScript.single(sql).text() + "\n) TO STDOUT WITH (" + options + ")";
        }

        @Override
        public SqlStatement statement() {
            return SqlScript.single(sql);
        }

        @Override
        public int copyPrefixLength() {
            return COPY_PREFIX.length();
        }

        @Override
        public String toString() {
            return "query (" + sql.length() + " chars)";
        }
    }

    record Table(String name) implements ExportSource {
        private static final String RESOLVE = """
                SELECT n.nspname, c.relname, c.relkind
                FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                WHERE c.oid = pg_catalog.to_regclass(?)""";

        public Table {
            requireNonNull(name, "name is null");
            if (name.isBlank()) {
                throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "the table name is empty", "name a table, e.g. sales.orders");
            }
        }

        @Override
        public String select(Connection connection, ConnectionConfig target) {
            return "SELECT * FROM " + resolve(connection, target).quoted();
        }

        @Override
        public String copy(Connection connection, ConnectionConfig target, String options) {
            Resolved table = resolve(connection, target);
            // COPY reads a plain table directly; views and partitioned or foreign tables go through a query
            String source = table.kind().equals("r") ? table.quoted() : "(SELECT * FROM " + table.quoted() + ")";
            return "COPY " + source + " TO STDOUT WITH (" + options + ")";
        }

        @Override
        public SqlStatement statement() {
            return null;
        }

        @Override
        public int copyPrefixLength() {
            return 0;
        }

        Resolved resolve(Connection connection, ConnectionConfig target) {
            try (PreparedStatement ps = connection.prepareStatement(RESOLVE)) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new Catalog(connection).notFound(QualifiedName.parse(name));
                    }
                    return new Resolved(rs.getString(1), rs.getString(2), rs.getString(3));
                }
            }
            catch (SQLException e) {
                throw QueryErrors.translate(e, target, null, null, false);
            }
        }

        @Override
        public String toString() {
            return "table " + name;
        }
    }

    /** A relation as the catalog spells it. */
    record Resolved(String schema, String name, String kind) {
        String quoted() {
            return QualifiedName.of(schema, name).quoted();
        }
    }
}
