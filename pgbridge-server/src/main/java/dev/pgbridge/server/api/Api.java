package dev.pgbridge.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgbridge.server.auth.Role;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The REST API under {@value #ROOT}: every route and schema declared once by the {@link ApiModule}s, served by Javalin
 * and described by {@link #openApi()} from the same declarations.
 */
public final class Api {
    public static final String ROOT = "/api/v1";
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PATH_PARAM = Pattern.compile("\\{([A-Za-z0-9_]+)}");

    /** A strong entity tag of {@code bytes}: the first 8 bytes of their SHA-256 in hex, quoted. */
    public static String etag(byte[] bytes) {
        try {
            return "\"" + HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(bytes), 0, 8) + "\"";
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** Sends {@code etag} and, when the client's {@code If-None-Match} names it, answers 304: returns true then. */
    public static boolean notModified(Context ctx, String etag) {
        ctx.header("ETag", etag);
        if (etag.equals(ctx.header("If-None-Match"))) {
            ctx.status(304);
            return true;
        }
        return false;
    }

    private final List<ApiRoute> routes = new ArrayList<>();
    private final Map<String, JsonNode> schemas = new LinkedHashMap<>();
    private final String version;

    public Api(String version) {
        this.version = version;
    }

    public ApiRoute get(String path, String summary, Role role, ApiHandler handler) {
        return add(HandlerType.GET, path, summary, role, handler);
    }

    public ApiRoute post(String path, String summary, Role role, ApiHandler handler) {
        return add(HandlerType.POST, path, summary, role, handler);
    }

    public ApiRoute patch(String path, String summary, Role role, ApiHandler handler) {
        return add(HandlerType.PATCH, path, summary, role, handler);
    }

    public ApiRoute put(String path, String summary, Role role, ApiHandler handler) {
        return add(HandlerType.PUT, path, summary, role, handler);
    }

    public ApiRoute delete(String path, String summary, Role role, ApiHandler handler) {
        return add(HandlerType.DELETE, path, summary, role, handler);
    }

    /** Declares a component schema (a JSON schema as text) and returns a {@code $ref} to it. */
    public JsonNode schema(String name, String jsonSchema) {
        try {
            schemas.put(name, JSON.readTree(jsonSchema));
        }
        catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("schema " + name + " is not JSON: " + e.getOriginalMessage(), e);
        }
        return ref(name);
    }

    public static JsonNode ref(String name) {
        return JSON.createObjectNode().put("$ref", "#/components/schemas/" + name);
    }

    /**
     * A request body read as a JSON object, or INVALID_DATA (400) saying where it stops being one. The message gives the
     * line and column only, never Jackson's own text: that quotes the offending token, which may be a password or a
     * bind value. {@code example} is the shape to show in the hint.
     */
    public static com.fasterxml.jackson.databind.node.ObjectNode objectBody(String text, String example) {
        JsonNode body;
        try {
            body = JSON.readTree(text == null ? "" : text);
        }
        catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            com.fasterxml.jackson.core.JsonLocation at = e.getLocation();
            throw new dev.pgbridge.error.PgBridgeException(dev.pgbridge.error.ErrorCode.INVALID_DATA,
                    "the request body is not JSON" + (at == null ? "" : " (line " + at.getLineNr() + ", column "
                            + at.getColumnNr() + ")"), "send a JSON object like " + example);
        }
        if (body == null || !body.isObject()) {
            throw new dev.pgbridge.error.PgBridgeException(dev.pgbridge.error.ErrorCode.INVALID_DATA,
                    "the request body must be a JSON object", "send a JSON object like " + example);
        }
        return (com.fasterxml.jackson.databind.node.ObjectNode) body;
    }

    /** {@code {"type": "array", "items": item}}. */
    public static JsonNode arrayOf(JsonNode item) {
        ObjectNode node = JSON.createObjectNode().put("type", "array");
        node.set("items", item);
        return node;
    }

    public List<ApiRoute> routes() {
        return List.copyOf(routes);
    }

    public Optional<JsonNode> componentSchema(String name) {
        return Optional.ofNullable(schemas.get(name));
    }

    /** The OpenAPI 3.1 document of every declared route. */
    public ObjectNode openApi() {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("openapi", "3.1.0");
        ObjectNode info = doc.putObject("info");
        info.put("title", "pgbridge API");
        info.put("version", version);
        info.put("description", "Connections (Airflow's REST shape), catalog, query, captures, metadata and the agent "
                + "channel of a pgbridge server. Every route but health needs 'Authorization: Bearer <token>'.");
        doc.putArray("servers").addObject().put("url", ROOT);
        ObjectNode paths = doc.putObject("paths");
        for (ApiRoute route : routes) {
            ObjectNode pathItem = paths.has(route.path) ? (ObjectNode) paths.get(route.path) : paths.putObject(route.path);
            ObjectNode op = pathItem.putObject(route.method.name().toLowerCase(java.util.Locale.ROOT));
            op.put("summary", route.summary);
            if (route.description != null) {
                op.put("description", route.description);
            }
            op.putArray("tags").add(route.tag);
            op.put("operationId", operationId(route));
            ArrayNode params = JSON.createArrayNode();
            Matcher m = PATH_PARAM.matcher(route.path);
            while (m.find()) {
                ObjectNode p = params.addObject();
                p.put("name", m.group(1));
                p.put("in", "path");
                p.put("required", true);
                p.putObject("schema").put("type", "string");
            }
            for (ApiRoute.Param param : route.params) {
                ObjectNode p = params.addObject();
                p.put("name", param.name());
                p.put("in", param.in());
                p.put("required", param.required());
                if (param.description() != null) {
                    p.put("description", param.description());
                }
                p.putObject("schema").put("type", param.type());
            }
            if (!params.isEmpty()) {
                op.set("parameters", params);
            }
            if (route.requestSchema != null) {
                ObjectNode body = op.putObject("requestBody");
                body.put("required", true);
                body.putObject("content").putObject("application/json").set("schema", route.requestSchema);
            }
            ObjectNode responses = op.putObject("responses");
            if (route.responses.isEmpty()) {
                responses.putObject("200").put("description", "OK");
            }
            route.responses.forEach((status, schema) -> {
                ObjectNode r = responses.putObject(String.valueOf(status));
                r.put("description", status < 300 ? "OK" : "Error");
                if (schema != null) {
                    String type = status < 300 ? route.responseContentType : "application/json";
                    r.putObject("content").putObject(type).set("schema", schema);
                }
            });
            if (route.role != null) {
                responses.putObject("401").put("description", "No valid token")
                        .putObject("content").putObject("application/json").set("schema", ref("Error"));
                responses.putObject("403").put("description", "The token's role may not do this")
                        .putObject("content").putObject("application/json").set("schema", ref("Error"));
                op.putArray("security").addObject().putArray("bearer");
                op.put("x-pgbridge-role", route.role.id());
            }
        }
        ObjectNode components = doc.putObject("components");
        ObjectNode schemaNode = components.putObject("schemas");
        schemaNode.set("Error", errorSchema());
        schemas.forEach(schemaNode::set);
        components.putObject("securitySchemes").putObject("bearer").put("type", "http").put("scheme", "bearer");
        return doc;
    }

    private ApiRoute add(HandlerType method, String path, String summary, Role role, ApiHandler handler) {
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("an API path starts with /: " + path);
        }
        for (ApiRoute r : routes) {
            if (r.method == method && r.path.equals(path)) {
                throw new IllegalArgumentException("route declared twice: " + method + " " + path);
            }
        }
        ApiRoute route = new ApiRoute(method, path, summary, role, handler);
        routes.add(route);
        return route;
    }

    private static String operationId(ApiRoute route) {
        StringBuilder id = new StringBuilder(route.method.name().toLowerCase(java.util.Locale.ROOT));
        for (String part : route.path.split("[/{}_-]+")) {
            if (!part.isEmpty()) {
                id.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
            }
        }
        return id.toString();
    }

    private static JsonNode errorSchema() {
        try {
            return JSON.readTree("""
                    {"type": "object", "required": ["error", "message"],
                     "properties": {"error": {"type": "string", "description": "the error code, e.g. CONNECTION_NOT_FOUND"},
                                    "message": {"type": "string"}, "hint": {"type": "string"}}}""");
        }
        catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
