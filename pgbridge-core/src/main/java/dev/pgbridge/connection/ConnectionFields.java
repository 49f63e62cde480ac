package dev.pgbridge.connection;

import dev.pgbridge.secret.SecretRedactor;

import java.util.LinkedHashMap;

import static java.util.Objects.requireNonNull;

/**
 * The fields of a connection as {@code conn parse} prints them: keys {@code conn_type, host, port, database, login,
 * password, extra} in this order, null where absent.
 */
public final class ConnectionFields {
    private ConnectionFields() {}

    /**
     * @param reveal whether the password value is shown; otherwise it is {@code "****"} when set (even when empty)
     *     and null when absent
     * @return {@code port} as an Integer for one port, as the comma list for several; {@code extra} as a map when it
     *     is a JSON object, else as its text
     */
    public static LinkedHashMap<String, Object> toMap(ConnectionConfig c, boolean reveal) {
        requireNonNull(c, "connection is null");
        LinkedHashMap<String, Object> map = new LinkedHashMap<>();
        map.put("conn_type", c.connType());
        map.put("host", c.host());
        map.put("port", c.port() == null ? null : c.port().contains(",") ? c.port() : Integer.valueOf(c.port()));
        map.put("database", c.database());
        map.put("login", c.login());
        map.put("password", c.password() == null ? null : reveal ? c.password().reveal() : SecretRedactor.MASK);
        Object extra = PythonJson.objectOrNull(c.extra());
        map.put("extra", extra != null ? extra : c.extra());
        return map;
    }
}
