package dev.pgbridge.copy;

import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.sql.Identifier;
import dev.pgbridge.sql.QualifiedName;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Creates the table of {@code --create}: from columns inferred from a load's input, or copied from a transfer's
 * source. Names are quoted by the one quoting function; types are PostgreSQL's own text for them (from
 * {@code format_type} or the fixed set inference picks), never user text.
 */
public final class TableCreator {
    private TableCreator() {
    }

    /** A column to create: name exactly as it will be stored, type as SQL ({@code bigint}, {@code numeric(10,2)}). */
    public record Column(String name, String type, boolean notNull) {
        public Column {
            requireNonNull(name, "name is null");
            requireNonNull(type, "type is null");
            if (type.isBlank()) {
                throw new IllegalArgumentException("type of column " + name + " is blank");
            }
        }
    }

    /** A table name split as PostgreSQL splits it; {@code schema} is null for an unqualified name. */
    public record Name(String schema, String table) {
        public Name {
            requireNonNull(table, "table is null");
        }
    }

    /**
     * Splits {@code schema.table} with PostgreSQL's rules: unquoted parts fold to lower case, parts in double quotes
     * keep their case and may hold dots (a doubled quote is a quote), whitespace around the dot is allowed.
     */
    public static Name parseName(String text) {
        requireNonNull(text, "text is null");
        List<String> parts = new ArrayList<>();
        int i = 0;
        int n = text.length();
        while (true) {
            while (i < n && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            StringBuilder part = new StringBuilder();
            if (i < n && text.charAt(i) == '"') {
                i++;
                boolean closed = false;
                while (i < n) {
                    char c = text.charAt(i++);
                    if (c == '"') {
                        if (i < n && text.charAt(i) == '"') {
                            part.append('"');
                            i++;
                        }
                        else {
                            closed = true;
                            break;
                        }
                    }
                    else {
                        part.append(c);
                    }
                }
                if (!closed) {
                    throw invalidName(text, "a double quote is not closed");
                }
                if (part.isEmpty()) {
                    throw invalidName(text, "a quoted name is empty");
                }
            }
            else {
                while (i < n && text.charAt(i) != '.' && !Character.isWhitespace(text.charAt(i)) && text.charAt(i) != '"') {
                    char c = text.charAt(i++);
                    part.append(c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c);
                }
                if (part.isEmpty()) {
                    throw invalidName(text, "a name part is empty");
                }
            }
            parts.add(part.toString());
            while (i < n && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            if (i == n) {
                break;
            }
            if (text.charAt(i) != '.') {
                throw invalidName(text, "unexpected '" + text.charAt(i) + "'");
            }
            i++;
        }
        return switch (parts.size()) {
            case 1 -> new Name(null, parts.get(0));
            case 2 -> new Name(parts.get(0), parts.get(1));
            default -> throw invalidName(text, "too many dotted parts (give table or schema.table)");
        };
    }

    private static PgBridgeException invalidName(String text, String why) {
        return new PgBridgeException(ErrorCode.INVALID_CONFIG, "invalid table name '" + text + "': " + why,
                "write it as table or schema.table; double quotes keep case: \"Sales\".\"Orders\"");
    }

    /** {@code CREATE TABLE "schema"."table" ("a" bigint NOT NULL, …, PRIMARY KEY ("a"))}. */
    public static String createTableSql(String schema, String table, List<Column> columns, List<String> primaryKey) {
        requireNonNull(schema, "schema is null");
        requireNonNull(table, "table is null");
        if (columns.isEmpty()) {
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "cannot create "
                    + QualifiedName.of(schema, table).quoted() + " without columns", "the input must have a header or keys");
        }
        StringBuilder sql = new StringBuilder("CREATE TABLE ").append(Identifier.quote(schema)).append('.')
                .append(Identifier.quote(table)).append(" (");
        for (int i = 0; i < columns.size(); i++) {
            Column c = columns.get(i);
            sql.append(i == 0 ? "\n    " : ",\n    ").append(Identifier.quote(c.name())).append(' ').append(c.type());
            if (c.notNull()) {
                sql.append(" NOT NULL");
            }
        }
        if (!primaryKey.isEmpty()) {
            sql.append(",\n    PRIMARY KEY (");
            for (int i = 0; i < primaryKey.size(); i++) {
                sql.append(i == 0 ? "" : ", ").append(Identifier.quote(primaryKey.get(i)));
            }
            sql.append(')');
        }
        return sql.append("\n)").toString();
    }

    /** A table made by {@link #create}: where it went and the statement that made it. */
    public record Created(String schema, String table, String sql) {
        public Created {
            requireNonNull(schema, "schema is null");
            requireNonNull(table, "table is null");
            requireNonNull(sql, "sql is null");
        }

        /** {@code "schema"."table"}. */
        public String qualifiedName() {
            return QualifiedName.of(schema, table).quoted();
        }
    }

    /**
     * Creates the table {@code tableName} (an unqualified name goes to the connection's current schema) in the
     * caller's transaction.
     */
    public static Created create(Connection c, String tableName, List<Column> columns, List<String> primaryKey)
            throws SQLException {
        Name name = parseName(tableName);
        String schema = name.schema();
        try (Statement s = c.createStatement()) {
            if (schema == null) {
                try (ResultSet rs = s.executeQuery("SELECT current_schema()")) {
                    rs.next();
                    schema = rs.getString(1);
                }
                if (schema == null) {
                    throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "cannot create table '" + tableName
                            + "': no schema of the search_path exists", "qualify the name: schema.table");
                }
            }
            String sql = createTableSql(schema, name.table(), columns, primaryKey);
            s.execute(sql);
            return new Created(schema, name.table(), sql);
        }
    }
}
