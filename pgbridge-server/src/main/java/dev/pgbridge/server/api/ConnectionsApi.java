package dev.pgbridge.server.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.pgbridge.connection.AirflowJson;
import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.connection.ConnectionExport;
import dev.pgbridge.connection.ConnectionFields;
import dev.pgbridge.connection.ConnectionImport;
import dev.pgbridge.doctor.TestReport;
import dev.pgbridge.doctor.TestStep;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.server.auth.Principal;
import dev.pgbridge.server.auth.Role;
import dev.pgbridge.server.connections.ConnectionField;
import dev.pgbridge.server.connections.ConnectionService;
import dev.pgbridge.server.services.ServerServices;
import dev.pgbridge.store.StoredConnection;
import io.javalin.http.Context;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

import static java.util.Objects.requireNonNull;

/**
 * Connections in the shape of Airflow's stable REST API ({@code /connections}): {@code connection_id, conn_type,
 * description, host, login, schema, port, extra}, and {@code password}, which is write-only (accepted, never
 * returned). Lists page with {@code limit}/{@code offset}/{@code order_by} and answer
 * {@code {connections, total_entries}}; PATCH changes the fields its {@code update_mask} names; the test answers
 * Airflow's {@code {status, message}} plus the step-by-step report. Everything goes through
 * {@link ConnectionService}, inside the token's tenant.
 */
public final class ConnectionsApi implements ApiModule {
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 10_000;
    private static final String TAG = "connections";

    /** How many bytes of rendered listings are kept (all tenants together) before the lot is dropped. */
    private static final long RENDERED_BYTES = 16L * 1024 * 1024;

    private final ConnectionService connections;
    private final ConcurrentMap<ListingQuery, Rendered> renderedListings = new ConcurrentHashMap<>();
    private final AtomicLong renderedBytes = new AtomicLong();

    public ConnectionsApi(ServerServices services) {
        this.connections = requireNonNull(services, "services is null").connectionService();
    }

