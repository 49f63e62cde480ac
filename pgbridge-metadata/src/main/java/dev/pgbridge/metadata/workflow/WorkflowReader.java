package dev.pgbridge.metadata.workflow;

import dev.pgbridge.error.FileErrors;
import dev.pgbridge.error.Suggestions;
import dev.pgbridge.metadata.dbt.DbtSettings;
import dev.pgbridge.metadata.ingest.FilterPattern;
import dev.pgbridge.metadata.ingest.IgnoredKeys;
import dev.pgbridge.metadata.ingest.MetadataSettings;
import dev.pgbridge.metadata.openmetadata.ServerConfig;
import dev.pgbridge.metadata.profile.ProfilerSettings;
import dev.pgbridge.metadata.quality.TestSuiteSettings;
import dev.pgbridge.metadata.usage.FilterCondition;
import dev.pgbridge.metadata.usage.LineageSettings;
import dev.pgbridge.metadata.usage.QueryLogSettings;
import dev.pgbridge.secret.Secret;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import static java.util.Objects.requireNonNull;

/**
 * Reads a workflow file: YAML, then {@code ${VAR}} replaced by the environment variable in every string value, then
 * every key checked against {@link WorkflowSchema}. All problems are reported together in one
 * {@link WorkflowException}, each with its path in the file and what would be valid there.
 */
public final class WorkflowReader {
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

    private final Map<String, String> env;

    public WorkflowReader(Map<String, String> env) {
        this.env = Map.copyOf(requireNonNull(env, "env is null"));
    }

