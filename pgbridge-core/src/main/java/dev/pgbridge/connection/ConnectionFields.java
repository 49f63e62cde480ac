package dev.pgbridge.connection;

import dev.pgbridge.secret.SecretRedactor;

import java.util.LinkedHashMap;

import static java.util.Objects.requireNonNull;

/**
 * The fields of a connection as {@code conn parse} prints them ({@link #toMap}), and as Airflow's REST API shows a
 * connection ({@link #airflowRest}).
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

    /**
     * A connection in the shape of Airflow's REST API ({@code ConnectionResponse}): keys {@code connection_id,
     * conn_type, description, host, login, schema, port, extra} in this order, null where absent; {@code port} an
     * Integer (per-host ports go into extra {@code port}, as {@link AirflowJson} writes them); {@code extra} the JSON
     * object text. Write-only secrets are left out: there is no {@code password} key, and extra keys that
     * {@link ExtraOption} marks sensitive ({@code sslpassword}) are removed.
     */
    public static LinkedHashMap<String, Object> airflowRest(ConnectionConfig c) {
        requireNonNull(c, "connection is null");
        AirflowFields f = AirflowFields.of(ConnectionExport.withoutSecrets(c));
        LinkedHashMap<String, Object> map = new LinkedHashMap<>();
        map.put("connection_id", c.connId());
        map.put("conn_type", f.connType());
        map.put("description", f.description());
        map.put("host", f.host());
        map.put("login", f.login());
        map.put("schema", f.schema());
        map.put("port", f.port());
        map.put("extra", f.extra() == null || f.extra().isEmpty() ? null : f.extra());
        return map;
    }
}
