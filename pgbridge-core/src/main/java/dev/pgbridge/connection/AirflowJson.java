package dev.pgbridge.connection;

import dev.pgbridge.error.PgBridgeException;

import java.math.BigInteger;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Airflow's JSON form of a connection, read as {@code Connection.from_json} and written as
 * {@code Connection.as_json()} (Airflow 3), byte for byte: Python's {@code json.dumps} layout, keys in the order
 * {@code conn_type, description, host, login, password, schema, port, extra}, absent fields left out, an empty
 * extra left out.
 *
 * <p>Reading: {@code schema} is the database ({@code database} is accepted too); {@code port} may be a number or
 * a numeric string; an empty password is no password; {@code extra} may be an object or a string holding a JSON
 * object; {@code conn_type} is normalised as in URIs. Unlike {@code from_json}, a {@code conn_id} key is accepted
 * and sets the connection id, and so is {@code connection_id} (the name in Airflow's REST API), so a connection as the
 * REST API shows it reads here too.
 */
public final class AirflowJson {
    private static final Pattern PYTHON_INT = Pattern.compile("[+-]?[0-9]+(_[0-9]+)*");
    private static final List<String> FIELDS = List.of("conn_type", "description", "host", "login", "password",
            "schema", "database", "port", "extra", "uri", "conn_id", "connection_id", "team_name");

    private AirflowJson() {}

    public static ConnectionConfig parse(String json) {
        requireNonNull(json, "json is null");
        Object value;
        try {
            value = PythonJson.loads(json);
        }
        catch (PythonJson.DecodeException e) {
            throw CodecErrors.invalidUri("invalid connection JSON: " + e.getMessage(),
                    "give a JSON object like {\"conn_type\": \"postgres\", \"host\": \"db\", \"port\": 5432}");
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw CodecErrors.invalidUri("invalid connection JSON: it is not an object",
                    "give a JSON object like {\"conn_type\": \"postgres\", \"host\": \"db\", \"port\": 5432}");
        }
        return fromMap(map, false);
    }

    /** {@code Connection.as_json()} for this connection. */
    public static String build(ConnectionConfig connection) {
        requireNonNull(connection, "connection is null");
        AirflowFields f = AirflowFields.of(connection);
        Map<String, Object> out = new LinkedHashMap<>();
        putIfPresent(out, "conn_type", f.connType());
        putIfPresent(out, "description", f.description());
        putIfPresent(out, "host", f.host());
        putIfPresent(out, "login", f.login());
        putIfPresent(out, "password", f.password());
        putIfPresent(out, "schema", f.schema());
        putIfPresent(out, "port", f.port());
        Map<String, Object> extra = f.extraDejson();
        if (!extra.isEmpty()) {
            out.put("extra", extra);
        }
        return PythonJson.dumps(out);
    }

    private static void putIfPresent(Map<String, Object> out, String key, Object value) {
        if (value != null) {
            out.put(key, value);
        }
    }

    /**
     * One connection from a JSON/YAML object: {@code from_json}'s rules, plus, for entries of an
     * {@code airflow connections export} file ({@code fileEntry}), the {@code extra_dejson} key of Airflow's
     * local-file secrets backend.
     */
    static ConnectionConfig fromMap(Map<?, ?> map, boolean fileEntry) {
        Set<String> unknown = new TreeSet<>();
        for (Object key : map.keySet()) {
            String k = String.valueOf(key);
            if (!FIELDS.contains(k) && !(fileEntry && k.equals("extra_dejson"))) {
                unknown.add(k);
            }
        }
        if (!unknown.isEmpty()) {
            throw CodecErrors.invalidUri("invalid connection object: unknown key(s) " + unknown,
                    "the keys are " + String.join(", ", FIELDS) + (fileEntry ? ", extra_dejson" : ""));
        }
        String connId = text(map, "conn_id");
        String restId = text(map, "connection_id");
        if (connId != null && restId != null && !connId.equalsIgnoreCase(restId)) {
            throw CodecErrors.invalidUri("invalid connection object: \"conn_id\" and \"connection_id\" differ",
                    "\"connection_id\" is the REST API's name for \"conn_id\"; give one of them");
        }
        connId = connId != null ? connId : restId;
        if (connId != null) {
            try {
                connId = ConnectionConfig.normalizeConnId(connId);
            }
            catch (PgBridgeException e) {
                throw CodecErrors.invalidUri(e.getMessage(), e.hint());
            }
        }
        String description = text(map, "description");
        if (map.get("uri") != null) {
            for (String field : List.of("conn_type", "host", "login", "password", "schema", "database", "port",
                    "extra", "extra_dejson")) {
                if (truthy(map.get(field))) {
                    throw CodecErrors.invalidUri("invalid connection object: it has both \"uri\" and \"" + field
                            + "\"", "give either a uri or the separate fields, not both");
                }
            }
            ConnectionConfig parsed = AirflowUri.parse(text(map, "uri"));
            return parsed.toBuilder().connId(connId).description(description).build();
        }
        String connType = text(map, "conn_type");
        if (connType != null && !connType.isEmpty()) {
            connType = AirflowUri.normalizeConnType(connType);
        }
        String schema = text(map, "schema");
        String database = text(map, "database");
        if (schema != null && database != null && !schema.equals(database)) {
            throw CodecErrors.invalidUri("invalid connection object: \"schema\" and \"database\" differ",
                    "\"database\" is pgbridge's name for Airflow's \"schema\"; give one of them");
        }
        String password = text(map, "password");
        if (password != null && password.isEmpty()) {
            password = null;
        }
        return ConnectionConfig.builder()
                .connId(connId)
                .connType(connType)
                .description(description)
                .host(text(map, "host"))
                .login(text(map, "login"))
                .password(password)
                .database(schema != null ? schema : database)
                .port(port(map.get("port")))
                .extra(extra(map, fileEntry))
                .build();
    }

    private static String text(Map<?, ?> map, String key) {
        Object value = map.get(key);
        if (value == null || value instanceof String) {
            return (String) value;
        }
        throw CodecErrors.invalidUri("invalid connection object: \"" + key + "\" must be a string, not a "
                + typeName(value), "put the value in quotes");
    }

    /** {@code from_json}: a falsy port is no port; otherwise Python's {@code int(port)}. */
    static Integer port(Object value) {
        if (!truthy(value)) {
            return null;
        }
        long port;
        if (value instanceof Boolean) {
            port = 1;
        }
        else if (value instanceof Integer || value instanceof Long) {
            port = ((Number) value).longValue();
        }
        else if (value instanceof BigInteger) {
            port = -1;
        }
        else if (value instanceof Double d) {
            if (d.isNaN() || d.isInfinite()) {
                throw CodecErrors.invalidUri("invalid connection object: \"port\" is not a number",
                        CodecErrors.PORT_HINT);
            }
            port = (long) Math.max(-1, Math.min(1 << 20, d.doubleValue()));
        }
        else if (value instanceof String s) {
            String trimmed = s.strip();
            if (!PYTHON_INT.matcher(trimmed).matches()) {
                throw CodecErrors.invalidUri("invalid connection object: \"port\" is not a number",
                        CodecErrors.PORT_HINT);
            }
            BigInteger parsed = new BigInteger(trimmed.replace("_", "").replace("+", ""));
            port = parsed.bitLength() > 31 ? -1 : parsed.longValue();
        }
        else {
            throw CodecErrors.invalidUri("invalid connection object: \"port\" must be a number, not a "
                    + typeName(value), CodecErrors.PORT_HINT);
        }
        if (port < 0 || port > 65535) {
            throw CodecErrors.invalidUri("invalid connection object: \"port\" is out of range 0-65535",
                    CodecErrors.PORT_HINT);
        }
        return (int) port;
    }

    private static String extra(Map<?, ?> map, boolean fileEntry) {
        Object extra = map.get("extra");
        if (fileEntry && map.containsKey("extra_dejson")) {
            if (map.containsKey("extra")) {
                throw CodecErrors.invalidUri("invalid connection object: it has both \"extra\" and \"extra_dejson\"",
                        "give only one of them");
            }
            extra = map.get("extra_dejson");
            if (extra == null) {
                return validated("null");
            }
            return validated(PythonJson.dumps(extra));
        }
        if (!truthy(extra)) {
            return null;
        }
        String text;
        try {
            text = extra instanceof String s ? s : PythonJson.dumps(extra);
        }
        catch (IllegalArgumentException e) {
            throw CodecErrors.invalidUri("invalid connection object: \"extra\" holds a value JSON cannot carry",
                    "give extra as a JSON object");
        }
        return validated(text);
    }

    /** Airflow 3's {@code _validate_extra}: extra must be a JSON object. */
    private static String validated(String extra) {
        Object parsed;
        try {
            parsed = PythonJson.loads(extra);
        }
        catch (PythonJson.DecodeException e) {
            throw CodecErrors.invalidUri("invalid connection object: \"extra\" is not JSON: " + e.getMessage(),
                    "give extra as a JSON object, e.g. {\"sslmode\": \"require\"}");
        }
        if (!(parsed instanceof Map<?, ?>)) {
            throw CodecErrors.invalidUri("invalid connection object: \"extra\" is JSON but not an object "
                    + "(Airflow 3 requires a JSON object)", "give extra as a JSON object, e.g. {\"sslmode\": \"require\"}");
        }
        return extra;
    }

    /** Python truthiness of a JSON value. */
    static boolean truthy(Object value) {
        if (value == null) {
            return false;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        if (value instanceof String s) {
            return !s.isEmpty();
        }
        if (value instanceof Number n) {
            return n.doubleValue() != 0;
        }
        if (value instanceof Map<?, ?> m) {
            return !m.isEmpty();
        }
        if (value instanceof Collection<?> c) {
            return !c.isEmpty();
        }
        return true;
    }

    private static String typeName(Object value) {
        if (value instanceof Map<?, ?>) {
            return "object";
        }
        if (value instanceof Collection<?>) {
            return "list";
        }
        if (value instanceof Boolean) {
            return "boolean";
        }
        if (value instanceof Number) {
            return "number";
        }
        return value.getClass().getSimpleName();
    }
}
