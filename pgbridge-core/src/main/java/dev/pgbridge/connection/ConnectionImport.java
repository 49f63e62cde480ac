package dev.pgbridge.connection;

import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.FileErrors;
import dev.pgbridge.error.PgBridgeException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Reads the files {@code airflow connections export} writes, as Airflow's local-file secrets backend reads them,
 * chosen by extension:
 *
 * <ul>
 *   <li>{@code .json}: an object {@code {conn_id: value}};</li>
 *   <li>{@code .yaml} / {@code .yml}: the same as a YAML mapping;</li>
 *   <li>{@code .env}: lines {@code conn_id=value}; empty lines and {@code #} comments are skipped; a conn_id may
 *   appear once.</li>
 * </ul>
 *
 * A value is a connection URI (Airflow dialect), a JSON object text (in {@code .env} files, as written by
 * {@code --serialization-format json}), or, in JSON and YAML, an object with the fields
 * {@code conn_type, description, host, login, password, schema, port, extra} (extra as a string or an object;
 * {@code extra_dejson} accepted). Every problem in the file is reported at once; no message shows a value.
 * {@link #read(String, ConnectionExport.Format, String)} reads the same content from text (a request body).
 */
public final class ConnectionImport {
    private static final Pattern COMMENT = Pattern.compile("\\s*#.*", Pattern.DOTALL);

    private ConnectionImport() {}

    public static List<ConnectionConfig> read(Path file) {
        requireNonNull(file, "file is null");
        String name = file.getFileName() == null ? "" : file.getFileName().toString();
        ConnectionExport.Format format = formatOf(file.toString(), name);
        return read(readText(file), format, file.toString());
    }

    /**
     * Reads an uploaded export file's bytes (UTF-8) as {@link #read(Path)} reads a file; {@code fileName} (as the
     * user's browser gave it) picks the format by its extension and names the file in messages.
     */
    public static List<ConnectionConfig> read(String fileName, byte[] content) {
        requireNonNull(content, "content is null");
        String name = fileName == null ? "" : fileName;
        ConnectionExport.Format format = formatOf(name, name);
        try {
            String text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(content)).toString();
            return read(text, format, name);
        }
        catch (CharacterCodingException e) {
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "cannot import " + name + ": it is not UTF-8 text",
                    "save the file as UTF-8", e);
        }
    }

    /** The export format a file name's extension says; {@code label} names the file in the error. */
    private static ConnectionExport.Format formatOf(String label, String name) {
        int dot = name.lastIndexOf('.');
        String extension = dot <= 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        return switch (extension) {
            case "json" -> ConnectionExport.Format.JSON;
            case "yaml", "yml" -> ConnectionExport.Format.YAML;
            case "env" -> ConnectionExport.Format.ENV;
            default -> throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "cannot import " + label
                    + ": unsupported file format " + (extension.isEmpty() ? "(no extension)" : "'." + extension + "'"),
                    "name the file .json, .yaml, .yml or .env, the formats airflow connections export writes");
        };
    }

    /**
     * As {@link #read(Path)}, for the content of such a file in the given format (an upload, a request body);
     * {@code source} names it in messages. A JSON array of connection objects, each with its {@code conn_id} (or
     * {@code connection_id}, as Airflow's REST API lists them), is read too.
     */
    public static List<ConnectionConfig> read(String content, ConnectionExport.Format format, String source) {
        requireNonNull(content, "content is null");
        requireNonNull(format, "format is null");
        requireNonNull(source, "source is null");
        List<String> problems = new ArrayList<>();
        Map<String, Object> entries = switch (format) {
            case JSON -> jsonEntries(content, problems);
            case ENV -> envEntries(content, problems);
            case YAML -> yamlEntries(content, problems);
        };
        List<ConnectionConfig> connections = new ArrayList<>();
        Map<String, String> seen = new LinkedHashMap<>();
        for (Map.Entry<String, Object> entry : entries.entrySet()) {
            String rawId = entry.getKey();
            try {
                String connId = ConnectionConfig.normalizeConnId(rawId);
                String previous = seen.putIfAbsent(connId, rawId);
                if (previous != null) {
                    problems.add("connection '" + rawId + "': its id is the same as '" + previous
                            + "' (ids are case-insensitive)");
                    continue;
                }
                ConnectionConfig connection = connection(entry.getValue());
                if (connection.connId() != null && !connection.connId().equals(connId)) {
                    problems.add("connection '" + rawId + "': its conn_id field says '" + connection.connId()
                            + "', which differs from its key");
                    continue;
                }
                connections.add(connection.toBuilder().connId(connId).build());
            }
            catch (PgBridgeException e) {
                problems.add("connection '" + rawId + "': " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new PgBridgeException(ErrorCode.INVALID_URI, "cannot import " + source + ": " + problems.size()
                    + " problem(s): " + String.join("; ", problems),
                    "fix the entries named above; connection ids are letters, digits and _ (at most 64); "
                            + CodecErrors.ENCODE_PASSWORD_HINT);
        }
        return List.copyOf(connections);
    }

    private static ConnectionConfig connection(Object value) {
        if (value instanceof String text) {
            return UriDialect.AIRFLOW.parseToSave(text);
        }
        if (value instanceof Map<?, ?> map) {
            return SavedConnectionCheck.connection(AirflowJson.fromMap(map, true));
        }
        throw CodecErrors.invalidUri("the value must be a URI string or an object, not "
                + (value == null ? "null" : value.getClass().getSimpleName()), "see airflow connections export");
    }

    private static String readText(Path file) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        }
        catch (CharacterCodingException e) {
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "cannot import " + file + ": it is not UTF-8 text",
                    "save the file as UTF-8", e);
        }
        catch (IOException e) {
            throw FileErrors.cannotRead(file.toString(), e);
        }
    }

    private static Map<String, Object> jsonEntries(String content, List<String> problems) {
        if (content.isEmpty()) {
            problems.add("the file is empty");
            return Map.of();
        }
        Object parsed;
        try {
            parsed = PythonJson.loads(content);
        }
        catch (PythonJson.DecodeException e) {
            problems.add("the file is not JSON: " + e.getMessage());
            return Map.of();
        }
        if (parsed instanceof List<?> list) {
            return listEntries(list, problems);
        }
        return topObject(parsed, problems);
    }

    /** A JSON array of connection objects, each naming itself with conn_id or connection_id. */
    private static Map<String, Object> listEntries(List<?> list, List<String> problems) {
        Map<String, Object> entries = new LinkedHashMap<>();
        for (int i = 0; i < list.size(); i++) {
            Object item = list.get(i);
            Object id = item instanceof Map<?, ?> map ? (map.get("conn_id") != null ? map.get("conn_id") : map.get("connection_id")) : null;
            if (!(id instanceof String key)) {
                problems.add("item " + (i + 1) + " of the array: it must be an object with a conn_id (or connection_id)");
                continue;
            }
            if (entries.containsKey(key)) {
                problems.add("item " + (i + 1) + " of the array: '" + key + "' already appeared; a connection may be "
                        + "defined once");
                continue;
            }
            entries.put(key, item);
        }
        return entries;
    }

    private static Map<String, Object> yamlEntries(String content, List<String> problems) {
        if (content.isEmpty()) {
            problems.add("the file is empty");
            return Map.of();
        }
        Object parsed;
        try {
            parsed = new Yaml(new SafeConstructor(new LoaderOptions())).load(content);
        }
        catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark();
            problems.add("the file is not valid YAML" + (mark == null ? "" : " at line " + (mark.getLine() + 1))
                    + ": " + e.getProblem());
            return Map.of();
        }
        catch (YAMLException e) {
            problems.add("the file is not valid YAML");
            return Map.of();
        }
        return topObject(parsed, problems);
    }

    private static Map<String, Object> topObject(Object parsed, List<String> problems) {
        if (!(parsed instanceof Map<?, ?> map)) {
            problems.add("the file must hold an object that maps connection ids to connections (or, in JSON, an "
                    + "array of connections)");
            return Map.of();
        }
        Map<String, Object> entries = new LinkedHashMap<>();
        map.forEach((key, value) -> entries.put(String.valueOf(key), value));
        return entries;
    }

    /** Airflow's {@code _parse_env_file}: {@code key=value} lines split at the first {@code =}. */
    private static Map<String, Object> envEntries(String content, List<String> problems) {
        Map<String, Object> entries = new LinkedHashMap<>();
        String[] lines = content.split("\r\n|\r|\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            int lineNo = i + 1;
            if (line.isEmpty() || COMMENT.matcher(line).lookingAt()) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq < 0) {
                problems.add("line " + lineNo + ": the line should contain at least one '='");
                continue;
            }
            String key = line.substring(0, eq);
            String value = line.substring(eq + 1);
            if (key.isEmpty()) {
                problems.add("line " + lineNo + ": the key before '=' is empty");
                continue;
            }
            if (value.isEmpty()) {
                problems.add("line " + lineNo + ": the value after '=' is empty");
                continue;
            }
            if (entries.containsKey(key)) {
                problems.add("line " + lineNo + ": '" + key + "' already appeared; a connection may be defined once");
                continue;
            }
            entries.put(key, value);
        }
        return entries;
    }
}
