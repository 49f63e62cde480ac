package dev.pgbridge.server.api;

import dev.pgbridge.catalog.ColumnInfo;
import dev.pgbridge.catalog.SchemaInfo;
import dev.pgbridge.catalog.TableInfo;
import dev.pgbridge.catalog.TablePreview;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.server.auth.Role;
import dev.pgbridge.server.data.CatalogService;
import dev.pgbridge.server.services.ServerServices;
import dev.pgbridge.sql.QualifiedName;
import io.javalin.http.Context;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The catalog of a connection's database: schemas, their tables (views, materialized views, partitioned and foreign
 * tables too), a table's columns and its first rows. Names in the path are the names exactly as stored (no case
 * folding, no quotes; percent-encode what a path cannot hold): {@code /schemas/Sales/tables/Orders/columns} is
 * {@code "Sales"."Orders"}. Read-only for every role (viewer and up); another tenant's connection is not found.
 */
public final class CatalogApi implements ApiModule {
    private final CatalogService catalog;

    public CatalogApi(ServerServices services) {
        this.catalog = new CatalogService(services.connectionService());
    }

    @Override
    public void register(Api api) {
        String base = "/connections/{connection_id}";
        api.get(base + "/schemas", "The schemas of the connection's database (PostgreSQL's own left out)", Role.VIEWER,
                        (ctx, principal) -> ctx.json(list(catalog.schemas(principal, ctx.pathParam("connection_id")), CatalogApi::schema)))
                .tag("catalog")
                .response(200, Api.arrayOf(api.schema("Schema", """
                        {"type": "object", "required": ["name", "owner", "tables"],
                         "properties": {"name": {"type": "string"}, "owner": {"type": "string"},
                                        "tables": {"type": "integer", "description": "tables, views, … in it (partitions not counted)"},
                                        "comment": {"type": ["string", "null"]}}}""")))
                .response(404, Api.ref("Error"));
        api.get(base + "/schemas/{schema}/tables", "The tables, views, materialized views, partitioned and foreign tables of a schema",
                        Role.VIEWER, (ctx, principal) -> ctx.json(list(catalog.tables(principal, ctx.pathParam("connection_id"),
                                name(ctx, "schema")), CatalogApi::table)))
                .tag("catalog")
                .description("{schema} is the name exactly as stored (Sales and sales are two schemas). Partitions are folded "
                        + "under their partitioned table: its rows and size are the sums over its partitions.")
                .response(200, Api.arrayOf(api.schema("Table", """
                        {"type": "object", "required": ["schema", "name", "kind", "owner"],
                         "properties": {"schema": {"type": "string"}, "name": {"type": "string"},
                                        "kind": {"type": "string", "enum": ["table", "view", "materialized view", "partitioned table", "foreign table"]},
                                        "owner": {"type": "string"},
                                        "estimated_rows": {"type": ["integer", "null"], "description": "pg_class.reltuples; null when never analyzed, and for views"},
                                        "size_bytes": {"type": ["integer", "null"], "description": "heap, TOAST and indexes; null for views and foreign tables"},
                                        "partitions": {"type": ["integer", "null"]}, "comment": {"type": ["string", "null"]}}}""")))
                .response(404, Api.ref("Error"));
        api.get(base + "/schemas/{schema}/tables/{table}/columns", "The columns of a table or view: type, nullability, default, primary key, comment",
                        Role.VIEWER, (ctx, principal) -> ctx.json(list(catalog.columns(principal, ctx.pathParam("connection_id"),
                                table(ctx)), CatalogApi::column)))
                .tag("catalog")
                .response(200, Api.arrayOf(api.schema("Column", """
                        {"type": "object", "required": ["position", "name", "type", "nullable", "primary_key"],
                         "properties": {"position": {"type": "integer"}, "name": {"type": "string"},
                                        "type": {"type": "string", "description": "as PostgreSQL prints it (format_type): character varying(20), numeric(10,2), integer[]"},
                                        "nullable": {"type": "boolean"},
                                        "default": {"type": ["string", "null"], "description": "the expression, or the identity / generated clause"},
                                        "primary_key": {"type": "boolean"}, "comment": {"type": ["string", "null"]}}}""")))
                .response(404, Api.ref("Error"));
        api.get(base + "/schemas/{schema}/tables/{table}/preview", "The first rows of a table or view, in no particular order",
                        Role.VIEWER, (ctx, principal) -> {
                            int limit = ctx.queryParam("limit") == null ? CatalogService.DEFAULT_PREVIEW_ROWS
                                    : integer(ctx.queryParam("limit"), "limit");
                            ctx.json(preview(catalog.preview(principal, ctx.pathParam("connection_id"), table(ctx), limit)));
                        })
                .tag("catalog")
                .description("Every value in PostgreSQL's text form (as psql prints it), null for NULL. Runs in a read-only "
                        + "transaction with a 30 s statement timeout.")
                .query("limit", "integer", "rows to show, 0 to " + CatalogService.MAX_PREVIEW_ROWS
                        + " (default " + CatalogService.DEFAULT_PREVIEW_ROWS + ")")
                .response(200, api.schema("TablePreview", """
                        {"type": "object", "required": ["schema", "table", "columns", "rows", "row_count"],
                         "properties": {"schema": {"type": "string"}, "table": {"type": "string"},
                                        "columns": {"type": "array", "items": {"type": "object", "required": ["name", "type"],
                                                    "properties": {"name": {"type": "string"}, "type": {"type": "string"}}}},
                                        "rows": {"type": "array", "items": {"type": "array", "items": {"type": ["string", "null"]}}},
                                        "row_count": {"type": "integer"}}}"""))
                .response(400, Api.ref("Error"))
                .response(404, Api.ref("Error"));
    }

