package dev.pgbridge.metadata.openmetadata;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.FileErrors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * The {@code metadata-rest} sink: the requests go to an OpenMetadata server, in order, as its own ingestion sends them.
 *
 * <ul>
 *   <li>{@code GET /v1/system/version} first: the server is reachable and speaks a known dialect (1.5 and later take
 *       a table's owner as {@code owners: [ref]}, 1.4 as {@code owner: ref}).</li>
 *   <li>Each request has its entities' ids filled in from the answers to the creates of this run (the server answers a
 *       {@code PUT} with the entity: id and fully qualified name), or for an entity not created in this run from
 *       {@code GET /v1/<route>/name/<fqn>}. An owner who is not a user of the server is left out with a warning.</li>
 *   <li>Tags on columns ({@link Requests.ColumnTags}) become a JSON Patch of the table as the server has it: the table
 *       is read with its columns' tags, and only the tags a column lacks are added; a column the server's table lacks
 *       is a warning.</li>
 *   <li>Connection failures, time-outs, 429 and 5xx answers are tried {@value #ATTEMPTS} times with exponential
 *       backoff (a {@code Retry-After} is honoured); a {@code POST} (usage counts) is not sent again after a
 *       time-out or a lost connection, once it may have reached the server. A request the server refuses (400, 404, 409, 5xx after the
 *       retries) is an error of the sink step and the run goes on; a 409 on {@code /v1/queries} (a query with that
 *       checksum exists, OpenMetadata's #18154) is a warning. An unreachable server, a refused token (401) or a
 *       missing permission (403) ends the run ({@link SinkFailure}), as do {@value #STOP_AFTER_FAILURES} requests in
 *       a row failing with 5xx.</li>
 * </ul>
 * The token goes only into the {@code Authorization} header; the log has each call's method and path, never a body.
 */
public final class RestSink implements RequestSink {
    private static final Logger LOG = LoggerFactory.getLogger(RestSink.class);
    private static final ObjectMapper JSON = Requests.JSON;
    static final int ATTEMPTS = 3;
    static final int STOP_AFTER_FAILURES = 3;
    private static final Pattern VERSION = Pattern.compile("^(\\d+)\\.(\\d+)");
    /** Entity type → its route, as OpenMetadata's client names them ({@code routes.py}). */
    private static final Map<String, String> ROUTES = Map.of(
            "databaseService", "/v1/services/databaseServices",
            "database", "/v1/databases",
            "databaseSchema", "/v1/databaseSchemas",
            "table", "/v1/tables",
            "query", "/v1/queries",
            "user", "/v1/users",
            "team", "/v1/teams");
    private static final String SERVER_KEYS = "workflowConfig.openMetadataServerConfig";
    /** The media type of a JSON Patch (RFC 6902), the only one OpenMetadata's {@code PATCH} routes take. */
    private static final String JSON_PATCH = "application/json-patch+json";

    /** How long to wait: connecting, for an answer, between attempts (doubling), and at most for a Retry-After. */
    public record Timing(Duration connectTimeout, Duration requestTimeout, Duration backoff, Duration maxRetryAfter) {
        public static final Timing DEFAULT = new Timing(Duration.ofSeconds(10), Duration.ofSeconds(60),
                Duration.ofSeconds(1), Duration.ofSeconds(60));

        public Timing {
            requireNonNull(connectTimeout, "connectTimeout is null");
            requireNonNull(requestTimeout, "requestTimeout is null");
            requireNonNull(backoff, "backoff is null");
            requireNonNull(maxRetryAfter, "maxRetryAfter is null");
        }
    }

    /** Where the sink reports what it warns about and what failed (the sink step of the run's summary). */
    public record Report(Consumer<String> warning, Consumer<String> error) {
        public Report {
            requireNonNull(warning, "warning is null");
            requireNonNull(error, "error is null");
        }
    }

    private final ServerConfig config;
    private final Report status;
    private final Timing timing;
    private final HttpClient client;
    private final Map<String, String> ids = new HashMap<>();
    /** The services asked about after an entity of theirs was missing. */
    private final Set<String> servicesChecked = new HashSet<>();
    private String version = "unknown";
    private boolean ownersList;
    private int failuresInARow;

    private RestSink(ServerConfig config, Report status, Timing timing) {
        this.config = requireNonNull(config, "config is null");
        this.status = requireNonNull(status, "status is null");
        this.timing = requireNonNull(timing, "timing is null");
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timing.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .sslContext(sslContext(config))
                .build();
    }

    /** A sink on the server of {@code config}, its version read: throws {@link SinkFailure} when it cannot be used. */
    public static RestSink connect(ServerConfig config, Report status) {
        return connect(config, status, Timing.DEFAULT);
    }

    public static RestSink connect(ServerConfig config, Report status, Timing timing) {
        RestSink sink = new RestSink(config, status, timing);
        try {
            sink.readVersion();
        }
        catch (RuntimeException e) {
            sink.close();
            throw e;
        }
        return sink;
    }

    /** The server's version as it answered ({@code 1.4.0}), {@code unknown} when it did not say. */
    public String serverVersion() {
        return version;
    }

    private void readVersion() {
        HttpResponse<String> r;
        try {
            r = exchange("GET", "/v1/system/version", null);
        }
        catch (Refused e) {
            if (e.status == 404) {
                throw new SinkFailure(ErrorCode.INVALID_CONFIG, "no OpenMetadata API at " + config.shownHostPort()
                        + ": GET /v1/system/version answered 404",
                        "hostPort must be the API's base and end in /api, e.g. http://localhost:8585/api ("
                                + SERVER_KEYS + ".hostPort)");
            }
            throw new SinkFailure(ErrorCode.SINK_FAILED, "OpenMetadata at " + config.shownHostPort()
                    + " did not tell its version: " + e.getMessage(), e.hint);
        }
        String text = parse(r.body()).path("version").asText("");
        Matcher m = VERSION.matcher(text);
        if (m.find()) {
            version = text;
            int major = Integer.parseInt(m.group(1));
            int minor = Integer.parseInt(m.group(2));
            ownersList = major > 1 || major == 1 && minor >= 5;
        }
        else {
            status.warning().accept("OpenMetadata at " + config.shownHostPort()
                    + " answered no version; speaking 1.4's requests");
        }
        LOG.info("OpenMetadata {} at {}: {}", version, config.shownHostPort(),
                ownersList ? "owners as a list (1.5 and later)" : "1.4's requests");
    }

    // ---- requests

    @Override
    public void send(Requests.Request request) {
        requireNonNull(request, "request is null");
        if (request.body() instanceof Requests.LocalOnly) {
            return; // pgbridge's own extras: OpenMetadata has no route for them
        }
        Requests.Request toSend = request;
        String what = describe(request);
        if (request.body() instanceof Requests.TablePatch patch) {
            patchTable(request.pathEntity(), patch, what);
            return;
        }
        if (request.body() instanceof Requests.CreateTable table && table.owner() != null
                && table.owner().id() == null) {
            try {
                id(table.owner());
            }
            catch (Missing e) {
                status.warning().accept(what + ": owner " + table.owner().fullyQualifiedName()
                        + " is not a user in OpenMetadata; sent without an owner");
                toSend = new Requests.Request(request.method(), request.path(), new Requests.CreateTable(table.name(),
                        table.description(), table.tableType(), table.columns(), table.tableConstraints(),
                        table.databaseSchema(), table.schemaDefinition()), request.pathEntity());
            }
            catch (Refused e) {
                status.error().accept(what + ": " + e.oneLine());
                return;
            }
        }
        if (request.body() instanceof Requests.ColumnTags tags && request.pathEntity() != null) {
            columnTags(what, request.pathEntity(), tags);
            return;
        }
        Requests.Request resolved;
        try {
            resolved = toSend.resolve(this::id);
        }
        catch (Missing e) {
            requireService(e.ref);
            status.error().accept(what + ": " + e.ref.type() + " " + e.ref.fullyQualifiedName()
                    + " is not in OpenMetadata"
                    + " (hint: ingest it first: run the DatabaseMetadata workflow of its service)");
            return;
        }
        catch (Refused e) {
            status.error().accept(what + ": " + e.oneLine());
            return;
        }
        HttpResponse<String> r;
        try {
            r = exchange(resolved.method(), resolved.path(), body(resolved.body()));
        }
        catch (Refused e) {
            if (e.status == 409 && resolved.path().equals("/v1/queries")) {
                status.warning().accept(what
                        + ": the query is already in OpenMetadata (409, a query with the same checksum)");
                return;
            }
            status.error().accept(what + ": " + e.oneLine());
            return;
        }
        remember(resolved, r.body());
    }

    /**
     * Tags on columns as OpenMetadata takes them: the table read with its columns' tags
     * ({@code GET /v1/tables/name/{fqn}?fields=columns,tags}), then one JSON Patch ({@code PATCH /v1/tables/{id}},
     * {@code application/json-patch+json}) adding each tag the column lacks at {@code /columns/{i}/tags/-}. A column
     * the table does not have in OpenMetadata is a warning; nothing is sent when every tag is there already.
     */
    private void columnTags(String what, EntityRef table, Requests.ColumnTags tags) {
        JsonNode entity;
        try {
            entity = parse(exchange("GET", ROUTES.get("table") + "/name/" + encode(table.fullyQualifiedName())
                    + "?fields=columns,tags", null).body());
        }
        catch (Refused e) {
            if (e.status == 404) {
                requireService(table);
                status.error().accept(what + ": table " + table.fullyQualifiedName() + " is not in OpenMetadata"
                        + " (hint: ingest it first: run the DatabaseMetadata workflow of its service)");
            }
            else {
                status.error().accept(what + ": " + e.oneLine());
            }
            return;
        }
        if (!entity.hasNonNull("id")) {
            status.error().accept(what + ": OpenMetadata answered the table " + table.fullyQualifiedName()
                    + " without an id");
            return;
        }
        String id = entity.get("id").asText();
        ids.put("table:" + table.fullyQualifiedName(), id);
        Map<String, Integer> index = new HashMap<>();
        JsonNode columns = entity.path("columns");
        for (int i = 0; i < columns.size(); i++) {
            index.putIfAbsent(columns.get(i).path("name").asText(), i);
        }
        Map<Integer, Set<String>> present = new HashMap<>();
        com.fasterxml.jackson.databind.node.ArrayNode patch = JSON.createArrayNode();
        for (Requests.ColumnTag tag : tags.columns()) {
            Integer i = index.get(tag.column());
            if (i == null) {
                status.warning().accept(what + ": column " + tag.column() + " is not a column of "
                        + table.fullyQualifiedName() + " in OpenMetadata; tag " + tag.tag().tagFQN() + " left out");
                continue;
            }
            JsonNode had = columns.get(i).get("tags");
            Set<String> onColumn = present.computeIfAbsent(i, k -> {
                Set<String> fqns = new HashSet<>();
                if (had != null) {
                    had.forEach(t -> fqns.add(t.path("tagFQN").asText()));
                }
                return fqns;
            });
            if (!onColumn.add(tag.tag().tagFQN())) {
                continue;
            }
            ObjectNode op = patch.addObject().put("op", "add");
            if (had == null || !had.isArray()) {
                // the column has no tags list yet: add the list with this tag (a JSON Patch cannot append to nothing)
                op.put("path", "/columns/" + i + "/tags");
                op.putArray("value").add(JSON.valueToTree(tag.tag()));
                ((ObjectNode) columns.get(i)).putArray("tags");
            }
            else {
                op.put("path", "/columns/" + i + "/tags/-");
                op.set("value", JSON.valueToTree(tag.tag()));
            }
        }
        if (patch.isEmpty()) {
            LOG.debug("{}: every tag is on its column already", what);
            return;
        }
        try {
            exchange("PATCH", ROUTES.get("table") + "/" + id, JSON.writeValueAsString(patch), JSON_PATCH);
        }
        catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a JSON Patch", e);
        }
        catch (Refused e) {
            status.error().accept(what + ": " + e.oneLine());
        }
    }

    /** The body as the server's dialect has it: 1.5 and later take {@code owners: [ref]} instead of {@code owner}. */
    private String body(Object body) {
        if (body == null) {
            return null;
        }
        JsonNode node = JSON.valueToTree(body);
        if (ownersList && node instanceof ObjectNode object && object.has("owner")) {
            JsonNode owner = object.remove("owner");
            object.putArray("owners").add(owner);
        }
        try {
            return JSON.writeValueAsString(node);
        }
        catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a request as JSON", e);
        }
    }

    /** Keeps the id of an entity the server answered a create with. */
    private void remember(Requests.Request resolved, String answer) {
        if (!resolved.method().equals("PUT")) {
            return;
        }
        String type = null;
        for (Map.Entry<String, String> route : ROUTES.entrySet()) {
            if (route.getValue().equals(resolved.path())) {
                type = route.getKey();
            }
        }
        if (type == null) {
            return;
        }
        JsonNode entity = parse(answer);
        if (entity.hasNonNull("id") && entity.hasNonNull("fullyQualifiedName")) {
            ids.put(type + ":" + entity.get("fullyQualifiedName").asText(), entity.get("id").asText());
        }
    }

    /**
     * After {@code missing} was not found: ends the run ({@link SinkFailure}) when its whole database service is not
     * in OpenMetadata (a usage or lineage run before any metadata run), rather than one error per request.
     */
    private void requireService(EntityRef missing) {
        String service = Fqn.split(missing.fullyQualifiedName()).getFirst();
        if (missing.type().equals("user") || missing.type().equals("team") || !servicesChecked.add(service)) {
            return;
        }
        try {
            id(EntityRef.of("databaseService", service));
        }
        catch (Missing e) {
            throw new SinkFailure(ErrorCode.NOT_FOUND, "database service " + service + " is not in OpenMetadata at "
                    + config.hostPort(), "run the DatabaseMetadata workflow of service " + service
                    + " into it first: usage and lineage name the tables it creates");
        }
    }

    /** The id of {@code ref}: from this run's answers, else asked by name; {@link Missing} when the server has none. */
    private String id(EntityRef ref) {
        String key = ref.type() + ":" + ref.fullyQualifiedName();
        String known = ids.get(key);
        if (known != null) {
            return known;
        }
        String route = ROUTES.getOrDefault(ref.type(), "/v1/" + ref.type() + "s");
        HttpResponse<String> r;
        try {
            r = exchange("GET", route + "/name/" + encode(ref.fullyQualifiedName()), null);
        }
        catch (Refused e) {
            if (e.status == 404) {
                throw new Missing(ref);
            }
            throw e;
        }
        JsonNode entity = parse(r.body());
        if (!entity.hasNonNull("id")) {
            throw new Missing(ref);
        }
        ids.put(key, entity.get("id").asText());
        return entity.get("id").asText();
    }

    @Override
    public Optional<Boolean> hasTable(String tableFqn) {
        try {
            id(EntityRef.table(tableFqn));
            return Optional.of(true);
        }
        catch (Missing e) {
            return Optional.of(false);
        }
        catch (Refused e) {
            status.error().accept(tableFqn + ": " + e.oneLine());
            return Optional.empty();
        }
    }

    // ---- dbt's descriptions and owner: a JSON Patch of the table as the server has it

    /**
     * {@code PATCH /v1/tables/{id}} as OpenMetadata's {@code patch_description}, {@code patch_column_descriptions} and
     * owner patch make it: the table is read by name, and the patch replaces a description only where it has none
     * unless {@link Requests.TablePatch#overwrite}; a column the table lacks and an owner who is not a user of the
     * server are warnings.
     */
    private void patchTable(EntityRef table, Requests.TablePatch patch, String what) {
        JsonNode entity;
        try {
            entity = parse(exchange("GET", ROUTES.get("table") + "/name/" + encode(table.fullyQualifiedName()),
                    null).body());
        }
        catch (Refused e) {
            status.error().accept(what + ": " + (e.status == 404 ? "table " + table.fullyQualifiedName()
                    + " is not in OpenMetadata (hint: run the DatabaseMetadata workflow of its service first)"
                    : e.oneLine()));
            return;
        }
        ArrayNode ops = JSON.createArrayNode();
        if (patch.description() != null && (patch.overwrite() || blank(entity.path("description")))) {
            ops.add(op(entity.has("description") ? "replace" : "add", "/description",
                    JSON.getNodeFactory().textNode(patch.description())));
        }
        for (Requests.ColumnDescription cd : patch.columns()) {
            int index = -1;
            JsonNode columns = entity.path("columns");
            for (int i = 0; i < columns.size(); i++) {
                if (columns.get(i).path("name").asText().equals(cd.column())) {
                    index = i;
                }
            }
            if (index < 0) {
                status.warning().accept(what + ": no column " + cd.column() + " in OpenMetadata; its description "
                        + "left out");
                continue;
            }
            JsonNode current = columns.get(index).path("description");
            if (patch.overwrite() || blank(current)) {
                ops.add(op(current.isMissingNode() ? "add" : "replace", "/columns/" + index + "/description",
                        JSON.getNodeFactory().textNode(cd.description())));
            }
        }
        if (patch.owner() != null) {
            try {
                String ownerId = id(patch.owner());
                ObjectNode ref = JSON.createObjectNode().put("id", ownerId).put("type", patch.owner().type());
                ops.add(ownersList ? op("add", "/owners", JSON.createArrayNode().add(ref)) : op("add", "/owner", ref));
            }
            catch (Missing e) {
                status.warning().accept(what + ": owner " + patch.owner().fullyQualifiedName()
                        + " is not a user in OpenMetadata; left out");
            }
            catch (Refused e) {
                status.error().accept(what + ": " + e.oneLine());
                return;
            }
        }
        if (ops.isEmpty()) {
            return;
        }
        try {
            exchange("PATCH", ROUTES.get("table") + "/" + entity.path("id").asText(), JSON.writeValueAsString(ops),
                    JSON_PATCH);
        }
        catch (Refused e) {
            status.error().accept(what + ": " + e.oneLine());
        }
        catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a JSON Patch", e);
        }
    }

    private static ObjectNode op(String op, String path, JsonNode value) {
        ObjectNode node = JSON.createObjectNode().put("op", op).put("path", path);
        node.set("value", value);
        return node;
    }

    private static boolean blank(JsonNode text) {
        return text.isMissingNode() || text.isNull() || text.asText().isBlank();
    }

    // ---- markDeletedTables

    @Override
    public StaleTables markDeleted(String schemaFqn, Set<String> liveTableFqns, boolean allowEmptying) {
        Map<String, String> onServer = new LinkedHashMap<>();
        String after = null;
        do {
            String path = "/v1/tables?databaseSchema=" + encode(schemaFqn) + "&limit=100"
                    + (after == null ? "" : "&after=" + encode(after));
            JsonNode page;
            try {
                page = parse(exchange("GET", path, null).body());
            }
            catch (Refused e) {
                status.error().accept(schemaFqn + ": cannot list its tables in OpenMetadata to mark deleted ones: "
                        + e.oneLine());
                return new StaleTables(Set.of(), "its tables could not be listed in OpenMetadata");
            }
            for (JsonNode table : page.path("data")) {
                String fqn = table.path("fullyQualifiedName").asText();
                String id = table.path("id").asText();
                onServer.put(fqn, id);
                ids.put("table:" + fqn, id);
            }
            after = page.path("paging").path("after").textValue();
        } while (after != null && !after.isEmpty());
        Set<String> stale = new LinkedHashSet<>(onServer.keySet());
        stale.removeAll(liveTableFqns);
        if (stale.isEmpty()) {
            return StaleTables.NONE;
        }
        if (stale.size() == onServer.size() && !allowEmptying) {
            return new StaleTables(Set.of(), "would delete every table of " + schemaFqn + " (" + stale.size()
                    + ") while the schema has none now; nothing deleted (set allowEmptyingSchema: true if it really "
                    + "is empty)");
        }
        Set<String> deleted = new LinkedHashSet<>();
        for (String fqn : stale) {
            Requests.Request delete = Requests.Request.deleteTable(fqn).resolve(this::id);
            try {
                exchange(delete.method(), delete.path(), null);
                deleted.add(fqn);
            }
            catch (Refused e) {
                if (e.status == 404) {
                    continue; // deleted meanwhile
                }
                status.error().accept("DELETE " + fqn + ": " + e.oneLine());
            }
        }
        return new StaleTables(deleted, null);
    }

    // ---- HTTP

    /**
     * One call with its retries. Returns a 2xx answer; throws {@link Refused} for an answer that refuses this request,
     * {@link SinkFailure} when the run cannot go on.
     */
    private HttpResponse<String> exchange(String method, String path, String body) {
        return exchange(method, path, body, "application/json");
    }

    private HttpResponse<String> exchange(String method, String path, String body, String contentType) {
        String call = method + " " + path;
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(config.base() + path))
                .timeout(timing.requestTimeout())
                .header("Accept", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (body != null) {
            builder.header("Content-Type", contentType);
        }
        if (config.jwtToken() != null) {
            builder.header("Authorization", "Bearer " + config.jwtToken().reveal());
        }
        HttpRequest request = builder.build();
        IOException lastFailure = null;
        HttpResponse<String> last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            LOG.debug("{} {}{}", method, path, attempt > 1 ? " (attempt " + attempt + ")" : "");
            Duration wait = backoff(attempt);
            try {
                last = client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                lastFailure = null;
                int code = last.statusCode();
                if (code < 500 && code != 429) {
                    break;
                }
                wait = retryAfter(last).orElse(wait);
            }
            catch (IOException e) {
                SSLHandshakeException tls = handshakeFailure(e);
                if (tls != null) {
                    throw new SinkFailure(ErrorCode.TLS_VERIFY_FAILED, "TLS handshake with OpenMetadata at "
                            + config.shownHostPort() + " failed: " + tls.getMessage(), "trust the server's CA with "
                            + "verifySSL: validate and sslConfig.caCertificate (a PEM file), or verifySSL: ignore to "
                            + "trust any certificate (" + SERVER_KEYS + ")", e);
                }
                lastFailure = e;
                last = null;
                if (!idempotent(method) && mayHaveBeenSent(e)) {
                    failuresInARow++;
                    throw new Refused(0, call + " got no answer (" + (e instanceof HttpTimeoutException
                            ? "none within " + timing.requestTimeout().toSeconds() + " s" : "the connection was lost")
                            + "); not sent again: the server may have applied it, and a " + method
                            + " applied twice counts twice", "check the server's health; run the workflow again "
                            + "only for what is missing in OpenMetadata");
                }
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SinkFailure(ErrorCode.CANCELED, call + " to OpenMetadata was interrupted", null, e);
            }
            if (attempt < ATTEMPTS) {
                sleep(wait);
            }
        }
        if (lastFailure != null) {
            throw unreachable(call, lastFailure);
        }
        return answer(call, requireNonNull(last, "no answer"));
    }

    /** GET, PUT and DELETE may be sent again; a POST (usage counts) applied twice would count twice. */
    private static boolean idempotent(String method) {
        return !method.equals("POST") && !method.equals("PATCH");
    }

    /** Whether the request may have reached the server before {@code e}: anything but a failure to connect. */
    private static boolean mayHaveBeenSent(IOException e) {
        if (e instanceof HttpConnectTimeoutException || e instanceof ConnectException) {
            return false;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnresolvedAddressException || t instanceof ConnectException) {
                return false;
            }
        }
        return true;
    }

    private HttpResponse<String> answer(String call, HttpResponse<String> r) {
        int code = r.statusCode();
        if (code >= 200 && code < 300) {
            failuresInARow = 0;
            return r;
        }
        if (code >= 300 && code < 400) {
            throw redirected(call, r);
        }
        String said = serverMessage(r.body());
        switch (code) {
            case 401 -> throw new SinkFailure(ErrorCode.AUTHENTICATION_FAILED, "OpenMetadata at " + config.shownHostPort()
                    + " refused " + call + " with 401" + said + ": " + (config.jwtToken() == null
                    ? "it needs a token" : "the token is invalid or expired"),
                    "set " + SERVER_KEYS + ".securityConfig.jwtToken to a bot's token (OpenMetadata: Settings → "
                            + "Bots → ingestion-bot), with authProvider: openmetadata");
            case 403 -> throw new SinkFailure(ErrorCode.PRIVILEGE_MISSING, "OpenMetadata at " + config.shownHostPort()
                    + " refused " + call + " with 403" + said + ": the bot lacks a role or permission",
                    "give the bot a role that may create and edit database services, databases, schemas and tables "
                            + "(OpenMetadata's IngestionBotRole)");
            default -> {
            }
        }
        if (code >= 500 || code == 429) {
            failuresInARow++;
            if (failuresInARow >= STOP_AFTER_FAILURES) {
                throw new SinkFailure(ErrorCode.SINK_FAILED, "OpenMetadata at " + config.shownHostPort() + " failed "
                        + failuresInARow + " requests in a row, the last " + call + " with " + code + said
                        + " after " + ATTEMPTS + " attempts", "check the OpenMetadata server's health and log; "
                        + "run the workflow again when it answers");
            }
            throw new Refused(code, call + " failed with " + code + said + " after " + ATTEMPTS + " attempts",
                    "check the OpenMetadata server's log; the run went on with the next request");
        }
        failuresInARow = 0;
        throw switch (code) {
            case 404 -> new Refused(code, call + " answered 404" + said,
                    "the entity is not in OpenMetadata (deleted there, or never ingested)");
            case 409 -> new Refused(code, call + " conflicts with an entity OpenMetadata has (409" + said + ")",
                    "another entity already has this name; rename or delete it in OpenMetadata");
            case 400 -> new Refused(code, "OpenMetadata refused " + call + " (400" + said + ")",
                    "run the workflow with sink type file to see the request, and report it with the server's "
                            + "version (" + version + ")");
            default -> new Refused(code, call + " answered " + code + said, "check the OpenMetadata server's log");
        };
    }

    /**
     * A redirect is not followed: the JDK's client would send the {@code Authorization} header to whatever host the
     * answer names. The hostPort to set is the target without the path of this call.
     */
    private SinkFailure redirected(String call, HttpResponse<String> r) {
        String target = r.headers().firstValue("Location").map(String::trim).orElse("");
        String to;
        try {
            URI location = r.uri().resolve(target);
            String suffix = r.uri().getRawPath().substring(URI.create(config.base()).getRawPath().length());
            String shown = ServerConfig.withoutUserInfo(location);
            String path = location.getRawPath() == null ? "" : location.getRawPath();
            to = !suffix.isEmpty() && location.getRawQuery() == null && path.endsWith(suffix)
                    ? shown.substring(0, shown.length() - suffix.length()) : shown;
        }
        catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            to = "an unusable location";
        }
        return new SinkFailure(ErrorCode.INVALID_CONFIG, "hostPort redirects to " + to + " (" + call + " answered "
                + r.statusCode() + "; redirects are not followed, so that the token goes to no other host)",
                "set hostPort to " + to + " (" + SERVER_KEYS + ".hostPort)");
    }

    private SinkFailure unreachable(String call, IOException e) {
        String tried = " (" + ATTEMPTS + " attempts)";
        if (e instanceof HttpConnectTimeoutException) {
            return new SinkFailure(ErrorCode.TIMEOUT, "cannot connect to OpenMetadata at " + config.shownHostPort()
                    + ": no answer within " + timing.connectTimeout().toSeconds() + " s" + tried,
                    "is OpenMetadata running at hostPort, and is it reachable from here? (" + SERVER_KEYS
                            + ".hostPort)", e);
        }
        if (e instanceof HttpTimeoutException) {
            return new SinkFailure(ErrorCode.TIMEOUT, "OpenMetadata at " + config.shownHostPort() + " did not answer "
                    + call + " within " + timing.requestTimeout().toSeconds() + " s" + tried,
                    "check the server's health and load, then run the workflow again", e);
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnresolvedAddressException) {
                return new SinkFailure(ErrorCode.UNKNOWN_HOST, "cannot connect to OpenMetadata at "
                        + config.shownHostPort() + ": unknown host " + config.hostPort().getHost(),
                        "check the host name in " + SERVER_KEYS + ".hostPort", e);
            }
        }
        if (e instanceof ConnectException) {
            return new SinkFailure(ErrorCode.CONNECTION_REFUSED, "cannot connect to OpenMetadata at "
                    + config.shownHostPort() + ": connection refused" + tried,
                    "is OpenMetadata running at hostPort? (" + SERVER_KEYS + ".hostPort, e.g. "
                            + "http://localhost:8585/api)", e);
        }
        return new SinkFailure(ErrorCode.CONNECTION_FAILED, "the connection to OpenMetadata at " + config.shownHostPort()
                + " failed during " + call + ": " + (e.getMessage() == null ? e.getClass().getSimpleName()
                : e.getMessage()) + tried, "check the server and the network, then run the workflow again", e);
    }

    /** The handshake failure in {@code e}'s causes (the HTTP client may wrap it), or null. */
    private static SSLHandshakeException handshakeFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SSLHandshakeException h) {
                return h;
            }
        }
        return null;
    }

    private Duration backoff(int attempt) {
        return timing.backoff().multipliedBy(1L << (attempt - 1));
    }

    /** {@code Retry-After} in seconds or as an HTTP date, at most {@code maxRetryAfter}. */
    private java.util.Optional<Duration> retryAfter(HttpResponse<String> r) {
        java.util.Optional<String> header = r.headers().firstValue("Retry-After");
        if (header.isEmpty()) {
            return java.util.Optional.empty();
        }
        Duration wait;
        try {
            wait = Duration.ofSeconds(Long.parseLong(header.get().trim()));
        }
        catch (NumberFormatException e) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(header.get().trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
                wait = Duration.between(ZonedDateTime.now(at.getZone()), at);
            }
            catch (DateTimeParseException notADate) {
                return java.util.Optional.empty();
            }
        }
        if (wait.isNegative()) {
            wait = Duration.ZERO;
        }
        return java.util.Optional.of(wait.compareTo(timing.maxRetryAfter()) > 0 ? timing.maxRetryAfter() : wait);
    }

    private static void sleep(Duration wait) {
        try {
            Thread.sleep(wait);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SinkFailure(ErrorCode.CANCELED, "interrupted while waiting to retry a call to OpenMetadata",
                    null, e);
        }
    }

    /** {@code : <the server's message>} from OpenMetadata's error body {@code {"code": 400, "message": "…"}}. */
    private static String serverMessage(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        JsonNode node = parse(body);
        String message = node.path("message").asText("");
        if (message.isEmpty()) {
            return "";
        }
        return ": " + (message.length() > 500 ? message.substring(0, 500) + "…" : message);
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(body);
        }
        catch (JsonProcessingException e) {
            return JSON.createObjectNode();
        }
    }

    /** A name in a path or query: percent-encoded, a space as {@code %20} (as Python's {@code quote}). */
    static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** What a request is about, for messages: its call and the entity it creates or names. */
    private static String describe(Requests.Request request) {
        String entity = switch (request.body()) {
            case Requests.CreateDatabaseService s -> s.name();
            case Requests.CreateDatabase d -> Fqn.child(d.service(), d.name());
            case Requests.CreateDatabaseSchema s -> Fqn.child(s.database(), s.name());
            case Requests.CreateTable t -> Fqn.child(t.databaseSchema(), t.name());
            case Requests.AddLineage l -> l.fromEntity().fullyQualifiedName() + " -> "
                    + l.toEntity().fullyQualifiedName();
            case null, default -> request.pathEntity() == null ? null : request.pathEntity().fullyQualifiedName();
        };
        return request.method() + " " + request.path() + (entity == null ? "" : " (" + entity + ")");
    }

    // ---- TLS

    private static SSLContext sslContext(ServerConfig config) {
        try {
            return switch (config.verifySSL()) {
                case "ignore" -> {
                    SSLContext context = SSLContext.getInstance("TLS");
                    context.init(null, new TrustManager[]{new TrustingAnything()}, null);
                    yield context;
                }
                case "validate" -> config.caCertificate() == null ? SSLContext.getDefault()
                        : trusting(config);
                default -> SSLContext.getDefault();
            };
        }
        catch (GeneralSecurityException e) {
            throw new SinkFailure(ErrorCode.TLS_VERIFY_FAILED, "cannot set up TLS for OpenMetadata: "
                    + e.getMessage(), "check " + SERVER_KEYS + ".sslConfig.caCertificate", e);
        }
    }

    /** A context trusting the certificates of the PEM file {@code sslConfig.caCertificate}. */
    private static SSLContext trusting(ServerConfig config) throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        try {
            store.load(null, null);
            try (InputStream in = Files.newInputStream(config.caCertificate())) {
                int i = 0;
                for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    store.setCertificateEntry("ca" + i++, c);
                }
                if (i == 0) {
                    throw new SinkFailure(ErrorCode.INVALID_CONFIG, SERVER_KEYS + ".sslConfig.caCertificate "
                            + config.caCertificate() + " holds no certificate", "give a PEM file of the CA "
                            + "certificate that signed OpenMetadata's");
                }
            }
        }
        catch (IOException e) {
            throw new SinkFailure(ErrorCode.IO, "cannot read " + SERVER_KEYS + ".sslConfig.caCertificate "
                    + config.caCertificate() + ": " + FileErrors.reason(e), "give the path of a PEM file", e);
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    /** {@code verifySSL: ignore}: any certificate, any host name (the JDK checks the name in its trust manager). */
    private static final class TrustingAnything extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    @Override
    public void close() {
        client.close();
    }

    // ---- failures of one request

    /** The server refused one request; the run goes on. */
    private static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int status;
        private final String hint;

        Refused(int status, String message, String hint) {
            super(message);
            this.status = status;
            this.hint = hint;
        }

        String oneLine() {
            return getMessage() + (hint == null ? "" : " (hint: " + hint + ")");
        }
    }

    /** An entity a request names is not on the server. */
    private static final class Missing extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient EntityRef ref;

        Missing(EntityRef ref) {
            super(ref.type() + " " + ref.fullyQualifiedName() + " not found", null, false, false);
            this.ref = ref;
        }
    }
}
