package dev.pgbridge.server.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.pgtype.PgJson;
import dev.pgbridge.query.Column;
import dev.pgbridge.query.QueryException;
import dev.pgbridge.query.Row;
import dev.pgbridge.server.auth.Principal;
import dev.pgbridge.server.auth.Role;
import dev.pgbridge.server.data.QueryService;
import dev.pgbridge.server.data.QueryService.QueryRequest;
import dev.pgbridge.server.data.QueryService.QueryResult;
import dev.pgbridge.server.data.RunningQueries;
import dev.pgbridge.server.services.ServerServices;
import io.javalin.http.Context;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The query console's API: {@code POST /connections/{id}/query} runs SQL (JSON result, or CSV streamed), under a
 * query id that {@code DELETE /queries/{id}} cancels from another request of the same tenant.
 *
 * <p>Role rule: viewer and up may run queries; a viewer's SQL (one statement) runs in a read-only transaction, so
 * PostgreSQL refuses any write; an editor's runs as psql runs it. A CSV download runs read-only for every role.
 */
public final class QueryApi implements ApiModule {
    public static final String QUERY_ID_HEADER = "X-Query-Id";

    private final QueryService queries;

    public QueryApi(ServerServices services) {
        this.queries = new QueryService(services.connectionService(), services.runningQueries());
    }