    private static String name(Context ctx, String param) {
        String value = ctx.pathParam(param);
        if (value.isEmpty() || value.indexOf('\0') >= 0) {
            throw new PgBridgeException(ErrorCode.INVALID_NAME, "the " + param + " name in the path is empty or holds NUL",
                    "give the name exactly as stored, percent-encoded");
        }
        return value;
    }

    private static QualifiedName table(Context ctx) {
        return QualifiedName.of(name(ctx, "schema"), name(ctx, "table"));
    }

    /** A whole-number request parameter, or INVALID_CONFIG naming it (the UI forms use it too). */
    public static int integer(String text, String name) {
        try {
            return Integer.parseInt(text.strip());
        }
        catch (NumberFormatException e) {
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG, name + " must be a whole number, not '" + text + "'",
                    "e.g. " + name + "=20");
        }
    }

    private static <T> List<Map<String, Object>> list(List<T> items, java.util.function.Function<T, Map<String, Object>> shape) {
        List<Map<String, Object>> out = new ArrayList<>(items.size());
        for (T item : items) {
            out.add(shape.apply(item));
        }
        return out;
    }

    private static Map<String, Object> schema(SchemaInfo s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", s.name());
        m.put("owner", s.owner());
        m.put("tables", s.tables());
        m.put("comment", s.comment());
        return m;
    }

    private static Map<String, Object> table(TableInfo t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schema", t.schema());
        m.put("name", t.name());
        m.put("kind", t.kind().label());
        m.put("owner", t.owner());
        m.put("estimated_rows", t.estimatedRows());
        m.put("size_bytes", t.sizeBytes());
        m.put("partitions", t.partitions());
        m.put("comment", t.comment());
        return m;
    }

    private static Map<String, Object> column(ColumnInfo c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("position", c.position());
        m.put("name", c.name());
        m.put("type", c.type());
        m.put("nullable", c.nullable());
        m.put("default", c.defaultValue());
        m.put("primary_key", c.primaryKey());
        m.put("comment", c.comment());
        return m;
    }

    private static Map<String, Object> preview(TablePreview p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schema", p.table().schema());
        m.put("table", p.table().name());
        List<Map<String, Object>> columns = new ArrayList<>();
        for (int i = 0; i < p.columns().size(); i++) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("name", p.columns().get(i));
            c.put("type", p.types().get(i));
            columns.add(c);
        }
        m.put("columns", columns);
        m.put("rows", p.rows());
        m.put("row_count", p.rows().size());
        return m;
    }
}