    @Override
    public void register(Api api) {
        JsonNode connection = api.schema("Connection", """
                {"type": "object", "required": ["connection_id", "conn_type"],
                 "description": "A connection as Airflow's REST API shows it. The password is write-only: never returned.",
                 "properties": {
                   "connection_id": {"type": "string", "pattern": "^[A-Za-z0-9_]{1,64}$"},
                   "conn_type": {"type": "string", "enum": ["postgres", "postgresql"]},
                   "description": {"type": ["string", "null"]},
                   "host": {"type": ["string", "null"], "description": "a host, or several joined by commas"},
                   "login": {"type": ["string", "null"]},
                   "schema": {"type": ["string", "null"], "description": "the database (Airflow calls it schema)"},
                   "port": {"type": ["integer", "null"], "minimum": 1, "maximum": 65535},
                   "extra": {"type": ["string", "null"], "description": "a JSON object as text (sslmode, connect_timeout, …); sensitive keys (sslpassword) are never returned"}}}""");
        JsonNode body = api.schema("ConnectionBody", """
                {"type": "object",
                 "description": "A connection to save or test. extra may be a JSON object or its text; schema and database are the same field.",
                 "properties": {
                   "connection_id": {"type": "string", "pattern": "^[A-Za-z0-9_]{1,64}$"},
                   "conn_type": {"type": "string", "enum": ["postgres", "postgresql"]},
                   "description": {"type": ["string", "null"]},
                   "host": {"type": ["string", "null"]},
                   "login": {"type": ["string", "null"]},
                   "schema": {"type": ["string", "null"]},
                   "database": {"type": ["string", "null"]},
                   "port": {"type": ["integer", "string", "null"]},
                   "password": {"type": ["string", "null"], "writeOnly": true},
                   "extra": {"type": ["string", "object", "null"]}}}""");
        JsonNode collection = api.schema("ConnectionCollection", """
                {"type": "object", "required": ["connections", "total_entries"], "properties": {
                   "connections": {"type": "array", "items": {"$ref": "#/components/schemas/Connection"}},
                   "total_entries": {"type": "integer", "description": "connections that matched, before limit and offset"}}}""");
        JsonNode testResult = api.schema("ConnectionTestResult", """
                {"type": "object", "required": ["status", "message", "steps"], "properties": {
                   "status": {"type": "boolean", "description": "true when every step passed (Airflow's field)"},
                   "message": {"type": "string"},
                   "tls": {"type": ["string", "null"], "description": "the session's TLS, when the test passed"},
                   "steps": {"type": "array", "items": {"type": "object", "required": ["name", "status", "detail"],
                     "properties": {"name": {"type": "string"}, "status": {"type": "string", "enum": ["ok", "fail", "skipped"]},
                       "detail": {"type": "string"}, "hint": {"type": ["string", "null"]},
                       "error": {"type": ["string", "null"]}, "duration_ms": {"type": "integer"}}}}}}""");
        JsonNode importResult = api.schema("ConnectionImportResult", """
                {"type": "object", "required": ["added", "replaced", "skipped"], "properties": {
                   "added": {"type": "array", "items": {"type": "string"}},
                   "replaced": {"type": "array", "items": {"type": "string"}},
                   "skipped": {"type": "array", "items": {"type": "string"}, "description": "they existed (no overwrite=true)"}}}""");

        api.get("/connections", "List the tenant's connections", Role.VIEWER, this::list).tag(TAG)
                .query("limit", "integer", "at most this many (default " + DEFAULT_LIMIT + ", at most " + MAX_LIMIT + ")")
                .query("offset", "integer", "skip this many (default 0)")
                .query("order_by", "string", "one of " + String.join(", ", ConnectionService.ORDER_KEYS)
                        + "; - in front for descending (default connection_id)")
                .query("search", "string", "only connections whose id, host, schema, login, description or type "
                        + "contains this (case-insensitive)")
                .response(200, collection).response(400, Api.ref("Error"));
        api.post("/connections", "Save a new connection", Role.EDITOR, this::create).tag(TAG).body(body)
                .response(201, connection).response(400, Api.ref("Error")).response(409, Api.ref("Error"));
        api.post("/connections/test", "Test a connection without saving it", Role.EDITOR, this::testUnsaved).tag(TAG)
                .description("Runs the step-by-step test (dns, tcp, tls, authentication, database, server_version) on the "
                        + "connection in the body. Without a password, the saved password of the tenant's connection "
                        + "with the body's connection_id is used, so an edit can be tested without retyping it.")
                .body(body).response(200, testResult).response(400, Api.ref("Error"));
        api.post("/connections/import", "Import an Airflow connections export file", Role.EDITOR, this::importFile)
                .tag(TAG)
                .description("The body is what `airflow connections export` writes: a JSON object {conn_id: connection} "
                        + "(or an array of connections), YAML or .env lines (format=yaml|env). Every problem is "
                        + "reported at once and nothing is saved when there is one.")
                .query("format", "string", "json (default), yaml or env")
                .query("overwrite", "boolean", "replace connections that exist (default false: skip them)")
                .body(Api.JSON.createObjectNode().put("type", "object"))
                .response(200, importResult).response(400, Api.ref("Error"));
        api.get("/connections/{connection_id}", "One connection", Role.VIEWER, this::get).tag(TAG)
                .response(200, connection).response(404, Api.ref("Error"));
        api.patch("/connections/{connection_id}", "Change a connection", Role.EDITOR, this::patch).tag(TAG)
                .description("With update_mask, exactly the named fields change (a named field missing from the body "
                        + "becomes null); without it, the fields present in the body. A missing or empty password keeps "
                        + "the saved one.")
                .query("update_mask", "string", "fields to change: update_mask=host&update_mask=port or host,port")
                .body(body).response(200, connection).response(400, Api.ref("Error")).response(404, Api.ref("Error"));
        api.delete("/connections/{connection_id}", "Delete a connection", Role.EDITOR, this::delete).tag(TAG)
                .response(204, null).response(404, Api.ref("Error"));
        api.post("/connections/{connection_id}/test", "Test a saved connection", Role.EDITOR, this::testSaved).tag(TAG)
                .response(200, testResult).response(404, Api.ref("Error"));
    }