    @Override
    public void register(Api api) {
        api.post("/connections/{connection_id}/query", "Run SQL on a connection: columns and rows, or CSV", Role.VIEWER, this::query)
                .tag("query")
                .description("Runs `sql` with `params` bound to its ? markers (?? is a literal ?), a statement timeout "
                        + "(timeout_seconds, default " + QueryService.DEFAULT_TIMEOUT.toSeconds() + ", at most "
                        + QueryService.MAX_TIMEOUT.toSeconds() + ") and at most max_rows rows (default "
                        + QueryService.DEFAULT_MAX_ROWS + ", at most " + QueryService.MAX_ROWS + "). An editor's SQL runs "
                        + "statement by statement in autocommit, as psql does, and the answer is the last statement's "
                        + "result; a viewer's SQL is one statement run in a read-only transaction. Each run is a session of "
                        + "its own: an open transaction is rolled back and settings are reset at its end. Values are "
                        + "mapped to JSON by their type as docs/types.md describes. With ?format=csv or 'Accept: text/csv' "
                        + "the rows of one statement stream as CSV (header line; NULL is an empty field; no row limit; "
                        + "read-only for every role). The query id (the X-Query-Id request header or query_id field, else a "
                        + "new UUID) comes back in the X-Query-Id header; DELETE /queries/{query_id} cancels the run.")
                .query("format", "string", "json (default) or csv")
                .body(api.schema("QueryRequest", """
                        {"type": "object", "required": ["sql"],
                         "properties": {"sql": {"type": "string"},
                                        "params": {"type": "array", "items": {"type": ["string", "number", "boolean", "null"]},
                                                   "description": "values of the ? markers in order, as text PostgreSQL casts (write ?::int where it cannot tell)"},
                                        "timeout_seconds": {"type": "number", "exclusiveMinimum": 0, "maximum": 3600},
                                        "max_rows": {"type": "integer", "minimum": 1, "maximum": 100000},
                                        "query_id": {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$",
                                                     "description": "the client's id for the run, to cancel it from another request"}}}"""))
                .response(200, api.schema("QueryResult", """
                        {"type": "object", "required": ["query_id", "columns", "rows", "row_count", "truncated", "elapsed_ms"],
                         "properties": {"query_id": {"type": "string"},
                                        "columns": {"type": "array", "items": {"type": "object", "required": ["name", "type"],
                                                    "properties": {"name": {"type": "string"}, "type": {"type": "string", "description": "PostgreSQL's type name: int4, text, timestamptz, _int4"}}}},
                                        "rows": {"type": "array", "items": {"type": "array"}},
                                        "row_count": {"type": "integer", "description": "rows returned, or rows a statement without rows touched"},
                                        "truncated": {"type": "boolean", "description": "there were more than max_rows rows"},
                                        "elapsed_ms": {"type": "integer"},
                                        "command": {"type": "string", "description": "the last statement's tag: SELECT 2, UPDATE 3"},
                                        "read_only": {"type": "boolean", "description": "ran in a read-only transaction (viewer role)"}}}"""))
                .response(400, api.schema("QueryError", """
                        {"type": "object", "required": ["error", "message"],
                         "properties": {"error": {"type": "string"}, "message": {"type": "string"}, "hint": {"type": "string"},
                                        "sqlstate": {"type": "string"}, "line": {"type": "integer"}, "column": {"type": "integer"},
                                        "excerpt": {"type": "string", "description": "the line of the SQL with a caret under the error, as psql shows it"},
                                        "detail": {"type": "string"}}}"""))
                .response(404, Api.ref("Error"))
                .response(409, Api.ref("Error"))
                .response(504, Api.ref("Error"));
        api.get("/queries", "The tenant's console queries that run now", Role.VIEWER, (ctx, principal) -> {
            List<Map<String, Object>> out = new ArrayList<>();
            for (RunningQueries.Running r : queries.running().list(principal)) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("query_id", r.queryId());
                m.put("connection_id", r.connectionId());
                m.put("user", r.user());
                m.put("started_at", r.startedAt().toString());
                out.add(m);
            }
            ctx.json(out);
        }).tag("query").response(200, Api.arrayOf(api.schema("RunningQuery", """
                {"type": "object", "required": ["query_id", "connection_id", "user", "started_at"],
                 "properties": {"query_id": {"type": "string"}, "connection_id": {"type": "string"}, "user": {"type": "string"},
                                "started_at": {"type": "string", "format": "date-time"}}}""")));
        api.delete("/queries/{query_id}", "Cancel a running query of the tenant", Role.VIEWER, (ctx, principal) -> {
            String id = ctx.pathParam("query_id");
            queries.running().cancel(principal, id);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("query_id", id);
            body.put("canceled", true);
            ctx.json(body);
        }).tag("query")
                .description("Sends PostgreSQL's cancel request for the run and answers once it stopped (at most 5 s); the run "
                        + "itself answers with error CANCELED. A query of another tenant is not found.")
                .response(200, api.schema("Canceled", """
                        {"type": "object", "required": ["query_id", "canceled"],
                         "properties": {"query_id": {"type": "string"}, "canceled": {"type": "boolean"}}}"""))
                .response(404, Api.ref("Error"));
    }

    private void query(Context ctx, Principal principal) throws IOException {
        QueryRequest request = request(ctx);
        String connId = ctx.pathParam("connection_id");
        ctx.header(QUERY_ID_HEADER, request.queryId());
        try {
            if (csv(ctx)) {
                queries.csv(principal, connId, request, new CsvDownload(ctx, "query-" + request.queryId() + ".csv"));
                return;
            }
            QueryResult result = queries.run(principal, connId, request);
            ctx.contentType("application/json");
            ctx.result(json(result));
        }
        catch (QueryException e) {
            ctx.status(ErrorResponses.status(e.code()));
            ctx.json(errorBody(e));
        }
    }

    /** The error body of a failed statement: the one {error, message, hint} plus where in the SQL, as psql shows it. */
    public static Map<String, Object> errorBody(QueryException e) {
        Map<String, Object> body = ErrorResponses.body(e);
        body.put("sqlstate", e.sqlState());
        if (e.line() > 0) {
            body.put("line", e.line());
            body.put("column", e.column());
        }
        e.excerpt().ifPresent(x -> body.put("excerpt", x));
        e.detail().ifPresent(d -> body.put("detail", d));
        return body;
    }

    private static boolean csv(Context ctx) {
        String format = ctx.queryParam("format");
        if (format != null) {
            return switch (format.strip().toLowerCase(Locale.ROOT)) {
                case "csv" -> true;
                case "json" -> false;
                default -> throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "unknown format '" + format + "'",
                        "format=json (default) or format=csv");
            };
        }
        String accept = ctx.header("Accept");
        return accept != null && accept.toLowerCase(Locale.ROOT).contains("text/csv");
    }

    private static QueryRequest request(Context ctx) {
        JsonNode body = Api.objectBody(ctx.body(), "{\"sql\": \"SELECT 1\"}");
        JsonNode sql = body.get("sql");
        if (sql == null || !sql.isTextual()) {
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "sql is missing or not a string", "send {\"sql\": \"SELECT 1\"}");
        }
        List<String> params = new ArrayList<>();
        JsonNode p = body.get("params");
        if (p != null && !p.isNull()) {
            if (!p.isArray()) {
                throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "params must be an array", "send \"params\": [42, \"text\", null]");
            }
            for (JsonNode value : p) {
                if (value.isNull()) {
                    params.add(null);
                }
                else if (value.isValueNode()) {
                    params.add(value.asText());
                }
                else {
                    throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "params holds an object or array",
                            "give every value as text PostgreSQL reads, e.g. \"{1,2}\" for an int[]");
                }
            }
        }
        Duration timeout = null;
        JsonNode t = body.get("timeout_seconds");
        if (t != null && !t.isNull()) {
            if (!t.isNumber()) {
                throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "timeout_seconds must be a number", "e.g. \"timeout_seconds\": 30");
            }
            BigDecimal millis = t.decimalValue().movePointRight(3);
            if (millis.signum() <= 0 || millis.compareTo(BigDecimal.valueOf(QueryService.MAX_TIMEOUT.toMillis())) > 0) {
                throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "timeout_seconds must be more than 0 and at most "
                        + QueryService.MAX_TIMEOUT.toSeconds(), "e.g. \"timeout_seconds\": 30");
            }
            timeout = Duration.ofMillis(Math.max(1, millis.longValue()));
        }
        int maxRows = 0;
        JsonNode m = body.get("max_rows");
        if (m != null && !m.isNull()) {
            if (!m.canConvertToInt() || !m.isIntegralNumber()) {
                throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "max_rows must be a whole number", "e.g. \"max_rows\": 1000");
            }
            maxRows = m.intValue();
            if (maxRows < 1) {
                throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "max_rows must be 1 or more, not " + maxRows,
                        "e.g. \"max_rows\": 1000");
            }
        }
        String id = ctx.header(QUERY_ID_HEADER);
        JsonNode idField = body.get("query_id");
        if (idField != null && idField.isTextual()) {
            id = idField.asText();
        }
        return new QueryRequest(sql.asText(), params, timeout, maxRows, id);
    }

    /** The result as JSON: every value mapped by its PostgreSQL type through the one value model ({@link PgJson}). */
    private static byte[] json(QueryResult result) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonGenerator g = PgJson.factory().createGenerator(bytes)) {
            g.writeStartObject();
            g.writeStringField("query_id", result.queryId());
            g.writeArrayFieldStart("columns");
            for (Column c : result.columns()) {
                g.writeStartObject();
                g.writeStringField("name", c.name());
                g.writeStringField("type", c.typeName());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("rows");
            for (Row row : result.rows()) {
                g.writeStartArray();
                for (int i = 0; i < result.columns().size(); i++) {
                    PgJson.writeUtf8(g, result.columns().get(i).type(), row.utf8(i));
                }
                g.writeEndArray();
            }
            g.writeEndArray();
            g.writeNumberField("row_count", result.rowCount());
            g.writeBooleanField("truncated", result.truncated());
            g.writeNumberField("elapsed_ms", result.elapsedMs());
            g.writeStringField("command", result.command());
            g.writeBooleanField("read_only", result.readOnly());
            g.writeEndObject();
        }
        return bytes.toByteArray();
    }
}
