package dev.pgbridge.metadata.openmetadata;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * OpenMetadata's create requests in their 1.4.0 shapes ({@code api/services/createDatabaseService.json},
 * {@code api/data/createDatabase.json}, {@code createDatabaseSchema.json}, {@code createTable.json}), and the REST call
 * that carries each. Absent fields are left out of the JSON.
 */
public final class Requests {
    private Requests() {
    }

    /** One REST call: {@code PUT /v1/tables} with its body. */
    public record Request(String method, String path, Object body) {
        public Request {
            requireNonNull(method, "method is null");
            requireNonNull(path, "path is null");
            requireNonNull(body, "body is null");
        }

        public static Request put(Object body) {
            String path = switch (body) {
                case CreateDatabaseService s -> "/v1/services/databaseServices";
                case CreateDatabase d -> "/v1/databases";
                case CreateDatabaseSchema s -> "/v1/databaseSchemas";
                case CreateTable t -> "/v1/tables";
                default -> throw new IllegalArgumentException("no route for " + body.getClass().getSimpleName());
            };
            return new Request("PUT", path, body);
        }
    }

    /** {@code connection} is {@code {"config": {...}}} without any password. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record CreateDatabaseService(String name, String serviceType, Map<String, Object> connection) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record CreateDatabase(String name, String description, String service) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record CreateDatabaseSchema(String name, String description, String database) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record CreateTable(String name, String description, String tableType, List<Column> columns,
                              List<TableConstraint> tableConstraints, String databaseSchema, String schemaDefinition) {
        public CreateTable {
            columns = List.copyOf(columns);
            tableConstraints = tableConstraints == null ? null : List.copyOf(tableConstraints);
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Column(String name, String dataType, String arrayDataType, Integer dataLength, Integer precision,
                         Integer scale, String dataTypeDisplay, String description, String constraint,
                         Integer ordinalPosition) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TableConstraint(String constraintType, List<String> columns, List<String> referredColumns) {
    }
}
