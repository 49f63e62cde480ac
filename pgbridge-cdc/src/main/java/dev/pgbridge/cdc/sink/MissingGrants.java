package dev.pgbridge.cdc.sink;

import dev.pgbridge.sql.Identifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a {@code 42501} (insufficient privilege) from the PostgreSQL sink's target turns into: the GRANTs that fix it,
 * read from the target's catalog ({@code has_schema_privilege}, {@code has_table_privilege}) for the sink's role.
 */
final class MissingGrants {
    private static final Logger LOG = LoggerFactory.getLogger(MissingGrants.class);

    private MissingGrants() {
    }

    /**
     * The GRANT statements, one a line, for what the connection's role lacks in {@code schema}: USAGE and CREATE on the
     * schema (CREATE on the database when the schema is missing), SELECT, INSERT, UPDATE, DELETE and TRUNCATE on
     * {@code tables} (those of them that exist), SELECT, INSERT and UPDATE on {@value AppliedLsn#TABLE}. Empty when the
     * catalog shows none missing (the denial lies elsewhere: row security, a column privilege, a trigger) or cannot be
     * read. Rolls back the connection's open transaction first (after a failure it can read nothing) and after.
     */
    static Optional<String> read(Connection connection, String schema, List<String> tables) {
        List<String> lines = new ArrayList<>();
        try {
            connection.rollback();
            String role;
            try (PreparedStatement ps = connection.prepareStatement("SELECT current_user::text, "
                    + "pg_catalog.has_database_privilege(pg_catalog.current_database(), 'CREATE'), "
                    + "pg_catalog.current_database()::text, (SELECT ARRAY[pg_catalog.has_schema_privilege(n.oid, "
                    + "'USAGE'), pg_catalog.has_schema_privilege(n.oid, 'CREATE')] FROM pg_catalog.pg_namespace n "
                    + "WHERE n.nspname = ?)")) {
                ps.setString(1, schema);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    role = Identifier.quote(rs.getString(1));
                    java.sql.Array schemaRights = rs.getArray(4);
                    if (schemaRights == null) {
                        if (!rs.getBoolean(2)) {
                            lines.add("GRANT CREATE ON DATABASE " + Identifier.quote(rs.getString(3)) + " TO " + role
                                    + ";");
                        }
                    }
                    else {
                        Boolean[] rights = (Boolean[]) schemaRights.getArray();
                        List<String> missing = new ArrayList<>();
                        if (!rights[0]) {
                            missing.add("USAGE");
                        }
                        if (!rights[1]) {
                            missing.add("CREATE");
                        }
                        if (!missing.isEmpty()) {
                            lines.add("GRANT " + String.join(", ", missing) + " ON SCHEMA " + Identifier.quote(schema)
                                    + " TO " + role + ";");
                        }
                    }
                }
            }
            List<String> names = new ArrayList<>(tables.stream().sorted().toList());
            names.add(AppliedLsn.TABLE);
            try (PreparedStatement ps = connection.prepareStatement("SELECT c.relname::text, "
                    + "pg_catalog.has_table_privilege(c.oid, 'SELECT'), pg_catalog.has_table_privilege(c.oid, 'INSERT'), "
                    + "pg_catalog.has_table_privilege(c.oid, 'UPDATE'), pg_catalog.has_table_privilege(c.oid, 'DELETE'), "
                    + "pg_catalog.has_table_privilege(c.oid, 'TRUNCATE') FROM pg_catalog.pg_class c "
                    + "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                    + "WHERE n.nspname = ? AND c.relname = ANY (?) ORDER BY c.relname")) {
                ps.setString(1, schema);
                ps.setArray(2, connection.createArrayOf("text", names.toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    String[] privileges = {"SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE"};
                    while (rs.next()) {
                        boolean lsnTable = rs.getString(1).equals(AppliedLsn.TABLE);
                        List<String> missing = new ArrayList<>();
                        for (int i = 0; i < (lsnTable ? 3 : privileges.length); i++) {
                            if (!rs.getBoolean(2 + i)) {
                                missing.add(privileges[i]);
                            }
                        }
                        if (!missing.isEmpty()) {
                            lines.add("GRANT " + String.join(", ", missing) + " ON TABLE " + Identifier.quote(schema)
                                    + "." + Identifier.quote(rs.getString(1)) + " TO " + role + ";");
                        }
                    }
                }
            }
            connection.rollback();
        }
        catch (SQLException | RuntimeException e) {
            LOG.debug("postgres sink: cannot read the target's privileges: {}", e.getMessage());
            return Optional.empty();
        }
        return lines.isEmpty() ? Optional.empty() : Optional.of(String.join("\n", lines));
    }
}
