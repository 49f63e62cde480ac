package dev.pgbridge.server.api;

import dev.pgbridge.server.auth.Role;
import dev.pgbridge.server.services.ServerServices;

import java.util.LinkedHashMap;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/** {@code GET /api/v1/health} (public, no tenant data) and {@code GET /api/v1/me} (who the token is). */
public final class HealthApi implements ApiModule {
    private final ServerServices services;

    public HealthApi(ServerServices services) {
        this.services = requireNonNull(services, "services is null");
    }

    @Override
    public void register(Api api) {
        api.get("/health", "Whether the server is up", null, (ctx, principal) -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", "ok");
            body.put("version", services.version());
            body.put("tls", services.secretChannel().tls());
            ctx.json(body);
        }).tag("health").response(200, api.schema("Health", """
                {"type": "object", "required": ["status"], "properties": {"status": {"type": "string", "enum": ["ok"]},
                 "version": {"type": "string"}, "tls": {"type": "boolean"}}}"""));
        api.get("/me", "Who the token belongs to: its tenant, name and role", Role.VIEWER, (ctx, principal) -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("tenant", principal.tenant());
            body.put("name", principal.name());
            body.put("role", principal.role().id());
            ctx.json(body);
        }).tag("health").response(200, api.schema("Me", """
                {"type": "object", "required": ["tenant", "name", "role"], "properties": {"tenant": {"type": "string"},
                 "name": {"type": "string"}, "role": {"type": "string", "enum": ["viewer", "editor", "admin", "agent"]}}}"""));
    }
}
