package dev.pgbridge.server.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgbridge.connection.AirflowJson;
import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.server.api.Api;
import dev.pgbridge.server.api.ApiModule;
import dev.pgbridge.server.auth.Principal;
import dev.pgbridge.server.auth.Role;
import dev.pgbridge.server.services.ServerServices;
import io.javalin.http.Context;

import static java.util.Objects.requireNonNull;

/**
 * The agent channel, after Airflow 3's task execution API ({@code GET /execution/connections/{connection_id}}):
 * a task runner holding an {@code agent} token reads one connection of the token's tenant with its secrets, in
 * Airflow's {@code ConnectionResponse} shape ({@code conn_id, conn_type, host, schema, login, password, port, extra}).
 *
 * <p>Only {@code agent} tokens: as in Airflow, where only the task's own token reads connections on this route, an
 * editor or admin token is refused (FORBIDDEN) — people read connections through the connections API, without the
 * password. Secrets go out only over TLS ({@link dev.pgbridge.server.auth.SecretChannel}); every delivery is audited by
 * {@code ConnectionService.readSecret} (who, which, when, from where); a connection of another tenant answers as
 * not found in the token's tenant; the response is never cached.
 */
public final class AgentApi implements ApiModule {
    /** The route below {@code /api/v1}. */
    public static final String CONNECTION_PATH = "/execution/connections/{connection_id}";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ServerServices services;

    public AgentApi(ServerServices services) {
        this.services = requireNonNull(services, "services is null");
    }

    @Override
    public void register(Api api) {
        api.get(CONNECTION_PATH, "A connection with its secrets, for a task runner (agent tokens, over TLS only)",
                        Role.AGENT, this::connection)
                .tag("agent")
                .description("Airflow 3's task execution API shape. Needs an agent token of the connection's tenant; "
                        + "a connection of another tenant is not found. Refused over plain HTTP (INSECURE_CHANNEL) unless "
                        + "the server runs with --insecure-http --allow-insecure-secrets. Every read is audited.")
                .response(200, api.schema("AgentConnection", """
                        {"type": "object", "required": ["conn_id", "conn_type"],
                         "properties": {"conn_id": {"type": "string"}, "conn_type": {"type": "string"},
                                        "host": {"type": ["string", "null"]},
                                        "schema": {"type": ["string", "null"], "description": "the database"},
                                        "login": {"type": ["string", "null"]}, "password": {"type": ["string", "null"]},
                                        "port": {"type": ["integer", "null"]},
                                        "extra": {"type": ["string", "null"], "description": "a JSON object as text"}}}"""))
                .response(403, Api.ref("Error"))
                .response(404, Api.ref("Error"));
    }

    private void connection(Context ctx, Principal principal) {
        services.secretChannel().requireSecure(ctx);
        String connId = ctx.pathParam("connection_id");
        ConnectionConfig config;
        try {
            config = services.connectionService().readSecret(principal, connId, ctx.ip());
        }
        catch (PgBridgeException e) {
            if (e.code() == ErrorCode.CONNECTION_NOT_FOUND) {
                throw notFound(principal, connId, e);
            }
            throw e;
        }
        ctx.header("Cache-Control", "no-store");
        ctx.header("Pragma", "no-cache");
        ctx.json(body(config));
    }

    /** Airflow's ConnectionResponse: the connection's Airflow fields (as {@code Connection.as_json}) plus conn_id. */
    static ObjectNode body(ConnectionConfig config) {
        JsonNode airflow;
        try {
            airflow = JSON.readTree(AirflowJson.build(config));
        }
        catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new PgBridgeException(ErrorCode.INTERNAL, "the connection's Airflow form is not JSON",
                    "this is a bug in pgbridge", e);
        }
        ObjectNode body = JSON.createObjectNode();
        body.put("conn_id", config.connId());
        for (String field : new String[] {"conn_type", "host", "schema", "login", "password", "port"}) {
            body.set(field, airflow.has(field) ? airflow.get(field) : JSON.nullNode());
        }
        body.put("extra", airflow.has("extra") ? airflow.get("extra").toString() : null);
        return body;
    }

    private static PgBridgeException notFound(Principal principal, String connId, PgBridgeException cause) {
        String id = safeId(connId);
        return new PgBridgeException(ErrorCode.CONNECTION_NOT_FOUND,
                "no connection '" + id + "' in tenant '" + principal.tenant() + "' (the token's tenant)",
                "a task sees only its token's tenant: save '" + id + "' in tenant " + principal.tenant()
                        + ", or run the task with an agent token of the tenant that has it "
                        + "(pgbridge server token create --tenant TENANT --role agent)", cause);
    }

    private static String safeId(String connId) {
        try {
            return ConnectionConfig.normalizeConnId(connId);
        }
        catch (PgBridgeException e) {
            return connId;
        }
    }
}
