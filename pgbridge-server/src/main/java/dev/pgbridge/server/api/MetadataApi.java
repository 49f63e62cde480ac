package dev.pgbridge.server.api;

import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.metadata.catalogstore.CatalogStore;
import dev.pgbridge.metadata.catalogstore.ChangeDescription;
import dev.pgbridge.metadata.openmetadata.Requests;
import dev.pgbridge.server.auth.Role;
import dev.pgbridge.server.metadata.MetadataCatalog;
import dev.pgbridge.server.services.ServerServices;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * The local metadata catalog of the token's tenant, read-only: {@code GET /metadata/tables} (list and search),
 * {@code /metadata/entities/{fqn}} (a table with its columns, profile and usage), {@code …/lineage} and
 * {@code …/history}. What {@code pgbridge metadata list|search|show|lineage|history} print, as JSON.
 *
 * <p>{@code {fqn}} is one path segment, percent-encoded: an OpenMetadata FQN holds dots and double quotes
 * ({@code svc.db.Sales."v2.archive"} is {@code svc.db.Sales.%22v2.archive%22}), and a {@code /} in a name is
 * {@code %2F}. A shorter {@code schema.table} is accepted too, as in the CLI.
 */
public final class MetadataApi implements ApiModule {
    private static final String TAG = "metadata";

    private final MetadataCatalog catalog;

    public MetadataApi(ServerServices services) {
        this.catalog = new MetadataCatalog(requireNonNull(services, "services is null").db());
    }

