package dev.pgbridge.server.ui;

import dev.pgbridge.catalog.ColumnInfo;
import dev.pgbridge.catalog.SchemaInfo;
import dev.pgbridge.catalog.TableInfo;
import dev.pgbridge.catalog.TablePreview;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.server.auth.Principal;
import dev.pgbridge.server.auth.Role;
import dev.pgbridge.server.auth.Sessions;
import dev.pgbridge.server.data.CatalogService;
import dev.pgbridge.server.services.ServerServices;
import dev.pgbridge.sql.QualifiedName;
import dev.pgbridge.store.StoredConnection;
import io.javalin.http.Context;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * The catalog browser: pick a connection, then its schemas, a schema's tables, a table's columns and its first rows.
 * Every level is a plain page with a plain link to the next (works without JavaScript); with htmx the links swap only
 * the browser's part of the page and the preview loads as a fragment. Names in the paths are exactly as stored.
 */
public final class CatalogPages implements UiModule {
    public static final String NAV = "catalog";

    private final ServerServices services;
    private final CatalogService catalog;
    private final Ui ui;

    public CatalogPages(ServerServices services, Ui ui) {
        this.services = requireNonNull(services, "services is null");
        this.catalog = new CatalogService(services.connectionService());
        this.ui = requireNonNull(ui, "ui is null");
    }

    @Override
    public void register(Ui routes) {
        routes.page("/catalog", Role.VIEWER, this::connections);
        routes.page("/catalog/{conn}", Role.VIEWER, this::schemas);
        routes.page("/catalog/{conn}/{schema}", Role.VIEWER, this::tables);
        routes.page("/catalog/{conn}/{schema}/{table}", Role.VIEWER, (ctx, session) -> table(ctx, session, false));
        routes.page("/catalog/{conn}/{schema}/{table}/preview", Role.VIEWER, (ctx, session) -> table(ctx, session, true));
    }

    /** {@code /catalog/a/b c} from the names as stored: each one a percent-encoded path segment. */
    public static String path(String... names) {
        StringBuilder sb = new StringBuilder("/catalog");
        for (String name : names) {
            sb.append('/').append(URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return sb.toString();
    }

    /** A name as people read it: bare when plain lower case, else double-quoted ({@code "Sales"}). */
    public static String display(String name) {
        return QualifiedName.display(name);
    }

    private void connections(Context ctx, Sessions.Session session) {
        Map<String, Object> model = model(session, "Catalog");
        model.put("connections", connectionList(session.principal()));
        ui.render(ctx, "catalog/connections.jte", model);
    }

    private void schemas(Context ctx, Sessions.Session session) {
        String conn = ctx.pathParam("conn");
        List<SchemaInfo> schemas = catalog.schemas(session.principal(), conn);
        Map<String, Object> model = model(session, "Schemas of " + conn);
        model.put("conn", conn);
        model.put("schemas", schemas);
        ui.render(ctx, "catalog/schemas.jte", model);
    }

    private void tables(Context ctx, Sessions.Session session) {
        String conn = ctx.pathParam("conn");
        String schema = ctx.pathParam("schema");
        List<TableInfo> tables = catalog.tables(session.principal(), conn, schema);
        Map<String, Object> model = model(session, "Tables of " + display(schema));
        model.put("conn", conn);
        model.put("schema", schema);
        model.put("tables", tables);
        ui.render(ctx, "catalog/tables.jte", model);
    }

    /** The columns page; with {@code preview}, the first rows too (inline without htmx, as a fragment with it). */
    private void table(Context ctx, Sessions.Session session, boolean preview) {
        String conn = ctx.pathParam("conn");
        String schema = ctx.pathParam("schema");
        String table = ctx.pathParam("table");
        QualifiedName name = QualifiedName.of(schema, table);
        Map<String, Object> model = model(session, name.toString());
        model.put("conn", conn);
        model.put("schema", schema);
        model.put("table", table);
        model.put("preview", null);
        model.put("message", null);
        model.put("hint", null);
        if (preview) {
            int limit = ctx.queryParam("limit") == null ? CatalogService.DEFAULT_PREVIEW_ROWS
                    : dev.pgbridge.server.api.CatalogApi.integer(ctx.queryParam("limit"), "limit");
            if (Ui.htmx(ctx)) {
                // a fragment: htmx swaps 2xx answers only, so a failure is shown in place with status 200
                try {
                    model.put("preview", catalog.preview(session.principal(), conn, name, limit));
                }
                catch (PgBridgeException e) {
                    model.put("message", e.getMessage());
                    model.put("hint", e.hint());
                }
                ui.render(ctx, "catalog/preview.jte", model);
                return;
            }
            TablePreview rows = catalog.preview(session.principal(), conn, name, limit);
            model.put("preview", rows);
        }
        List<ColumnInfo> columns = catalog.columns(session.principal(), conn, name);
        model.put("columns", columns);
        ui.render(ctx, "catalog/table.jte", model);
    }

    private List<StoredConnection> connectionList(Principal principal) {
        return services.connectionService().list(principal, null, null, 10_000, 0).items();
    }

    private static Map<String, Object> model(Sessions.Session session, String title) {
        Map<String, Object> model = new HashMap<>();
        model.put("page", new PageContext(title, session.principal(), session.csrfToken(), NAV));
        return model;
    }
}
