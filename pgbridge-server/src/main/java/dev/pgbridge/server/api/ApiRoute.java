package dev.pgbridge.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgbridge.server.auth.Role;
import io.javalin.http.HandlerType;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * One REST route as declared once: Javalin serves it and the OpenAPI document describes it from the same object, so
 * the two cannot drift. Built fluently by {@link Api#get} and friends.
 */
public final class ApiRoute {
    /** A query or path parameter. */
    public record Param(String name, String in, String type, boolean required, String description) {}

    final HandlerType method;
    final String path;
    final String summary;
    final Role role;
    final ApiHandler handler;
    String tag = "default";
    String description;
    final List<Param> params = new ArrayList<>();
    JsonNode requestSchema;
    final Map<Integer, JsonNode> responses = new LinkedHashMap<>();
    String responseContentType = "application/json";

    ApiRoute(HandlerType method, String path, String summary, Role role, ApiHandler handler) {
        this.method = requireNonNull(method, "method is null");
        this.path = requireNonNull(path, "path is null");
        this.summary = requireNonNull(summary, "summary is null");
        this.role = role;
        this.handler = requireNonNull(handler, "handler is null");
    }

    public ApiRoute tag(String tag) {
        this.tag = tag;
        return this;
    }

    public ApiRoute description(String description) {
        this.description = description;
        return this;
    }

    /** A query parameter ({@code type} is a JSON-schema type: string, integer, boolean, number). */
    public ApiRoute query(String name, String type, String description) {
        params.add(new Param(name, "query", type, false, description));
        return this;
    }

    /** The request body's schema (a JSON schema, or {@code {"$ref": "#/components/schemas/X"}} via {@link Api#ref}). */
    public ApiRoute body(JsonNode schema) {
        this.requestSchema = schema;
        return this;
    }

    /** A response status and its body schema (null for no body). */
    public ApiRoute response(int status, JsonNode schema) {
        responses.put(status, schema);
        return this;
    }

    /** The content type of the 2xx response body (default application/json). */
    public ApiRoute produces(String contentType) {
        this.responseContentType = contentType;
        return this;
    }

    public HandlerType method() {
        return method;
    }

    /** The path below the API root in Javalin's form ({@code /connections/{connection_id}}). */
    public String path() {
        return path;
    }

    /** The role the caller needs; null for a public route. */
    public Role role() {
        return role;
    }

    public ApiHandler handler() {
        return handler;
    }
}
