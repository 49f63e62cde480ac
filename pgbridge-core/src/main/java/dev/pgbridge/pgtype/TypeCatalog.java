package dev.pgbridge.pgtype;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Where a {@link TypeResolver} learns about types that are not built in (enums, domains, composite and range types,
 * arrays of them, extension types): a database's {@code pg_type}, read over JDBC ({@link #lookup}) or from what a
 * capture already knows. Callers implement it over their own connection.
 */
@FunctionalInterface
public interface TypeCatalog {
    /** {@code pg_type} facts of a type; empty when there is no such type. */
    Optional<TypeRow> type(int oid);

    /**
     * One row of {@code pg_type}: {@code typtype} (b base, d domain, e enum, c composite, r range, m multirange,
     * p pseudo), {@code typcategory} ({@code A} for arrays), the element and base type oids, and the element
     * delimiter of an array type ({@code ,} unless the element type says otherwise).
     */
    record TypeRow(int oid, String name, char typtype, char category, int elementOid, int baseTypeOid,
                   char delimiter) {
        /** A row whose array elements are separated by {@code ,} (every type but {@code box}). */
        public TypeRow(int oid, String name, char typtype, char category, int elementOid, int baseTypeOid) {
            this(oid, name, typtype, category, elementOid, baseTypeOid, ',');
        }
    }

    /** Knows no type: every type that is not built in maps as text. */
    TypeCatalog NONE = oid -> Optional.empty();

    /** The one query of a type's {@code pg_type} facts. */
    String LOOKUP = """
            SELECT t.typname, t.typtype, t.typcategory, t.typelem, t.typbasetype, coalesce(e.typdelim, ',')
            FROM pg_catalog.pg_type t LEFT JOIN pg_catalog.pg_type e ON e.oid = t.typelem
            WHERE t.oid = ?::oid""";

    /**
     * A catalog over a JDBC connection; a failed read is a {@link ReadFailure} carrying the {@link SQLException}, for
     * the caller to unwrap and translate at its boundary.
     */
    static TypeCatalog of(Connection connection) {
        return oid -> {
            try {
                return lookup(connection, oid);
            }
            catch (SQLException e) {
                throw new ReadFailure(e);
            }
        };
    }

    /** A catalog read that failed; {@link #getCause()} is the driver's exception. */
    final class ReadFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public ReadFailure(SQLException cause) {
            super("cannot read pg_type: " + cause.getMessage(), cause);
        }

        @Override
        public synchronized SQLException getCause() {
            return (SQLException) super.getCause();
        }
    }

    /** Reads one type's {@code pg_type} row on {@code connection}. */
    static Optional<TypeRow> lookup(Connection connection, int oid) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(LOOKUP)) {
            ps.setLong(1, oid & 0xFFFFFFFFL);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new TypeRow(oid, rs.getString(1), rs.getString(2).charAt(0),
                        rs.getString(3).charAt(0), rs.getInt(4), rs.getInt(5), rs.getString(6).charAt(0)));
            }
        }
    }
}