    private void list(Context ctx, Principal principal) throws JsonProcessingException {
        int limit = intParam(ctx, "limit", DEFAULT_LIMIT);
        int offset = intParam(ctx, "offset", 0);
        if (limit > MAX_LIMIT) {
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "limit " + limit + " is above " + MAX_LIMIT,
                    "page with limit and offset");
        }
        String search = ctx.queryParam("search");
        String orderBy = ctx.queryParam("order_by");
        // the same listing at the same store version is the same bytes: rendered once, then sent as they are (a
        // listing of 1,000 is a quarter of a megabyte of JSON, about 3 ms of CPU and 1 MB of garbage per rendering)
        // and answered 304 to a client that has them
        ListingQuery query = new ListingQuery(principal.tenant(), search, orderBy, limit, offset);
        Rendered rendered = renderedListings.get(query);
        if (rendered == null || !rendered.version().equals(connections.listingVersion(principal))) {
            ConnectionService.Page page = connections.list(principal, search, orderBy, limit, offset);
            List<Map<String, Object>> items = new ArrayList<>(page.items().size());
            for (StoredConnection s : page.items()) {
                items.add(ConnectionFields.airflowRest(s.config()));
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("connections", items);
            out.put("total_entries", page.total());
            rendered = new Rendered(page.version(), Api.JSON.writeValueAsBytes(out),
                    Api.etag((query.text() + page.version()).getBytes(StandardCharsets.UTF_8)));
            if (renderedBytes.addAndGet(rendered.body().length) > RENDERED_BYTES) {
                renderedListings.clear(); // a budget, not a cache policy: paging through a large tenant starts over
                renderedBytes.set(rendered.body().length);
            }
            renderedListings.put(query, rendered);
        }
        if (!Api.notModified(ctx, rendered.etag())) {
            ctx.contentType("application/json").result(rendered.body());
        }
    }

    /** A listing's JSON as sent, the store version it was read at and its entity tag. */
    private record Rendered(String version, byte[] body, String etag) {}

    /** What a listing depends on besides the store's version; an absent parameter is null, never the text "null". */
    private record ListingQuery(String tenant, String search, String orderBy, int limit, int offset) {
        /**
         * Every field length-prefixed (absent: {@code -}), with the server's build: one text per query, for the
         * entity tag (a new build may render the same rows differently).
         */
        String text() {
            StringBuilder b = new StringBuilder(String.valueOf(ConnectionsApi.class.getPackage().getImplementationVersion()));
            for (String part : new String[] {tenant, search, orderBy, String.valueOf(limit), String.valueOf(offset)}) {
                b.append('|').append(part == null ? "-" : part.length() + ":" + part);
            }
            return b.append('|').toString();
        }
    }

    private void get(Context ctx, Principal principal) {
        ctx.json(ConnectionFields.airflowRest(connections.get(principal, ctx.pathParam("connection_id")).config()));
    }