    public Workflow read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        }
        catch (IOException e) {
            throw FileErrors.cannotRead("workflow file " + file, e);
        }
        return read(text, file.toString());
    }

    /** Reads the text of a workflow file; {@code name} names it in messages. */
    public Workflow read(String text, String name) {
        Object root;
        try {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
        }
        catch (MarkedYAMLException e) {
            throw new WorkflowException(name, List.of(new WorkflowProblem("",
                    "not valid YAML at line " + (e.getProblemMark().getLine() + 1) + ", column "
                            + (e.getProblemMark().getColumn() + 1) + ": " + e.getProblem(),
                    "check the indentation and quoting around that line")));
        }
        catch (YAMLException e) {
            throw new WorkflowException(name, List.of(new WorkflowProblem("", "not valid YAML: " + e.getMessage(),
                    "check the YAML syntax (indentation, quoting, no tabs)")));
        }
        List<WorkflowProblem> problems = new ArrayList<>();
        if (!(root instanceof Map<?, ?>)) {
            problems.add(new WorkflowProblem("", "the file is not a mapping with source, sink and workflowConfig",
                    "start from the example in docs/metadata.md"));
            throw new WorkflowException(name, problems);
        }
        Object substituted = substitute(root, "", problems);
        check(substituted, WorkflowSchema.WORKFLOW, "", problems);
        if (substituted instanceof Map<?, ?> map) {
            checkConnection(map, problems);
            checkServer(map, problems);
            checkQueryLog(map, problems);
            TestSuiteConfigReader.check(map, problems);
            ProfilerConfigReader.check(map, problems);
        }
        if (!problems.isEmpty()) {
            throw new WorkflowException(name, problems);
        }
        return build((Map<?, ?>) substituted);
    }

    // ---- ${VAR}

    private Object substitute(Object value, String path, List<WorkflowProblem> problems) {
        if (value instanceof String s) {
            Matcher m = VARIABLE.matcher(s);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String replacement = env.get(m.group(1));
                if (replacement == null) {
                    problems.add(new WorkflowProblem(path, "environment variable " + m.group(1) + " is not set",
                            "set " + m.group(1) + " before running the workflow, or write the value into the file"));
                    replacement = "";
                }
                m.appendReplacement(out, Matcher.quoteReplacement(replacement));
            }
            m.appendTail(out);
            return out.toString();
        }
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(k, substitute(v, child(path, String.valueOf(k)), problems)));
            return out;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                out.add(substitute(list.get(i), path + "[" + i + "]", problems));
            }
            return out;
        }
        return value;
    }

    // ---- checks

    static void check(Object value, Shape shape, String path, List<WorkflowProblem> problems) {
        switch (shape) {
            case Shape.Text t -> {
                if (!(value instanceof String || value instanceof Number || value instanceof Boolean)) {
                    problems.add(wrongType(path, "a string", value));
                }
            }
            case Shape.Flag f -> {
                if (!(value instanceof Boolean)) {
                    problems.add(wrongType(path, "true or false", value));
                }
            }
            case Shape.Whole w -> {
                if (!(value instanceof Integer || value instanceof Long)) {
                    problems.add(wrongType(path, "a whole number", value));
                }
            }
            case Shape.Choice c -> {
                String text = value == null ? null : String.valueOf(value);
                if (!(value instanceof String) || !c.choices().contains(text)) {
                    String near = value instanceof String s ? Suggestions.didYouMean(s, c.choices()) : null;
                    problems.add(new WorkflowProblem(path, value == null ? "has no value" : "'" + text
                            + "' is not a valid choice", (near == null ? "" : near + " ")
                            + "valid choices: " + String.join(", ", c.choices())));
                }
            }
            case Shape.Regexes r -> {
                if (!(value instanceof List<?> list)) {
                    problems.add(wrongType(path, "a list of regular expressions", value));
                    return;
                }
                for (int i = 0; i < list.size(); i++) {
                    Object item = list.get(i);
                    String at = path + "[" + i + "]";
                    if (!(item instanceof String s)) {
                        problems.add(wrongType(at, "a regular expression (a string)", item));
                        continue;
                    }
                    try {
                        Pattern.compile(s);
                    }
                    catch (PatternSyntaxException e) {
                        problems.add(new WorkflowProblem(at, "invalid regular expression '" + s + "': "
                                + e.getDescription() + " near index " + e.getIndex(),
                                "escape special characters with a backslash (in YAML, inside single quotes: '\\.')"));
                    }
                }
            }
            case Shape.Pairs p -> {
                if (!(value instanceof Map<?, ?> map)) {
                    problems.add(wrongType(path, "a mapping of names to values", value));
                    return;
                }
                map.forEach((k, v) -> {
                    if (v instanceof Map<?, ?> || v instanceof List<?>) {
                        problems.add(wrongType(child(path, String.valueOf(k)), "a single value", v));
                    }
                });
            }
            case Shape.Anything a -> {
            }
            case Shape.ByType b -> {
                if (!(value instanceof Map<?, ?> map)) {
                    problems.add(wrongType(path, "a mapping", value));
                    return;
                }
                Object type = map.get(b.selector());
                Shape.Keys variant = type == null ? null : b.variants().get(String.valueOf(type));
                if (variant == null) {
                    List<String> choices = List.copyOf(b.variants().keySet().stream().sorted().toList());
                    String near = type instanceof String s ? Suggestions.didYouMean(s, choices) : null;
                    problems.add(new WorkflowProblem(child(path, b.selector()), type == null ? "is missing"
                            : "'" + type + "' is not a valid choice",
                            (near == null ? "" : near + " ") + "valid choices: " + String.join(", ", choices)));
                    return;
                }
                check(value, variant, path, problems);
            }
            case Shape.Keys k -> {
                if (value == null && k.keys().isEmpty()) {
                    return;
                }
                if (!(value instanceof Map<?, ?> map)) {
                    problems.add(wrongType(path, "a mapping", value));
                    return;
                }
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    String key = String.valueOf(e.getKey());
                    Shape.Key declared = k.keys().get(key);
                    String at = child(path, key);
                    if (declared == null) {
                        String near = Suggestions.didYouMean(key, k.keys().keySet());
                        problems.add(new WorkflowProblem(at, "unknown key", (near == null ? "" : near + " ")
                                + (k.keys().isEmpty() ? "this mapping takes no keys"
                                : "valid keys: " + String.join(", ", k.keys().keySet()))));
                        continue;
                    }
                    Shape s = declared.shapeOf() != null ? declared.shapeOf().apply(map) : declared.shape();
                    check(e.getValue(), s, at, problems);
                }
                for (Shape.Key declared : k.keys().values()) {
                    boolean required = declared.required() || declared.shapeOf() != null
                            && declared.shapeOf().apply(map) instanceof Shape.Keys dk
                            && dk.keys().values().stream().anyMatch(Shape.Key::required);
                    if (required && !map.containsKey(declared.name())
                            && !nearKeyGiven(declared.name(), map, k)) {
                        problems.add(new WorkflowProblem(child(path, declared.name()), "is missing",
                                "add " + declared.name() + " under " + (path.isEmpty() ? "the top level" : path)));
                    }
                }
            }
        }
    }

    /** A misspelled required key is reported once, as unknown with its "did you mean", not also as missing. */
    private static boolean nearKeyGiven(String name, Map<?, ?> map, Shape.Keys keys) {
        for (Object given : map.keySet()) {
            String g = String.valueOf(given);
            if (!keys.keys().containsKey(g) && Suggestions.closest(g, keys.keys().keySet()).contains(name)) {
                return true;
            }
        }
        return false;
    }

    /** Rules across keys of serviceConnection.config: where to connect must be said somewhere. */
    private static void checkConnection(Map<?, ?> root, List<WorkflowProblem> problems) {
        Map<?, ?> config = mapAt(root, "source", "serviceConnection", "config");
        if (config == null) {
            return;
        }
        String path = "source.serviceConnection.config";
        if (!config.containsKey("connection")) {
            for (String key : List.of("hostPort", "username")) {
                if (!config.containsKey(key) && !nearKeyGiven(key, config, WorkflowSchema.POSTGRES_CONNECTION)) {
                    problems.add(new WorkflowProblem(child(path, key), "is missing",
                            "give hostPort and username (and authType.password), or a pgbridge connection id as "
                                    + "connection: <conn_id>"));
                }
            }
        }
        if (config.containsKey("password") && config.containsKey("authType")) {
            problems.add(new WorkflowProblem(child(path, "password"), "given twice (also as authType.password)",
                    "keep one of them"));
        }
    }

    /** The metadata-rest sink needs a server it can speak to: an http(s) hostPort and a supported way to log in. */
    private static void checkServer(Map<?, ?> root, List<WorkflowProblem> problems) {
        if (!"metadata-rest".equals(valueAt(root, "sink", "type"))) {
            return;
        }
        String path = "workflowConfig.openMetadataServerConfig";
        Map<?, ?> server = mapAt(root, "workflowConfig", "openMetadataServerConfig");
        String example = "hostPort: http://localhost:8585/api, authProvider: openmetadata, "
                + "securityConfig: {jwtToken: ${OM_JWT_TOKEN}}";
        if (server == null) {
            if (valueAt(root, "workflowConfig", "openMetadataServerConfig") == null) {
                problems.add(new WorkflowProblem(path, "is missing (the metadata-rest sink sends to this server)",
                        "add it: " + example));
            }
            return;
        }
        Object hostPort = server.get("hostPort");
        if (hostPort == null) {
            problems.add(new WorkflowProblem(child(path, "hostPort"), "is missing",
                    "the OpenMetadata API's base, e.g. http://localhost:8585/api"));
        }
        else if (hostPort instanceof String h && serverUri(h) == null) {
            problems.add(new WorkflowProblem(child(path, "hostPort"), "'" + (h.contains("@") ? "…" + h.substring(
                    h.lastIndexOf('@')) : h) + "' is not an http:// or https:// URL",
                    "the OpenMetadata API's base, e.g. http://localhost:8585/api"));
        }
        else if (hostPort instanceof String h && serverUri(h).getRawUserInfo() != null) {
            // the login would be printed with hostPort (logs, errors) and OpenMetadata takes it from securityConfig
            problems.add(new WorkflowProblem(child(path, "hostPort"), "has a login (user:password@) in it",
                    "remove it from hostPort and log in with authProvider and securityConfig, e.g. " + example));
        }
        Object provider = server.get("authProvider");
        boolean token = valueAt(server, "securityConfig", "jwtToken") != null;
        if (provider instanceof String p && !ServerConfig.AUTH_PROVIDERS.contains(p)
                && WorkflowSchema.AUTH_PROVIDERS.contains(p)) {
            problems.add(new WorkflowProblem(child(path, "authProvider"), "'" + p
                    + "' is not supported by pgbridge's metadata-rest sink",
                    "supported: " + String.join(", ", ServerConfig.AUTH_PROVIDERS)
                            + " (openmetadata: securityConfig.jwtToken set to a bot's token)"));
        }
        else if (provider == null && !token) {
            problems.add(new WorkflowProblem(child(path, "authProvider"), "is missing",
                    "authProvider: openmetadata with securityConfig.jwtToken set to a bot's token, or no-auth"));
        }
        else if ("openmetadata".equals(provider) && !token) {
            problems.add(new WorkflowProblem(child(path, "securityConfig.jwtToken"), "is missing",
                    "set it to a bot's token (OpenMetadata: Settings → Bots → ingestion-bot), e.g. "
                            + "securityConfig: {jwtToken: ${OM_JWT_TOKEN}}"));
        }
    }

    /** An http(s) URL with a host, or null. */
    private static URI serverUri(String text) {
        try {
            URI uri = new URI(text.trim());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null ? uri : null;
        }
        catch (URISyntaxException e) {
            return null;
        }
    }

    /** Rules across keys of a usage or lineage pipeline: sizes at least 1, the query log file, the condition. */
    private static void checkQueryLog(Map<?, ?> root, List<WorkflowProblem> problems) {
        Map<?, ?> config = mapAt(root, "source", "sourceConfig", "config");
        Object sourceType = valueAt(root, "source", "type");
        Object pipelineType = config == null ? null : config.get("type");
        Map<String, String> pipelineOf = Map.of("postgres", WorkflowSchema.DATABASE_METADATA,
                "postgres-usage", WorkflowSchema.DATABASE_USAGE, "postgres-lineage", WorkflowSchema.DATABASE_LINEAGE);
        if (sourceType instanceof String t && pipelineOf.containsKey(t) && pipelineType instanceof String p
                && pipelineOf.containsValue(p)
                && !pipelineOf.get(t).equals(pipelineType)) {
            problems.add(new WorkflowProblem("source.type", "'" + t + "' does not run a " + pipelineType + " pipeline",
                    "write source.type: " + pipelineOf.entrySet().stream().filter(e -> e.getValue().equals(pipelineType))
                            .map(Map.Entry::getKey).findFirst().orElseThrow() + " for sourceConfig.config.type: "
                            + pipelineType));
        }
        if (config == null || !(WorkflowSchema.DATABASE_USAGE.equals(config.get("type"))
                || WorkflowSchema.DATABASE_LINEAGE.equals(config.get("type")))) {
            return;
        }
        String path = "source.sourceConfig.config";
        for (String key : List.of("queryLogDuration", "resultLimit")) {
            if (config.get(key) instanceof Number n && n.longValue() < 1) {
                problems.add(new WorkflowProblem(child(path, key), "is " + n + ", must be at least 1",
                        key.equals("resultLimit") ? "the number of queries to read, e.g. 1000 (OpenMetadata's default)"
                                : "the number of days back to read, e.g. 1 (OpenMetadata's default)"));
            }
        }
        if (config.get("queryLogFilePath") instanceof String file) {
            Path p = Path.of(file);
            if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
                problems.add(new WorkflowProblem(child(path, "queryLogFilePath"), "'" + file + "' is not a readable file",
                        "give the path of a CSV of queries with a header line (query_text, and optionally "
                                + "database_name, schema_name, user_name, start_time, end_time, aborted)"));
            }
            if (config.containsKey("filterCondition")) {
                problems.add(new WorkflowProblem(child(path, "filterCondition"), "applies to the server's query log, "
                        + "not to queryLogFilePath", "remove one of them: filter the CSV itself, or read the server's log"));
            }
        }
        if (config.get("filterCondition") instanceof String condition) {
            String problem = FilterCondition.problem(condition);
            if (problem != null) {
                problems.add(new WorkflowProblem(child(path, "filterCondition"), problem, "write one condition using "
                        + "only " + FilterCondition.ALLOWED + ", e.g. query_text NOT ILIKE '%metabase%'"));
            }
        }
    }

    private static WorkflowProblem wrongType(String path, String expected, Object value) {
        return new WorkflowProblem(path, value == null ? "has no value, expected " + expected
                : "expected " + expected + ", found " + describe(path, value),
                "write " + expected + " there (quote text in '…' so YAML does not read it as a date or number)");
    }

    /** What was found; a secret's value (a password, a token) is never echoed, only its kind. */
    private static String describe(String path, Object value) {
        if (value instanceof Map<?, ?>) {
            return "a mapping";
        }
        if (value instanceof List<?>) {
            return "a list";
        }
        String key = path.substring(path.lastIndexOf('.') + 1).toLowerCase(java.util.Locale.ROOT);
        if (key.contains("password") || key.contains("token") || key.contains("secret") || key.contains("key")) {
            return value instanceof java.util.Date ? "a date" : value instanceof Number ? "a number" : "a value";
        }
        return "'" + value + "'";
    }

    static String child(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    // ---- the checked file as a Workflow

    private static Workflow build(Map<?, ?> root) {
        Map<?, ?> source = mapAt(root, "source");
        Map<?, ?> given = mapAt(root, "source", "serviceConnection", "config");
        Map<?, ?> config = given == null ? Map.of() : given;
        Map<?, ?> auth = mapAt(config, "authType");
        String password = auth != null ? string(auth.get("password")) : string(config.get("password"));
        Workflow.ServiceConnection connection = new Workflow.ServiceConnection(string(config.get("connection")),
                string(config.get("hostPort")), string(config.get("username")),
                password == null ? null : Secret.of(password), string(config.get("database")),
                Boolean.TRUE.equals(config.get("ingestAllDatabases")), string(config.get("sslMode")),
                pairs(mapAt(config, "connectionOptions")), pairs(mapAt(config, "connectionArguments")));
        Map<?, ?> pipeline = mapAt(root, "source", "sourceConfig", "config");
        String pipelineType = string(pipeline.get("type"));
        MetadataSettings metadata = null;
        if (WorkflowSchema.DATABASE_METADATA.equals(pipelineType)) {
            metadata = new MetadataSettings(flag(pipeline, "markDeletedTables", true),
                    flag(pipeline, "includeTables", true), flag(pipeline, "includeViews", true),
                    flag(pipeline, "includeOwners", false), flag(pipeline, "useFqnForFiltering", false),
                    filter(mapAt(pipeline, "databaseFilterPattern")), filter(mapAt(pipeline, "schemaFilterPattern")),
                    filter(mapAt(pipeline, "tableFilterPattern")), flag(pipeline, "allowEmptyingSchema", false),
                    IgnoredKeys.present(pipeline, WorkflowSchema.METADATA_IGNORED));
        }
        QueryLogSettings usage = null;
        LineageSettings lineage = null;
        if (WorkflowSchema.DATABASE_USAGE.equals(pipelineType)) {
            usage = queryLog(pipeline, WorkflowSchema.USAGE_IGNORED);
        }
        if (WorkflowSchema.DATABASE_LINEAGE.equals(pipelineType)) {
            lineage = new LineageSettings(queryLog(pipeline, WorkflowSchema.LINEAGE_IGNORED), filter(mapAt(pipeline, "databaseFilterPattern")),
                    filter(mapAt(pipeline, "schemaFilterPattern")), filter(mapAt(pipeline, "tableFilterPattern")),
                    flag(pipeline, "processViewLineage", true), flag(pipeline, "processQueryLineage", true));
        }
        Map<?, ?> sink = mapAt(root, "sink");
        Workflow.Sink sinkSettings = sink == null ? new Workflow.Sink("pgbridge", null)
                : new Workflow.Sink(string(sink.get("type")), string(valueAt(sink, "config", "filename")),
                "metadata-rest".equals(sink.get("type")) ? server(mapAt(root, "workflowConfig",
                        "openMetadataServerConfig")) : null);
        Map<?, ?> processor = mapAt(root, "processor", "config");
        ProfilerSettings profiler = WorkflowSchema.PROFILER.equals(pipelineType)
                ? ProfilerConfigReader.read(pipeline, processor == null ? Map.of() : processor) : null;
        TestSuiteSettings testSuite = WorkflowSchema.TEST_SUITE.equals(pipelineType)
                ? TestSuiteConfigReader.read(pipeline, processor == null ? Map.of() : processor) : null;
        DbtSettings dbt = WorkflowSchema.DBT.equals(pipelineType) ? DbtConfigReader.read(pipeline) : null;
        return new Workflow(string(source.get("type")), string(source.get("serviceName")), connection, pipelineType,
                metadata, sinkSettings, usage, lineage, profiler, testSuite, dbt);
    }

    private static QueryLogSettings queryLog(Map<?, ?> pipeline, List<String> ignored) {
        String file = string(pipeline.get("queryLogFilePath"));
        List<String> present = IgnoredKeys.present(pipeline, ignored);
        return new QueryLogSettings(whole(pipeline, "queryLogDuration", QueryLogSettings.DEFAULT_DURATION),
                whole(pipeline, "resultLimit", QueryLogSettings.DEFAULT_RESULT_LIMIT),
                file == null ? null : Path.of(file), string(pipeline.get("filterCondition")), present);
    }

    static int whole(Map<?, ?> map, String key, int defaultValue) {
        return map.get(key) instanceof Number n ? (int) Math.min(Integer.MAX_VALUE, n.longValue()) : defaultValue;
    }

    /** The checked server settings (see {@link #checkServer}); the token as a {@link Secret}. */
    private static ServerConfig server(Map<?, ?> server) {
        String token = string(valueAt(server, "securityConfig", "jwtToken"));
        String provider = server.get("authProvider") == null ? "openmetadata" : string(server.get("authProvider"));
        String ca = string(valueAt(server, "sslConfig", "caCertificate"));
        return new ServerConfig(serverUri(string(server.get("hostPort"))), provider,
                provider.equals("no-auth") ? null : Secret.of(token),
                server.get("verifySSL") == null ? "no-ssl" : string(server.get("verifySSL")),
                ca == null ? null : Path.of(ca));
    }

    static boolean flag(Map<?, ?> map, String key, boolean defaultValue) {
        Object v = map.get(key);
        return v instanceof Boolean b ? b : defaultValue;
    }

    static FilterPattern filter(Map<?, ?> map) {
        if (map == null) {
            return FilterPattern.NONE;
        }
        return new FilterPattern(patterns(map.get("includes")), patterns(map.get("excludes")));
    }

    static List<Pattern> patterns(Object list) {
        List<Pattern> out = new ArrayList<>();
        if (list instanceof List<?> items) {
            for (Object item : items) {
                out.add(Pattern.compile(String.valueOf(item)));
            }
        }
        return out;
    }

    static Map<String, String> pairs(Map<?, ?> map) {
        Map<String, String> out = new LinkedHashMap<>();
        if (map != null) {
            map.forEach((k, v) -> out.put(String.valueOf(k), v == null ? "" : String.valueOf(v)));
        }
        return out;
    }

    static String string(Object value) {
        return value == null ? null : String.valueOf(value);
    }

    static Object valueAt(Map<?, ?> map, String... keys) {
        Object current = map;
        for (String key : keys) {
            if (!(current instanceof Map<?, ?> m)) {
                return null;
            }
            current = m.get(key);
        }
        return current;
    }

    static Map<?, ?> mapAt(Map<?, ?> map, String... keys) {
        return valueAt(map, keys) instanceof Map<?, ?> m ? m : null;
    }
}
