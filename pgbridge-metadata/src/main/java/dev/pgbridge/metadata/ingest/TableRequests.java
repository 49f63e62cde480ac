package dev.pgbridge.metadata.ingest;

import dev.pgbridge.catalog.ForeignKeys;
import dev.pgbridge.catalog.TableInfo;
import dev.pgbridge.catalog.TableKind;
import dev.pgbridge.catalog.TableShape;
import dev.pgbridge.metadata.openmetadata.DataTypes;
import dev.pgbridge.metadata.openmetadata.EntityRef;
import dev.pgbridge.metadata.openmetadata.Fqn;
import dev.pgbridge.metadata.openmetadata.Requests;
import dev.pgbridge.sql.QualifiedName;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One table, view, materialized view, partitioned or foreign table as OpenMetadata's {@code CreateTableRequest}, as
 * OpenMetadata's PostgreSQL connector builds it: column constraints for single-column primary and unique keys (and
 * NULL / NOT_NULL otherwise), multi-column keys and foreign keys as {@code tableConstraints} (referred columns as
 * column FQNs), comments as descriptions, view definitions as {@code schemaDefinition}, the owning role as
 * {@code owner}; then the table's size and row estimate as its profile.
 */
public final class TableRequests {
    private TableRequests() {
    }

    /** OpenMetadata's {@code tableType} of a relation kind. */
    static String tableType(TableKind kind) {
        return switch (kind) {
            case TABLE -> "Regular";
            case VIEW -> "View";
            case MATERIALIZED_VIEW -> "MaterializedView";
            case PARTITIONED_TABLE -> "Partitioned";
            case FOREIGN_TABLE -> "Foreign";
        };
    }

    /**
     * @param schemaFqn  the schema's FQN ({@code service.database.schema})
     * @param service    the service name and {@code database} its database (as PostgreSQL names it), for referred
     *                   columns' FQNs
     * @param definition the view's definition ({@code pg_get_viewdef}), null for tables
     * @param withOwner  {@code includeOwners}: the owning role as the table's {@code owner}, a {@code user} reference
     */
    static Requests.CreateTable build(String service, String database, String schemaFqn, TableInfo table,
                                      TableShape shape, List<ForeignKeys.ForeignKey> foreignKeys, String definition,
                                      ColumnTypes types, boolean withOwner) throws SQLException {
        List<String> primaryKey = shape.primaryKey();
        Set<String> singleUnique = new HashSet<>();
        List<List<String>> multiUnique = new ArrayList<>();
        for (List<String> key : shape.uniqueKeys()) {
            if (key.equals(primaryKey)) {
                continue;
            }
            if (key.size() == 1) {
                singleUnique.add(key.get(0));
            }
            else {
                multiUnique.add(key);
            }
        }
        List<Requests.Column> columns = new ArrayList<>();
        int ordinal = 0;
        for (TableShape.Column c : shape.columns()) {
            ordinal++;
            ColumnTypes.Mapped mapped = types.map(c.typeOid(), c.typeModifier());
            DataTypes.ColumnType t = mapped.type();
            String constraint;
            if (primaryKey.size() == 1 && primaryKey.contains(c.name())) {
                constraint = "PRIMARY_KEY";
            }
            else if (primaryKey.size() > 1 && primaryKey.contains(c.name())) {
                constraint = null; // the key is a table constraint; the server rejects it in both places
            }
            else if (singleUnique.contains(c.name())) {
                constraint = "UNIQUE";
            }
            else {
                constraint = c.nullable() ? "NULL" : "NOT_NULL";
            }
            columns.add(new Requests.Column(Fqn.encode(c.name()), t.dataType(), mapped.arrayDataType(), t.dataLength(),
                    t.precision(), t.scale(), c.type(), c.comment(), constraint, ordinal));
        }
        List<Requests.TableConstraint> constraints = new ArrayList<>();
        if (primaryKey.size() > 1) {
            constraints.add(new Requests.TableConstraint("PRIMARY_KEY", encodeAll(primaryKey), null));
        }
        for (List<String> key : multiUnique) {
            constraints.add(new Requests.TableConstraint("UNIQUE", encodeAll(key), null));
        }
        for (ForeignKeys.ForeignKey fk : foreignKeys) {
            List<String> referred = new ArrayList<>();
            for (String column : fk.referencedColumns()) {
                referred.add(Fqn.column(Fqn.table(service, database, fk.referenced().schema(),
                        fk.referenced().name()), column));
            }
            constraints.add(new Requests.TableConstraint("FOREIGN_KEY", encodeAll(fk.columns()), referred));
        }
        TableKind kind = table.kind();
        String schemaDefinition = null;
        if (definition != null && (kind == TableKind.VIEW || kind == TableKind.MATERIALIZED_VIEW)) {
            schemaDefinition = viewStatement(table, definition);
        }
        return new Requests.CreateTable(Fqn.encode(table.name()), table.comment(), tableType(kind), columns,
                constraints.isEmpty() ? null : constraints, schemaFqn, schemaDefinition,
                withOwner ? EntityRef.of("user", Fqn.quote(table.owner())) : null);
    }

    /**
     * The table's {@code PUT /v1/tables/{id}/tableProfile} with what the catalog knows: the planner's row estimate
     * ({@code reltuples}; left out when the table was never analyzed), {@code pg_total_relation_size} and the column
     * count. None for a view, which has neither rows nor size of its own.
     *
     * @param readAt when the catalog was read, epoch milliseconds
     */
    static Optional<Requests.Request> profile(String tableFqn, TableInfo table, TableShape shape, long readAt) {
        if (table.kind() == TableKind.VIEW) {
            return Optional.empty();
        }
        Long rows = table.estimatedRows();
        Long bytes = table.sizeBytes();
        return Optional.of(Requests.Request.tableProfile(tableFqn, new Requests.CreateTableProfile(
                new Requests.TableProfile(readAt, rows == null ? null : rows.doubleValue(), shape.columns().size(),
                        bytes == null ? null : bytes.doubleValue()))));
    }

    private static List<String> encodeAll(List<String> names) {
        return names.stream().map(Fqn::encode).toList();
    }

    /**
     * A view's or materialized view's {@code schemaDefinition}: {@code CREATE [MATERIALIZED] VIEW "schema"."name" AS}
     * and its definition as {@code pg_get_viewdef} gives it (read with every name schema-qualified).
     */
    public static String viewStatement(TableInfo table, String definition) {
        return "CREATE " + (table.kind() == TableKind.MATERIALIZED_VIEW ? "MATERIALIZED VIEW " : "VIEW ")
                + QualifiedName.of(table.schema(), table.name()).quoted() + " AS\n" + definition;
    }
}
