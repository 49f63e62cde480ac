package dev.pgbridge.connection;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@link ConnectionConfig} as the fields of an Airflow {@code Connection}: one integer port, no empty password
 * (Airflow's password setter drops it), extra as JSON object text.
 *
 * <p>Airflow has no per-host ports. When a multi-host connection has different ports, the comma list goes into
 * extra {@code port}: Airflow's Postgres hook passes every extra to libpq as a connection keyword, and libpq reads
 * {@code port=5432,5433} as one port per host.
 */
record AirflowFields(String connType, String description, String host, String login, String password,
                     String schema, Integer port, String extra) {

    static AirflowFields of(ConnectionConfig c) {
        String password = c.password() == null || c.password().isEmpty() ? null : c.password().reveal();
        Integer port = null;
        String extra = c.extra();
        String perHostPorts = perHostPorts(c.port());
        if (perHostPorts != null) {
            Map<String, Object> map = extraObject(extra);
            if (map.containsKey("port")) {
                throw CodecErrors.invalidConfig("the connection has different ports per host and also an extra "
                        + "\"port\"; Airflow can carry only one of them", "remove extra \"port\"");
            }
            map.put("port", perHostPorts);
            extra = PythonJson.dumps(map);
        }
        else if (c.port() != null) {
            port = Integer.valueOf(c.port().split(",")[0]);
        }
        return new AirflowFields(c.connType(), c.description(), c.host(), c.login(), password, c.database(), port,
                extra);
    }

    /** The comma list when the ports differ from host to host, else null (no port, or one port for all). */
    static String perHostPorts(String port) {
        if (port == null || !port.contains(",")) {
            return null;
        }
        String[] ports = port.split(",");
        for (String p : ports) {
            if (Integer.parseInt(p) != Integer.parseInt(ports[0])) {
                return port;
            }
        }
        return null;
    }

    /** Airflow's {@code extra_dejson}: empty for no extra; an error for extra that is not a JSON object. */
    Map<String, Object> extraDejson() {
        return extraObject(extra);
    }

    static Map<String, Object> extraObject(String extra) {
        if (extra == null || extra.isEmpty()) {
            return new LinkedHashMap<>();
        }
        Map<String, Object> map = PythonJson.objectOrNull(extra);
        if (map == null) {
            throw CodecErrors.invalidConfig("the connection's extra is not a JSON object (Airflow 3 requires one)",
                    "store extra as a JSON object, e.g. {\"sslmode\": \"require\"}");
        }
        return map;
    }
}
