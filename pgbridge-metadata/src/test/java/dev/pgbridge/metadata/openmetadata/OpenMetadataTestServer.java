package dev.pgbridge.metadata.openmetadata;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Stands in for an OpenMetadata server (a real one cannot run here: it needs a search cluster). Every request is
 * checked by {@link OpenMetadataSchemas} (1.4.0's JSON schemas and the server's rules) and answered 400 with the
 * problems when the server would refuse it; every call but {@code GET /v1/system/version} needs
 * {@code Authorization: Bearer <token>} (401 otherwise). Entities get the ids of {@link EntityRef.Ids#NAME_BASED}, so
 * a run's {@link #transcript()} equals the {@code file} sink's transcript of the same run. Answers are shaped like
 * OpenMetadata's: the entity with id, name, fullyQualifiedName and version for a create, 404 for an unknown name, a
 * schema's tables with {@code paging.after}. It can be told to fail the next calls ({@link #failNext}) or to answer a
 * route with a status ({@link #answer}), and keeps every call ({@link #calls()}).
 */
public final class OpenMetadataTestServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern BY_NAME = Pattern.compile(
            "/v1/(services/databaseServices|databases|databaseSchemas|tables|queries|users|teams)/name/([^/?]+)"
                    + "(\\?fields=[a-zA-Z,]+)?");
    private static final Pattern BY_ID = Pattern.compile("/v1/tables/([0-9a-f-]{36})(/[a-zA-Z]+)?(\\?.*)?");
    private static final Pattern USAGE = Pattern.compile("/v1/usage/table/([0-9a-f-]{36})");
    private static final Map<String, String> TYPE_OF_ROUTE = Map.of(
            "services/databaseServices", "databaseService",
            "databases", "database",
            "databaseSchemas", "databaseSchema",
            "tables", "table",
            "queries", "query",
            "users", "user",
            "teams", "team");

    /** One call as it arrived: the path after {@code /api} with its query, the body, and the status answered. */
    public record Call(String method, String path, JsonNode body, int status) {
    }

    private record Injected(String method, Pattern path, Predicate<JsonNode> body, int status, String message) {
    }

    private final HttpServer http;
    private final ExecutorService executor;
    private final String token;
    private final OpenMetadataSchemas schemas = new OpenMetadataSchemas();
    private final List<Call> calls = new ArrayList<>();
    /** {@code type:fqn} → the entity as the server keeps it. */
    private final Map<String, ObjectNode> entities = new LinkedHashMap<>();
    private final List<Injected> injected = new ArrayList<>();
    private String version = "1.4.0";
    private int failNext;
    private int failStatus;
    private String retryAfter;
    private int pageSize = 100;
    private int stallNext;
    private Duration stall = Duration.ZERO;

    private OpenMetadataTestServer(String token, SSLContext tls) throws IOException {
        this.token = requireNonNull(token, "token is null");
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        if (tls == null) {
            this.http = HttpServer.create(address, 0);
        }
        else {
            HttpsServer https = HttpsServer.create(address, 0);
            https.setHttpsConfigurator(new HttpsConfigurator(tls));
            this.http = https;
        }
        this.executor = Executors.newSingleThreadExecutor();
        http.setExecutor(executor);
        http.createContext("/", this::handle);
        http.start();
    }

    /** A server on a free loopback port that takes {@code token} as its bot's token. */
    public static OpenMetadataTestServer start(String token) {
        return start(token, null);
    }

    /** As {@link #start(String)}, over HTTPS with the server's key and certificate in {@code tls} (null: HTTP). */
    public static OpenMetadataTestServer start(String token, SSLContext tls) {
        try {
            return new OpenMetadataTestServer(token, tls);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code http://127.0.0.1:<port>/api} ({@code https://} over TLS), as a workflow's {@code hostPort}. */
    public String hostPort() {
        InetSocketAddress address = http.getAddress();
        return (http instanceof HttpsServer ? "https://" : "http://") + address.getAddress().getHostAddress() + ":"
                + address.getPort() + "/api";
    }

    /** What {@code GET /v1/system/version} answers (1.4.0 unless told). */
    public synchronized OpenMetadataTestServer version(String version) {
        this.version = version;
        return this;
    }

    /** The largest page of a table list, whatever {@code limit} asks (to test paging without 100 tables). */
    public synchronized OpenMetadataTestServer pageSize(int pageSize) {
        this.pageSize = pageSize;
        return this;
    }

    /** A user the server knows (an owner must be one). */
    public synchronized OpenMetadataTestServer addUser(String name) {
        ObjectNode user = JSON.createObjectNode().put("name", name);
        store("user", name, user);
        return this;
    }

    /** The next {@code n} calls, whatever they are, answer {@code status} (with {@code Retry-After} when not null). */
    public synchronized OpenMetadataTestServer failNext(int n, int status, String retryAfter) {
        this.failNext = n;
        this.failStatus = status;
        this.retryAfter = retryAfter;
        return this;
    }

    /** The next {@code n} calls are answered only after {@code stall} (a client with a shorter timeout gives up). */
    public synchronized OpenMetadataTestServer stallNext(int n, Duration stall) {
        this.stallNext = n;
        this.stall = requireNonNull(stall, "stall is null");
        return this;
    }

    /** Every call of {@code method} to a path matching {@code pathRegex} answers {@code status}, {@code message}. */
    public synchronized OpenMetadataTestServer answer(String method, String pathRegex, int status, String message) {
        return answer(method, pathRegex, body -> true, status, message);
    }

    /** As {@link #answer(String, String, int, String)}, for the calls whose body {@code body} accepts. */
    public synchronized OpenMetadataTestServer answer(String method, String pathRegex, Predicate<JsonNode> body,
                                                      int status, String message) {
        injected.add(new Injected(method, Pattern.compile(pathRegex), body, status, message));
        return this;
    }

    public synchronized OpenMetadataTestServer clearAnswers() {
        injected.clear();
        return this;
    }

    public synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    public synchronized void clearCalls() {
        calls.clear();
    }

    /**
     * The calls that changed something (every method but GET) that the server accepted, each as the {@code file}
     * sink writes a request: {@code {"method", "path", "body"}}.
     */
    public synchronized List<JsonNode> transcript() {
        List<JsonNode> out = new ArrayList<>();
        for (Call c : calls) {
            if (c.method().equals("GET") || c.status() >= 300) {
                continue;
            }
            ObjectNode line = JSON.createObjectNode().put("method", c.method()).put("path", c.path());
            if (c.body() != null) {
                line.set("body", c.body());
            }
            out.add(line);
        }
        return out;
    }

    /** The entity of {@code type} named {@code fqn}, deleted or not. */
    public synchronized Optional<JsonNode> entity(String type, String fqn) {
        return Optional.ofNullable(entities.get(type + ":" + fqn)).map(JsonNode::deepCopy);
    }

    @Override
    public void close() {
        http.stop(0);
        executor.shutdownNow();
    }

    // ---- the server

    private synchronized void handle(HttpExchange exchange) throws IOException {
        try {
            String method = exchange.getRequestMethod();
            String rawPath = exchange.getRequestURI().getRawPath();
            String query = exchange.getRequestURI().getRawQuery();
            String path = rawPath.startsWith("/api/") ? rawPath.substring(4) + (query == null ? "" : "?" + query)
                    : null;
            byte[] bytes = exchange.getRequestBody().readAllBytes();
            if (stallNext > 0) {
                stallNext--;
                try {
                    Thread.sleep(stall);
                }
                catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            JsonNode body = bytes.length == 0 ? null : JSON.readTree(bytes);
            Answer answer = answer(exchange, method, path, body);
            calls.add(new Call(method, path == null ? rawPath : path, body, answer.status()));
            if (answer.retryAfter() != null) {
                exchange.getResponseHeaders().add("Retry-After", answer.retryAfter());
            }
            byte[] out = answer.body() == null ? new byte[0] : JSON.writeValueAsBytes(answer.body());
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(answer.status(), out.length == 0 ? -1 : out.length);
            if (out.length > 0) {
                try (OutputStream os = exchange.getResponseBody()) {
                    os.write(out);
                }
            }
        }
        finally {
            exchange.close();
        }
    }

    private record Answer(int status, JsonNode body, String retryAfter) {
        static Answer of(int status, JsonNode body) {
            return new Answer(status, body, null);
        }
    }

    private static Answer error(int status, String message) {
        return Answer.of(status, JSON.createObjectNode().put("code", status).put("message", message));
    }

    private Answer answer(HttpExchange exchange, String method, String path, JsonNode body) {
        if (path == null) {
            return error(404, "HTTP 404 Not Found");
        }
        if (failNext > 0) {
            failNext--;
            Answer a = error(failStatus, "injected failure");
            return new Answer(a.status(), a.body(), retryAfter);
        }
        for (Injected i : injected) {
            if (i.method().equals(method) && i.path().matcher(path).matches()
                    && (body == null || i.body().test(body))) {
                return error(i.status(), i.message());
            }
        }
        if (!path.equals("/v1/system/version")) {
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            if (auth == null) {
                return error(401, "Not Authorized! Token not present");
            }
            if (!auth.equals("Bearer " + token)) {
                return error(401, "Not Authorized! Invalid token");
            }
        }
        if (method.equals("PATCH") && !"application/json-patch+json".equals(
                exchange.getRequestHeaders().getFirst("Content-Type"))) {
            // OpenMetadata's PATCH routes consume only JSON Patch
            return error(415, "HTTP 415 Unsupported Media Type");
        }
        JsonNode checked = body;
        if (body instanceof ObjectNode object && object.has("owners") && !version.startsWith("1.4")) {
            // 1.5 and later take owners as a list; checked against 1.4's schema as the one owner it carries
            JsonNode owners = object.get("owners");
            if (!owners.isArray() || owners.size() != 1) {
                return error(400, "owners: one owner expected, found " + owners);
            }
            ObjectNode copy = object.deepCopy();
            copy.remove("owners");
            copy.set("owner", owners.get(0));
            checked = copy;
        }
        List<String> problems = schemas.problems(method, path, checked);
        if (!problems.isEmpty()) {
            if (problems.get(0).startsWith("no such route")) {
                return error(404, problems.get(0));
            }
            return error(400, String.join("; ", problems));
        }
        return route(method, path, body);
    }

    private Answer route(String method, String path, JsonNode body) {
        String unknown = unknownReference(method, path, body);
        if (unknown != null) {
            return unknown.startsWith("Invalid") ? error(400, unknown) : error(404, unknown);
        }
        if (path.equals("/v1/system/version")) {
            return Answer.of(200, JSON.createObjectNode().put("version", version).put("revision", "test")
                    .put("timestamp", 0));
        }
        Matcher byName = BY_NAME.matcher(path);
        if (method.equals("GET") && byName.matches()) {
            String type = TYPE_OF_ROUTE.get(byName.group(1));
            String fqn = URLDecoder.decode(byName.group(2), StandardCharsets.UTF_8);
            ObjectNode entity = entities.get(type + ":" + fqn);
            if (entity == null || entity.path("deleted").asBoolean()) {
                return error(404, type + " instance for " + fqn + " not found");
            }
            return Answer.of(200, entity);
        }
        if (method.equals("GET") && path.startsWith("/v1/tables?")) {
            return tables(path);
        }
        if (method.equals("PUT")) {
            switch (path) {
                case "/v1/services/databaseServices" -> {
                    return create("databaseService", body.get("name").asText(), body);
                }
                case "/v1/databases" -> {
                    return create("database", body.get("service").asText() + "." + Fqn.quote(body.get("name").asText()),
                            body);
                }
                case "/v1/databaseSchemas" -> {
                    return create("databaseSchema", body.get("database").asText() + "."
                            + Fqn.quote(body.get("name").asText()), body);
                }
                case "/v1/tables" -> {
                    return create("table", body.get("databaseSchema").asText() + "."
                            + Fqn.quote(body.get("name").asText()), body);
                }
                case "/v1/queries" -> {
                    String checksum = md5(body.get("query").asText());
                    ObjectNode named = ((ObjectNode) body.deepCopy()).put("name", checksum);
                    return create("query", body.get("service").asText() + "." + checksum, named);
                }
                case "/v1/lineage" -> {
                    return Answer.of(200, null);
                }
                case "/v1/classifications" -> {
                    return create("classification", body.get("name").asText(), body);
                }
                case "/v1/tags" -> {
                    return create("tag", body.get("classification").asText() + "."
                            + Fqn.quote(body.get("name").asText()), body);
                }
                case "/v1/dataQuality/testDefinitions" -> {
                    return create("testDefinition", body.get("name").asText(), body);
                }
                case "/v1/dataQuality/testSuites/executable" -> {
                    return create("testSuite", body.get("name").asText(), body);
                }
                case "/v1/dataQuality/testCases" -> {
                    return create("testCase", body.get("name").asText(), body);
                }
                default -> {
                }
            }
        }
        if (method.equals("PUT") && path.matches("/v1/dataQuality/testCases/[^/]+/testCaseResult")) {
            return Answer.of(200, body);
        }
        Matcher usage = USAGE.matcher(path);
        if (method.equals("POST") && usage.matches()) {
            ObjectNode table = byId(usage.group(1));
            return table == null ? error(404, "table instance for " + usage.group(1) + " not found")
                    : Answer.of(201, JSON.createObjectNode().set("entity", table));
        }
        Matcher byId = BY_ID.matcher(path);
        if (byId.matches()) {
            ObjectNode table = byId(byId.group(1));
            if (table == null || table.path("deleted").asBoolean()) {
                return error(404, "table instance for " + byId.group(1) + " not found");
            }
            if (method.equals("DELETE")) {
                table.put("deleted", true);
                return Answer.of(200, table);
            }
            if (method.equals("PUT") && "/dataModel".equals(byId.group(2))) {
                table.set("dataModel", body);
            }
            if (method.equals("PATCH") && byId.group(2) == null) {
                if (!body.isArray()) {
                    return error(400, "a JSON Patch is an array of operations");
                }
                ObjectNode patched = table.deepCopy();
                for (JsonNode op : body) {
                    String problem = patch(patched, op);
                    if (problem != null) {
                        return error(400, problem);
                    }
                }
                table.setAll(patched);
            }
            return Answer.of(200, table);
        }
        return error(404, "no such route: " + method + " " + path);
    }

    /**
     * Applies one JSON Patch {@code add} or {@code replace} (the operations pgbridge sends) to a stored table; the
     * problem, when the path names nothing there (a column past the end, a tags list that does not exist).
     */
    private static String patch(ObjectNode table, JsonNode op) {
        String[] steps = op.path("path").asText().substring(1).split("/");
        JsonNode parent = table;
        for (int i = 0; i < steps.length - 1; i++) {
            parent = parent.isArray() ? parent.path(Integer.parseInt(steps[i])) : parent.path(steps[i]);
        }
        String last = steps[steps.length - 1];
        if (parent instanceof ObjectNode object) {
            object.set(last, op.get("value"));
            return null;
        }
        if (parent instanceof ArrayNode array) {
            if (last.equals("-")) {
                array.add(op.get("value"));
                return null;
            }
            int index = Integer.parseInt(last);
            if (index < array.size()) {
                array.set(index, op.get("value"));
                return null;
            }
        }
        return "nothing at " + op.path("path").asText() + " for " + op;
    }

    /**
     * What OpenMetadata checks of the entities a request names: lineage ends and a query's tables by id, a lineage
     * edge's column FQNs and a join's columns as columns of their tables. Null when everything named exists.
     */
    private String unknownReference(String method, String path, JsonNode body) {
        if (body == null || !method.equals("PUT")) {
            return null;
        }
        if (path.equals("/v1/lineage")) {
            JsonNode edge = body.path("edge");
            ObjectNode from = byId(edge.path("fromEntity").path("id").asText());
            ObjectNode to = byId(edge.path("toEntity").path("id").asText());
            if (from == null || to == null) {
                return "table instance for " + edge.path(from == null ? "fromEntity" : "toEntity").path("id").asText()
                        + " not found";
            }
            for (JsonNode cl : edge.path("lineageDetails").path("columnsLineage")) {
                if (!isColumnOf(to, cl.path("toColumn").asText())) {
                    return "Invalid column name " + cl.path("toColumn").asText();
                }
                for (JsonNode f : cl.path("fromColumns")) {
                    if (!isColumnOf(from, f.asText())) {
                        return "Invalid column name " + f.asText();
                    }
                }
            }
        }
        if (path.equals("/v1/queries")) {
            for (JsonNode t : body.path("queryUsedIn")) {
                if (byId(t.path("id").asText()) == null) {
                    return "table instance for " + t.path("id").asText() + " not found";
                }
            }
        }
        Matcher joins = BY_ID.matcher(path);
        if (joins.matches() && "/joins".equals(joins.group(2))) {
            ObjectNode table = byId(joins.group(1));
            if (table == null) {
                return "table instance for " + joins.group(1) + " not found";
            }
            for (JsonNode cj : body.path("columnJoins")) {
                String column = table.path("fullyQualifiedName").asText() + "." + Fqn.quote(cj.path("columnName")
                        .asText());
                if (!isColumnOf(table, column)) {
                    return "Invalid column name " + cj.path("columnName").asText();
                }
                for (JsonNode w : cj.path("joinedWith")) {
                    String joined = w.path("fullyQualifiedName").asText();
                    if (entities.values().stream().noneMatch(e -> e.has("columns") && isColumnOf(e, joined))) {
                        return "Invalid column name " + joined;
                    }
                }
            }
        }
        return null;
    }

    private static boolean isColumnOf(JsonNode table, String columnFqn) {
        String prefix = table.path("fullyQualifiedName").asText() + ".";
        if (!columnFqn.startsWith(prefix)) {
            return false;
        }
        String column = columnFqn.substring(prefix.length());
        for (JsonNode c : table.path("columns")) {
            if (Fqn.quote(c.path("name").asText()).equals(column)) {
                return true;
            }
        }
        return false;
    }

    /** Create or update: 201 with version 0.1 when new, 200 with a new minor version when changed (or restored). */
    private Answer create(String type, String fqn, JsonNode body) {
        ObjectNode existing = entities.get(type + ":" + fqn);
        ObjectNode entity = ((ObjectNode) body.deepCopy());
        if (existing == null) {
            entity.put("version", 0.1);
            store(type, fqn, entity);
            return Answer.of(201, entities.get(type + ":" + fqn));
        }
        ObjectNode before = existing.deepCopy();
        for (String kept : List.of("id", "fullyQualifiedName", "version", "deleted", "updatedBy")) {
            before.remove(kept);
        }
        double v = existing.path("version").asDouble(0.1);
        boolean changed = !before.equals(body) || existing.path("deleted").asBoolean();
        entity.put("version", changed ? Math.round((v + 0.1) * 10) / 10.0 : v);
        store(type, fqn, entity);
        return Answer.of(200, entities.get(type + ":" + fqn));
    }

    private void store(String type, String fqn, ObjectNode entity) {
        entity.put("id", EntityRef.Ids.NAME_BASED.id(EntityRef.of(type, fqn)));
        entity.put("fullyQualifiedName", fqn);
        entity.put("deleted", false);
        if (!entity.has("version")) {
            entity.put("version", 0.1);
        }
        entities.put(type + ":" + fqn, entity);
    }

    private ObjectNode byId(String id) {
        for (Map.Entry<String, ObjectNode> e : entities.entrySet()) {
            if (e.getKey().startsWith("table:") && e.getValue().path("id").asText().equals(id)) {
                return e.getValue();
            }
        }
        return null;
    }

    /** {@code GET /v1/tables?databaseSchema=…&limit=…[&after=…]}: the schema's live tables, a page at a time. */
    private Answer tables(String path) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : path.substring(path.indexOf('?') + 1).split("&")) {
            int eq = pair.indexOf('=');
            params.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        String schema = params.get("databaseSchema");
        List<ObjectNode> tables = new ArrayList<>();
        for (Map.Entry<String, ObjectNode> e : entities.entrySet()) {
            if (e.getKey().startsWith("table:") && !e.getValue().path("deleted").asBoolean()
                    && e.getValue().path("databaseSchema").asText().equals(schema)) {
                tables.add(e.getValue());
            }
        }
        int limit = Math.min(pageSize, Integer.parseInt(params.get("limit")));
        int from = params.containsKey("after") ? Integer.parseInt(params.get("after").substring("cursor".length())) : 0;
        ArrayNode data = JSON.createArrayNode();
        for (int i = from; i < Math.min(tables.size(), from + limit); i++) {
            ObjectNode t = tables.get(i);
            data.add(JSON.createObjectNode().put("id", t.get("id").asText()).put("name", t.get("name").asText())
                    .put("fullyQualifiedName", t.get("fullyQualifiedName").asText()));
        }
        ObjectNode paging = JSON.createObjectNode().put("total", tables.size());
        if (from + limit < tables.size()) {
            paging.put("after", "cursor" + (from + limit));
        }
        ObjectNode page = JSON.createObjectNode();
        page.set("data", data);
        page.set("paging", paging);
        return Answer.of(200, page);
    }

    private static String md5(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