    private void create(Context ctx, Principal principal) {
        ConnectionConfig config = AirflowJson.parse(ctx.body());
        if (config.connId() == null) {
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "the connection has no connection_id",
                    "give \"connection_id\": \"pg_main\" (letters, digits and _, at most 64)");
        }
        StoredConnection saved = connections.create(principal, config);
        ctx.status(201);
        ctx.header("Location", Api.ROOT + "/connections/" + saved.config().connId());
        ctx.json(ConnectionFields.airflowRest(saved.config()));
    }

    private void patch(Context ctx, Principal principal) {
        String text = ctx.body();
        ConnectionConfig values = AirflowJson.parse(text);
        List<String> mask = ctx.queryParams("update_mask");
        Set<ConnectionField> fields = mask.isEmpty() ? presentFields(text) : ConnectionField.parseMask(mask);
        if (fields.isEmpty()) {
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "nothing to change: the body names no field",
                    "send the fields to change, e.g. {\"host\": \"db2\"}, or name them in update_mask");
        }
        ctx.json(ConnectionFields.airflowRest(
                connections.patch(principal, ctx.pathParam("connection_id"), values, fields).config()));
    }

    private void delete(Context ctx, Principal principal) {
        connections.delete(principal, ctx.pathParam("connection_id"));
        ctx.status(204);
    }

    private void testUnsaved(Context ctx, Principal principal) {
        ctx.json(testBody(connections.test(principal, AirflowJson.parse(ctx.body()))));
    }

    private void testSaved(Context ctx, Principal principal) {
        ctx.json(testBody(connections.test(principal, ctx.pathParam("connection_id"))));
    }

    private void importFile(Context ctx, Principal principal) {
        String format = ctx.queryParam("format");
        ConnectionExport.Format f = switch (format == null ? "json" : format.strip().toLowerCase(Locale.ROOT)) {
            case "json" -> ConnectionExport.Format.JSON;
            case "yaml", "yml" -> ConnectionExport.Format.YAML;
            case "env" -> ConnectionExport.Format.ENV;
            default -> throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "unknown import format '" + format + "'",
                    "format=json (default), yaml or env: the formats airflow connections export writes");
        };
        String overwrite = ctx.queryParam("overwrite");
        if (overwrite != null && !overwrite.equals("true") && !overwrite.equals("false")) {
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "overwrite must be true or false, not '" + overwrite + "'",
                    "overwrite=true replaces connections that exist");
        }
        List<ConnectionConfig> imported = ConnectionImport.read(ctx.body(), f, "the request body");
        ConnectionService.ImportResult result = connections.importAll(principal, imported, "true".equals(overwrite));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("added", result.added());
        out.put("replaced", result.replaced());
        out.put("skipped", result.skipped());
        ctx.json(out);
    }

    /** Airflow's {@code {status, message}} and the step-by-step report. */
    static Map<String, Object> testBody(TestReport report) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", report.ok());
        out.put("message", report.failure().map(step -> step.detail())
                .orElse("Connection successfully tested"));
        out.put("tls", report.tlsVerdict().orElse(null));
        List<Map<String, Object>> steps = new ArrayList<>();
        for (TestStep step : report.steps()) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("name", step.name());
            s.put("status", step.status().name().toLowerCase(Locale.ROOT));
            s.put("detail", step.detail());
            s.put("hint", step.hint());
            s.put("error", step.errorCode() == null ? null : step.errorCode().name());
            s.put("duration_ms", step.duration().toMillis());
            steps.add(s);
        }
        out.put("steps", steps);
        return out;
    }

    /** The fields a PATCH body without update_mask sets: its keys (the body has been read as a connection already). */
    private static Set<ConnectionField> presentFields(String text) {
        Set<ConnectionField> fields = EnumSet.noneOf(ConnectionField.class);
        JsonNode node = Api.objectBody(text, "{\"host\": \"db.example.com\"}");
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (name.equals("uri")) {
                fields.addAll(EnumSet.of(ConnectionField.CONN_TYPE, ConnectionField.HOST, ConnectionField.LOGIN,
                        ConnectionField.PASSWORD, ConnectionField.SCHEMA, ConnectionField.PORT, ConnectionField.EXTRA));
            }
            else if (!name.equals("team_name")) {
                fields.add(ConnectionField.parse(name));
            }
        }
        return fields;
    }

    private static int intParam(Context ctx, String name, int defaultValue) {
        String value = ctx.queryParam(name);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            int n = Integer.parseInt(value.strip());
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        }
        catch (NumberFormatException e) {
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG, name + " must be a whole number of 0 or more, not '"
                    + value + "'", "e.g. " + name + "=" + defaultValue);
        }
    }
}