    @Override
    public void register(Api api) {
        api.schema("MetadataTable", """
                {"type": "object", "required": ["fqn", "service", "database", "schema", "name", "version"],
                 "properties": {"fqn": {"type": "string", "description": "OpenMetadata's fully qualified name"},
                  "service": {"type": "string"}, "database": {"type": "string"}, "schema": {"type": "string"},
                  "name": {"type": "string"}, "table_type": {"type": ["string", "null"]},
                  "state": {"type": "string", "enum": ["active", "deleted"]}, "version": {"type": "integer"},
                  "updated_at": {"type": ["string", "null"], "format": "date-time"},
                  "matches": {"type": "array", "items": {"type": "object", "properties": {
                    "kind": {"type": "string", "enum": ["table", "column"]}, "fqn": {"type": "string"},
                    "field": {"type": "string", "enum": ["name", "description"]}, "text": {"type": "string"}}}}}}""");
        api.schema("ColumnLineage", """
                {"type": "object", "required": ["from_columns", "to_column"],
                 "properties": {"from_columns": {"type": "array", "items": {"type": "string"}},
                                "to_column": {"type": "string"}}}""");
        api.schema("LineageEdge", """
                {"type": "object", "required": ["from", "to", "columns"],
                 "properties": {"depth": {"type": "integer", "description": "edges away from the table asked for"},
                  "from": {"type": "string"}, "to": {"type": "string"},
                  "source": {"type": ["string", "null"], "description": "ViewLineage, QueryLineage, …"},
                  "sql_query": {"type": ["string", "null"]},
                  "columns": {"type": "array", "items": {"$ref": "#/components/schemas/ColumnLineage"}}}}""");

        api.get("/metadata/tables", "List or search the ingested tables", Role.VIEWER, (ctx, principal) -> {
            List<Map<String, Object>> tables = new ArrayList<>();
            for (MetadataCatalog.TableMatch m : catalog.tables(principal.tenant(), ctx.queryParam("search"),
                    ctx.queryParam("service"))) {
                Map<String, Object> t = table(m.table());
                if (ctx.queryParam("search") != null) {
                    t.put("matches", m.matches().stream().map(MetadataApi::match).toList());
                }
                tables.add(t);
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("tables", tables);
            body.put("total_entries", tables.size());
            ctx.json(body);
        }).tag(TAG)
                .query("search", "string", "only tables whose name or description, or a column's, contains this "
                        + "(ignoring case)")
                .query("service", "string", "only tables of this database service")
                .response(200, api.schema("MetadataTableList", """
                        {"type": "object", "required": ["tables", "total_entries"],
                         "properties": {"tables": {"type": "array", "items": {"$ref": "#/components/schemas/MetadataTable"}},
                                        "total_entries": {"type": "integer"}}}"""));

        api.get("/metadata/entities/{fqn}", "A table: columns, constraints, profile, usage, direct lineage", Role.VIEWER,
                (ctx, principal) -> ctx.json(detail(catalog.table(principal.tenant(), ctx.pathParam("fqn")))))
                .tag(TAG)
                .description("{fqn} is percent-encoded as one path segment (a dot may stay, a quote is %22, a slash "
                        + "%2F); schema.table and database.schema.table are accepted where they name one table.")
                .response(200, api.schema("MetadataTableDetail", """
                        {"type": "object", "required": ["table", "columns"],
                         "properties": {"table": {"$ref": "#/components/schemas/MetadataTable"},
                          "description": {"type": ["string", "null"]}, "owner": {"type": ["string", "null"]},
                          "columns": {"type": "array", "items": {"type": "object", "required": ["name", "data_type"],
                            "properties": {"name": {"type": "string"}, "data_type": {"type": "string"},
                             "data_type_display": {"type": ["string", "null"]},
                             "constraint": {"type": ["string", "null"], "description": "PRIMARY_KEY, NOT_NULL, UNIQUE, NULL"},
                             "description": {"type": ["string", "null"]},
                             "ordinal_position": {"type": ["integer", "null"]}}}},
                          "table_constraints": {"type": "array", "items": {"type": "object", "properties": {
                            "constraint_type": {"type": "string"}, "columns": {"type": "array", "items": {"type": "string"}},
                            "referred_columns": {"type": "array", "items": {"type": "string"}}}}},
                          "schema_definition": {"type": ["string", "null"], "description": "a view's definition"},
                          "profile": {"type": ["object", "null"], "properties": {"size_bytes": {"type": ["number", "null"]},
                            "row_estimate": {"type": ["number", "null"]}}},
                          "usage": {"type": "object", "properties": {"days": {"type": "integer"},
                            "total_queries": {"type": "integer"}, "by_day": {"type": "array", "items": {"type": "object",
                              "properties": {"date": {"type": "string"}, "count": {"type": "integer"}}}}}},
                          "upstream": {"type": "array", "items": {"$ref": "#/components/schemas/LineageEdge"}},
                          "downstream": {"type": "array", "items": {"$ref": "#/components/schemas/LineageEdge"}}}}"""))
                .response(404, Api.ref("Error"));

        api.get("/metadata/entities/{fqn}/lineage", "A table's lineage: upstream and downstream edges with their "
                + "column lineage", Role.VIEWER, (ctx, principal) -> {
            MetadataCatalog.Lineage lineage = catalog.lineage(principal.tenant(), ctx.pathParam("fqn"),
                    depth(ctx.queryParam("depth")));
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("fqn", lineage.fqn());
            body.put("depth", lineage.depth());
            body.put("upstream", lineage.upstream().stream().map(MetadataApi::hop).toList());
            body.put("downstream", lineage.downstream().stream().map(MetadataApi::hop).toList());
            ctx.json(body);
        }).tag(TAG)
                .query("depth", "integer", "how many edges to walk each way (1 to " + MetadataCatalog.MAX_LINEAGE_DEPTH
                        + ", default 1)")
                .response(200, api.schema("MetadataLineage", """
                        {"type": "object", "required": ["fqn", "depth", "upstream", "downstream"],
                         "properties": {"fqn": {"type": "string"}, "depth": {"type": "integer"},
                          "upstream": {"type": "array", "items": {"$ref": "#/components/schemas/LineageEdge"}},
                          "downstream": {"type": "array", "items": {"$ref": "#/components/schemas/LineageEdge"}}}}"""))
                .response(400, Api.ref("Error"))
                .response(404, Api.ref("Error"));

        api.get("/metadata/entities/{fqn}/history", "Every version of a table and what changed to make it",
                Role.VIEWER, (ctx, principal) -> {
            String fqn = catalog.resolve(principal.tenant(), ctx.pathParam("fqn"));
            List<Map<String, Object>> versions = new ArrayList<>();
            for (CatalogStore.EntityVersion v : catalog.history(principal.tenant(), fqn)) {
                versions.add(version(v));
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("fqn", fqn);
            body.put("versions", versions);
            ctx.json(body);
        }).tag(TAG)
                .response(200, api.schema("MetadataHistory", """
                        {"type": "object", "required": ["fqn", "versions"],
                         "properties": {"fqn": {"type": "string"}, "versions": {"type": "array", "items": {
                          "type": "object", "required": ["version", "state"],
                          "properties": {"version": {"type": "integer"}, "state": {"type": "string"},
                           "updated_at": {"type": ["string", "null"], "format": "date-time"},
                           "change_description": {"type": ["object", "null"],
                             "description": "OpenMetadata's changeDescription: fieldsAdded, fieldsUpdated, fieldsDeleted, previousVersion"}}}}}}"""))
                .response(404, Api.ref("Error"));
    }

    static int depth(String text) {
        if (text == null || text.isBlank()) {
            return 1;
        }
        int depth;
        try {
            depth = Integer.parseInt(text.strip());
        }
        catch (NumberFormatException e) {
            depth = -1;
        }
        if (depth < 1 || depth > MetadataCatalog.MAX_LINEAGE_DEPTH) {
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "invalid depth '" + text + "': not a whole number "
                    + "from 1 to " + MetadataCatalog.MAX_LINEAGE_DEPTH, "e.g. ?depth=3");
        }
        return depth;
    }

    private static Map<String, Object> table(CatalogStore.TableEntry t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("fqn", t.fqn());
        m.put("service", t.service());
        m.put("database", t.database());
        m.put("schema", t.schema());
        m.put("name", t.name());
        m.put("table_type", t.tableType());
        m.put("state", t.state());
        m.put("version", t.version());
        m.put("updated_at", t.updatedAt() == null ? null : t.updatedAt().toString());
        return m;
    }

    private static Map<String, Object> match(CatalogStore.SearchHit h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", h.kind());
        m.put("fqn", h.fqn());
        m.put("field", h.matchedField());
        m.put("text", h.text());
        return m;
    }

    private static Map<String, Object> detail(CatalogStore.TableDetail d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("table", table(d.table()));
        m.put("description", d.description());
        m.put("owner", d.owner());
        List<Map<String, Object>> columns = new ArrayList<>();
        for (Requests.Column c : d.columns()) {
            Map<String, Object> column = new LinkedHashMap<>();
            column.put("name", c.name());
            column.put("data_type", c.dataType());
            column.put("data_type_display", c.dataTypeDisplay());
            column.put("constraint", c.constraint());
            column.put("description", c.description());
            column.put("ordinal_position", c.ordinalPosition());
            columns.add(column);
        }
        m.put("columns", columns);
        List<Map<String, Object>> constraints = new ArrayList<>();
        for (Requests.TableConstraint c : d.tableConstraints()) {
            Map<String, Object> constraint = new LinkedHashMap<>();
            constraint.put("constraint_type", c.constraintType());
            constraint.put("columns", c.columns() == null ? List.of() : c.columns());
            constraint.put("referred_columns", c.referredColumns() == null ? List.of() : c.referredColumns());
            constraints.add(constraint);
        }
        m.put("table_constraints", constraints);
        m.put("schema_definition", d.schemaDefinition());
        if (d.sizeBytes() != null || d.rowEstimate() != null) {
            Map<String, Object> profile = new LinkedHashMap<>();
            profile.put("size_bytes", d.sizeBytes());
            profile.put("row_estimate", d.rowEstimate());
            m.put("profile", profile);
        }
        else {
            m.put("profile", null);
        }
        Map<String, Object> usage = new LinkedHashMap<>();
        usage.put("days", CatalogStore.USAGE_DAYS);
        usage.put("total_queries", d.usage().stream().mapToLong(CatalogStore.UsageDay::count).sum());
        usage.put("by_day", d.usage().stream().map(u -> {
            Map<String, Object> day = new LinkedHashMap<>();
            day.put("date", u.date());
            day.put("count", u.count());
            return day;
        }).toList());
        m.put("usage", usage);
        m.put("upstream", d.upstream().stream().map(e -> edge(e, null)).toList());
        m.put("downstream", d.downstream().stream().map(e -> edge(e, null)).toList());
        return m;
    }

    private static Map<String, Object> hop(CatalogStore.LineageHop hop) {
        return edge(hop.edge(), hop.depth());
    }

    private static Map<String, Object> edge(CatalogStore.LineageEdge e, Integer depth) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (depth != null) {
            m.put("depth", depth);
        }
        m.put("from", e.from());
        m.put("to", e.to());
        m.put("source", e.source());
        m.put("sql_query", e.sqlQuery());
        m.put("columns", e.columns().stream().map(c -> {
            Map<String, Object> column = new LinkedHashMap<>();
            column.put("from_columns", c.fromColumns());
            column.put("to_column", c.toColumn());
            return column;
        }).toList());
        return m;
    }

    private static Map<String, Object> version(CatalogStore.EntityVersion v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", v.version());
        m.put("state", v.state());
        m.put("updated_at", v.updatedAt() == null ? null : v.updatedAt().toString());
        ChangeDescription change = v.changeDescription();
        if (change == null) {
            m.put("change_description", null);
        }
        else {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("fieldsAdded", change.fieldsAdded().stream().map(MetadataApi::field).toList());
            c.put("fieldsUpdated", change.fieldsUpdated().stream().map(MetadataApi::field).toList());
            c.put("fieldsDeleted", change.fieldsDeleted().stream().map(MetadataApi::field).toList());
            c.put("previousVersion", change.previousVersion());
            m.put("change_description", c);
        }
        return m;
    }

    private static Map<String, Object> field(ChangeDescription.FieldChange f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", f.name());
        if (f.oldValue() != null) {
            m.put("oldValue", f.oldValue());
        }
        if (f.newValue() != null) {
            m.put("newValue", f.newValue());
        }
        return m;
    }
}
