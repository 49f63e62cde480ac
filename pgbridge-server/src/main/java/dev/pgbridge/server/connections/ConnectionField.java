package dev.pgbridge.server.connections;

import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The fields of a connection by the names of Airflow's REST API, as an {@code update_mask} names them: a PATCH
 * changes exactly these. {@code schema} is the database; {@code database} is accepted for it.
 */
public enum ConnectionField {
    CONNECTION_ID, CONN_TYPE, DESCRIPTION, HOST, LOGIN, SCHEMA, PORT, PASSWORD, EXTRA;

    /** The field's name in the REST API ({@code connection_id}, {@code schema}, …). */
    public String apiName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The field of an API name (case-insensitive; {@code database} and {@code conn_id} accepted). */
    public static ConnectionField parse(String name) {
        String n = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
        switch (n) {
            case "database":
                return SCHEMA;
            case "conn_id":
                return CONNECTION_ID;
            default:
                for (ConnectionField field : values()) {
                    if (field.apiName().equals(n)) {
                        return field;
                    }
                }
        }
        throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "unknown connection field '" + name + "' in update_mask",
                "name fields of the connection: " + Arrays.stream(values()).map(ConnectionField::apiName)
                        .collect(Collectors.joining(", ")));
    }

    /** The fields of an {@code update_mask}: repeated parameters, or one comma-separated list, or both. */
    public static Set<ConnectionField> parseMask(Iterable<String> values) {
        Set<ConnectionField> fields = EnumSet.noneOf(ConnectionField.class);
        for (String value : values) {
            for (String part : value.split(",")) {
                if (!part.isBlank()) {
                    fields.add(parse(part));
                }
            }
        }
        return fields;
    }
}
