package dev.pgbridge.server.ui;

import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.query.QueryException;
import dev.pgbridge.server.api.CsvDownload;
import dev.pgbridge.server.api.ErrorResponses;
import dev.pgbridge.server.auth.Role;
import dev.pgbridge.server.auth.Sessions;
import dev.pgbridge.server.data.QueryService;
import dev.pgbridge.server.data.QueryService.QueryRequest;
import dev.pgbridge.server.data.QueryService.QueryResult;
import dev.pgbridge.server.data.RunningQueries;
import dev.pgbridge.server.services.ServerServices;
import dev.pgbridge.store.StoredConnection;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/**
 * The query console: a connection, SQL, a timeout and a row limit; Run shows the result grid (an htmx fragment, or the
 * whole page without JavaScript), Cancel stops the running query by its id, Download CSV posts the same form and gets
 * the rows as a file. The SQL travels only in POST bodies (never in a URL) and is never logged. A viewer's SQL runs in
 * a read-only transaction; see {@link QueryService} for the rule.
 */
public final class QueryPages implements UiModule {
    public static final String NAV = "query";

    private final ServerServices services;
    private final QueryService queries;
    private final Ui ui;

    public QueryPages(ServerServices services, Ui ui) {
        this.services = requireNonNull(services, "services is null");
        this.queries = new QueryService(services.connectionService(), services.runningQueries());
        this.ui = requireNonNull(ui, "ui is null");
    }

    @Override
    public void register(Ui routes) {
        routes.page("/query", Role.VIEWER, (ctx, session) -> {
            Map<String, Object> model = form(session, ctx.queryParam("conn"), "", null, null);
            ui.render(ctx, "query/console.jte", model);
        });
        routes.action(HandlerType.POST, "/query/run", Role.VIEWER, this::run);
        routes.action(HandlerType.POST, "/query/csv", Role.VIEWER, this::csv);
        routes.action(HandlerType.POST, "/query/cancel", Role.VIEWER, this::cancel);
    }

    private void run(Context ctx, Sessions.Session session) {
        String conn = ctx.formParam("conn");
        String sql = ctx.formParam("sql") == null ? "" : ctx.formParam("sql");
        Map<String, Object> model = form(session, conn, sql, ctx.formParam("timeout_seconds"), ctx.formParam("max_rows"));
        model.put("queryId", queryId(ctx.formParam("query_id")));
        int status = 200;
        try {
            QueryResult result = queries.run(session.principal(), required(conn), request(ctx, sql));
            model.put("result", result);
        }
        catch (PgBridgeException e) {
            error(model, e);
            status = ErrorResponses.status(e.code());
        }
        if (Ui.htmx(ctx)) {
            // htmx swaps 2xx answers only: the fragment carries the error in place of the grid
            ui.render(ctx, "query/results.jte", model);
            return;
        }
        ctx.status(status);
        ui.render(ctx, "query/console.jte", model);
    }

    private void csv(Context ctx, Sessions.Session session) {
        String conn = required(ctx.formParam("conn"));
        String sql = ctx.formParam("sql") == null ? "" : ctx.formParam("sql");
        QueryRequest request = request(ctx, sql);
        queries.csv(session.principal(), conn, request, new CsvDownload(ctx, "query-" + request.queryId() + ".csv"));
    }

    private void cancel(Context ctx, Sessions.Session session) {
        String id = ctx.formParam("query_id");
        String message;
        try {
            queries.running().cancel(session.principal(), id == null ? "" : id);
            message = "Canceled: PostgreSQL stopped the query.";
        }
        catch (PgBridgeException e) {
            if (e.code() != ErrorCode.NOT_FOUND) {
                throw e;
            }
            message = "No query is running.";
        }
        if (Ui.htmx(ctx)) {
            ctx.html("<span>" + message + "</span>"); // fixed text, nothing from the request
            return;
        }
        ctx.redirect("/query", io.javalin.http.HttpStatus.SEE_OTHER);
    }

    /** The form's query id again (a fresh one when it was tampered with), so Cancel keeps working after a run. */
    private static String queryId(String requested) {
        try {
            return RunningQueries.id(requested);
        }
        catch (PgBridgeException e) {
            return UUID.randomUUID().toString();
        }
    }

    private static String required(String conn) {
        if (conn == null || conn.isBlank()) {
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "no connection was chosen",
                    "pick a connection in the list (add one under Connections first)");
        }
        return conn;
    }

    private static QueryRequest request(Context ctx, String sql) {
        Duration timeout = null;
        String t = ctx.formParam("timeout_seconds");
        if (t != null && !t.isBlank()) {
            try {
                BigDecimal millis = new BigDecimal(t.strip()).movePointRight(3);
                timeout = millis.signum() > 0 ? Duration.ofMillis(Math.max(1, millis.longValue())) : Duration.ZERO;
            }
            catch (NumberFormatException | ArithmeticException e) {
                throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "the timeout must be a number of seconds",
                        "e.g. 30, or 0.5 for half a second");
            }
        }
        int maxRows = 0;
        String m = ctx.formParam("max_rows");
        if (m != null && !m.isBlank()) {
            maxRows = dev.pgbridge.server.api.CatalogApi.integer(m, "max rows");
            if (maxRows < 1) {
                throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "max rows must be 1 or more", "e.g. 1000");
            }
        }
        return new QueryRequest(sql, List.of(), timeout, maxRows, ctx.formParam("query_id"));
    }

    private Map<String, Object> form(Sessions.Session session, String conn, String sql, String timeout, String maxRows) {
        List<StoredConnection> connections = services.connectionService().list(session.principal(), null, null, 10_000, 0).items();
        String selected = conn;
        if ((selected == null || selected.isBlank()) && !connections.isEmpty()) {
            selected = connections.get(0).config().connId();
        }
        Map<String, Object> model = new HashMap<>();
        model.put("page", new PageContext("Query", session.principal(), session.csrfToken(), NAV));
        model.put("connections", connections);
        model.put("conn", selected);
        model.put("sql", sql);
        model.put("timeout", timeout == null || timeout.isBlank() ? String.valueOf(QueryService.DEFAULT_TIMEOUT.toSeconds()) : timeout);
        model.put("maxRows", maxRows == null || maxRows.isBlank() ? String.valueOf(QueryService.DEFAULT_MAX_ROWS) : maxRows);
        model.put("queryId", UUID.randomUUID().toString());
        model.put("readOnly", QueryService.readOnly(session.principal()));
        model.put("result", null);
        model.put("message", null);
        model.put("hint", null);
        model.put("excerpt", null);
        model.put("detail", null);
        return model;
    }

    private static void error(Map<String, Object> model, PgBridgeException e) {
        model.put("message", e.getMessage());
        model.put("hint", e.hint());
        if (e instanceof QueryException q) {
            model.put("excerpt", q.excerpt().orElse(null));
            model.put("detail", q.detail().orElse(null));
        }
    }
}
