package dev.pgbridge.metadata.ingest;

import dev.pgbridge.metadata.openmetadata.DataTypes;
import dev.pgbridge.pgtype.PgType;
import dev.pgbridge.pgtype.TypeCatalog;
import dev.pgbridge.pgtype.TypeResolver;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A column's OpenMetadata type from its type oid and modifier: core's {@link TypeResolver} (domains to their base
 * type, arrays to their element type) over the connection's {@code pg_type}, each type read once, then
 * {@link DataTypes}. One per connection and thread.
 */
final class ColumnTypes {
    /** {@code dataType} and, for an array, {@code arrayDataType}, with length, precision and scale. */
    record Mapped(DataTypes.ColumnType type, String arrayDataType) {
    }

    private final Map<Integer, TypeCatalog.TypeRow> rows = new HashMap<>();
    private final TypeResolver resolver;

    ColumnTypes(Connection connection) {
        TypeCatalog catalog = TypeCatalog.of(connection);
        this.resolver = new TypeResolver(oid -> {
            Optional<TypeCatalog.TypeRow> row = catalog.type(oid);
            row.ifPresent(r -> rows.put(oid, r));
            return row;
        });
    }

    Mapped map(int typeOid, int typmod) throws SQLException {
        PgType type;
        try {
            type = resolver.resolve(typeOid);
        }
        catch (TypeCatalog.ReadFailure e) {
            throw e.getCause();
        }
        if (type.kind() == PgType.Kind.ARRAY) {
            DataTypes.ColumnType element = scalar(type.element(), typmod);
            return new Mapped(new DataTypes.ColumnType("ARRAY", 1, null, null), element.dataType());
        }
        return new Mapped(scalar(type, typmod), null);
    }

    private DataTypes.ColumnType scalar(PgType type, int typmod) {
        Optional<PgType> builtIn = PgType.builtIn(type.oid());
        if (builtIn.isPresent()) {
            return DataTypes.of(builtIn.get().name(), 'b', typmod);
        }
        TypeCatalog.TypeRow row = rows.get(type.oid());
        return row == null ? DataTypes.of("", 'b', typmod) : DataTypes.of(row.name(), row.typtype(), typmod);
    }
}
