package dev.pgbridge.connection;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static java.util.Objects.requireNonNull;

/**
 * Writes connections as {@code airflow connections export} does, the inverse of {@link ConnectionImport}:
 *
 * <ul>
 *   <li>{@link Format#JSON}: an object {@code {conn_id: {conn_type, description, login, password, host, port, schema,
 *   extra}}} indented by two, as Python's {@code json.dumps(…, indent=2)};</li>
 *   <li>{@link Format#YAML}: the same mapping in block style with sorted keys, as PyYAML's {@code yaml.dump};</li>
 *   <li>{@link Format#ENV}: one line {@code conn_id=URI} per connection (Airflow's URI, which has no description), or
 *   {@code conn_id=JSON} ({@link Serialization#JSON}, Airflow's {@code --serialization-format json}).</li>
 * </ul>
 *
 * {@code extra} is the JSON object text, as Airflow's {@code Connection.extra}. Without {@code reveal} every password
 * is left out, and so are the extra keys {@link ExtraOption#sensitiveKey} calls secret.
 */
public final class ConnectionExport {
    /** The file formats of {@code airflow connections export}. */
    public enum Format { JSON, YAML, ENV }

    /** How a {@link Format#ENV} line holds a connection, as {@code --serialization-format}: a URI or Airflow's JSON. */
    public enum Serialization { URI, JSON }

    private ConnectionExport() {
    }

    public static String write(List<ConnectionConfig> connections, Format format, boolean reveal) {
        return write(connections, format, Serialization.URI, reveal);
    }

    /** As {@link #write(List, Format, boolean)}, {@code .env} lines in the given serialization. */
    public static String write(List<ConnectionConfig> connections, Format format, Serialization serialization,
                               boolean reveal) {
        requireNonNull(serialization, "serialization is null");
        requireNonNull(connections, "connections is null");
        requireNonNull(format, "format is null");
        List<ConnectionConfig> shown = new ArrayList<>(connections.size());
        for (ConnectionConfig c : connections) {
            shown.add(reveal ? c : withoutSecrets(c));
        }
        return switch (format) {
            case JSON -> json(shown);
            case YAML -> yaml(shown);
            case ENV -> env(shown, serialization);
        };
    }

    /** The connection without its password and without sensitive extra keys. */
    public static ConnectionConfig withoutSecrets(ConnectionConfig c) {
        if (c.password() == null && !ExtraOption.maySensitive(c.extra())) {
            return c; // nothing to leave out (a listing passes a thousand of these: no copy, no JSON parse)
        }
        ConnectionConfig.Builder b = c.toBuilder().password((dev.pgbridge.secret.Secret) null);
        Map<String, Object> extra = PythonJson.objectOrNull(c.extra());
        if (extra != null && extra.keySet().removeIf(ExtraOption::sensitiveKey)) {
            b.extra(extra.isEmpty() ? null : PythonJson.dumps(extra));
        }
        return b.build();
    }

    /** Whether writing {@code c} without reveal leaves something out. */
    public static boolean hasSecrets(ConnectionConfig c) {
        return c.hasPassword() || !withoutSecrets(c).extraMap().equals(c.extraMap());
    }

    /** Airflow's {@code _connection_to_dict}, in its key order. */
    private static Map<String, Object> fields(ConnectionConfig c) {
        AirflowFields f = AirflowFields.of(c);
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("conn_type", f.connType());
        map.put("description", f.description());
        map.put("login", f.login());
        map.put("password", f.password());
        map.put("host", f.host());
        map.put("port", f.port());
        map.put("schema", f.schema());
        map.put("extra", f.extra() == null || f.extra().isEmpty() ? null : f.extra());
        return map;
    }

    private static String json(List<ConnectionConfig> connections) {
        if (connections.isEmpty()) {
            return "{}\n";
        }
        StringBuilder sb = new StringBuilder("{\n");
        for (int i = 0; i < connections.size(); i++) {
            ConnectionConfig c = connections.get(i);
            sb.append("  ").append(PythonJson.dumps(c.connId())).append(": {\n");
            List<String> lines = new ArrayList<>();
            fields(c).forEach((k, v) -> lines.add("    " + PythonJson.dumps(k) + ": " + PythonJson.dumps(v)));
            sb.append(String.join(",\n", lines)).append("\n  }").append(i < connections.size() - 1 ? "," : "").append('\n');
        }
        return sb.append("}\n").toString();
    }

    private static String yaml(List<ConnectionConfig> connections) {
        Map<String, Object> all = new LinkedHashMap<>();
        for (ConnectionConfig c : connections) {
            all.put(c.connId(), new TreeMap<>(fields(c)));
        }
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        return all.isEmpty() ? "{}\n" : new Yaml(options).dump(all);
    }

    private static String env(List<ConnectionConfig> connections, Serialization serialization) {
        StringBuilder sb = new StringBuilder();
        for (ConnectionConfig c : connections) {
            sb.append(c.connId()).append('=')
                    .append(serialization == Serialization.URI ? AirflowUri.build(c) : AirflowJson.build(c)).append('\n');
        }
        return sb.toString();
    }
}
