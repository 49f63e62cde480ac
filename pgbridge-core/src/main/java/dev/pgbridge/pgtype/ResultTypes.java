package dev.pgbridge.pgtype;

import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import org.postgresql.core.Field;
import org.postgresql.jdbc.PgResultSetMetaData;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The SQL types of a result's columns, exactly: from each column's type oid and type modifier (what the server's
 * RowDescription says) through {@code format_type(oid, typmod)}, so {@code varchar(20)}, {@code numeric(10,2)},
 * {@code timestamp(3) with time zone}, arrays, enums and domains (of a column taken straight from a table; an
 * expression of a domain type is reported as its base type) come out as a {@code CREATE TABLE} needs them. An
 * identity or serial column is its plain type ({@code bigint}, {@code integer}). A column whose type cannot be a
 * table column (a pseudo-type such as {@code record}) is an error with a hint, never a silent {@code text}.
 */
public final class ResultTypes {
    /** One result column's type. */
    public record SqlType(int oid, int typmod, String sqlName, String typeName, boolean builtIn) {
        public SqlType {
            requireNonNull(sqlName, "sqlName is null");
            requireNonNull(typeName, "typeName is null");
        }
    }

    /**
     * A column taken straight from a table whose type is a domain is reported with the domain's base type; its table
     * and position say which domain it was.
     */
    private static final String DESCRIBE = """
            SELECT CASE WHEN d.oid IS NULL THEN pg_catalog.format_type(u.oid, u.typmod)
                        ELSE pg_catalog.format_type(a.atttypid, a.atttypmod) END,
                   coalesce(d.typname, t.typname), t.typtype, d.oid IS NOT NULL
            FROM unnest(?::oid[], ?::int4[], ?::oid[], ?::int2[]) WITH ORDINALITY AS u(oid, typmod, tbl, pos, ord)
            LEFT JOIN pg_catalog.pg_type t ON t.oid = u.oid
            LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = u.tbl AND a.attnum = u.pos AND u.tbl <> 0
            LEFT JOIN pg_catalog.pg_type d ON d.oid = a.atttypid AND d.typtype = 'd' AND a.atttypid <> u.oid
            ORDER BY u.ord""";

    private ResultTypes() {
    }

    /**
     * The types of the columns {@code metaData} describes (of a prepared statement or a result set of
     * {@code connection}); {@code names} label them in errors.
     */
    public static List<SqlType> of(Connection connection, ResultSetMetaData metaData, List<String> names)
            throws SQLException {
        int count = metaData.getColumnCount();
        Long[] oids = new Long[count];
        Integer[] mods = new Integer[count];
        Long[] tables = new Long[count];
        Short[] positions = new Short[count];
        PgResultSetMetaData pg = metaData.unwrap(PgResultSetMetaData.class);
        for (int i = 0; i < count; i++) {
            Field field = field(pg, i + 1);
            oids[i] = field.getOID() & 0xFFFFFFFFL;
            mods[i] = field.getMod();
            tables[i] = field.getTableOid() & 0xFFFFFFFFL;
            positions[i] = (short) field.getPositionInTable();
        }
        List<SqlType> types = new ArrayList<>(count);
        try (PreparedStatement ps = connection.prepareStatement(DESCRIBE)) {
            Array oidArray = connection.createArrayOf("int8", oids);
            Array modArray = connection.createArrayOf("int4", mods);
            Array tableArray = connection.createArrayOf("int8", tables);
            Array positionArray = connection.createArrayOf("int2", positions);
            ps.setArray(1, oidArray);
            ps.setArray(2, modArray);
            ps.setArray(3, tableArray);
            ps.setArray(4, positionArray);
            try (ResultSet rs = ps.executeQuery()) {
                int i = 0;
                while (rs.next()) {
                    String typeName = rs.getString(2);
                    String typtype = rs.getString(3);
                    String column = i < names.size() ? names.get(i) : "column " + (i + 1);
                    if (typeName == null || "p".equals(typtype)) {
                        throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "column \"" + column + "\" of the query has "
                                + (typeName == null ? "type oid " + oids[i] + ", which the server does not know"
                                : "the pseudo-type " + rs.getString(1) + ", which cannot be a table column"),
                                "cast it in the query to the type the new table should have, e.g. "
                                        + "SELECT (…)::text AS " + column);
                    }
                    boolean domain = rs.getBoolean(4);
                    types.add(new SqlType(oids[i].intValue(), mods[i], rs.getString(1), typeName,
                            !domain && oids[i] < 16384));
                    i++;
                }
            }
            oidArray.free();
            modArray.free();
            tableArray.free();
            positionArray.free();
        }
        return List.copyOf(types);
    }

    /**
     * The RowDescription field of a column: pgjdbc keeps the type modifier there and exposes it only to subclasses,
     * so it is read through {@code PgResultSetMetaData.getField}.
     */
    private static Field field(PgResultSetMetaData metaData, int column) {
        try {
            Method getField = PgResultSetMetaData.class.getDeclaredMethod("getField", int.class);
            getField.setAccessible(true);
            return (Field) getField.invoke(metaData, column);
        }
        catch (NoSuchMethodException | IllegalAccessException | InvocationTargetException | RuntimeException e) {
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "cannot read the type modifier of column " + column
                    + " of the query from this PostgreSQL driver (" + e + ")",
                    "create the target table first and copy without --create");
        }
    }
}
