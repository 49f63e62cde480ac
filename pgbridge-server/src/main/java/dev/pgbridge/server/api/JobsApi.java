package dev.pgbridge.server.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.server.auth.Role;
import dev.pgbridge.server.jobs.CaptureView;
import dev.pgbridge.server.jobs.JobRunner;
import dev.pgbridge.server.jobs.WorkflowView;
import dev.pgbridge.server.services.ServerServices;
import io.javalin.http.Context;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * Managed jobs: {@code /captures} (register, list, show with backfill progress, events, events/s, slot lag and last
 * error; start, stop, delete) and {@code /workflows} (register with an optional cron schedule, list, show, run now,
 * delete). Viewers read, editors change; every route works in the caller's tenant only.
 */
public final class JobsApi implements ApiModule {
    private final JobRunner jobs;

    public JobsApi(ServerServices services) {
        this.jobs = requireNonNull(services, "services is null").jobs();
    }

    @Override
    public void register(Api api) {
        api.schema("CaptureTable", """
                {"type": "object", "properties": {"table": {"type": "string"},
                 "backfill": {"type": "string", "description": "not started, pending, running, done or skipped"},
                 "mode": {"type": ["string", "null"]}, "rows_read": {"type": "integer"},
                 "estimated_rows": {"type": ["integer", "null"]}, "progress": {"type": ["string", "null"]},
                 "events": {"type": "integer"}, "last_commit_time": {"type": ["string", "null"]}}}""");
        api.schema("Capture", """
                {"type": "object", "required": ["name", "state", "desired_state", "events"],
                 "properties": {"name": {"type": "string"},
                  "state": {"type": "string", "enum": ["starting", "running", "stopping", "stopped", "failed"]},
                  "desired_state": {"type": "string", "enum": ["running", "stopped"]},
                  "slot": {"type": "string"}, "publication": {"type": "string"}, "sink": {"type": "string"},
                  "events": {"type": "integer", "description": "events handed to the sink, backfill rows included, across restarts"},
                  "events_per_second": {"type": "number"},
                  "slot_lag_bytes": {"type": ["integer", "null"], "description": "pg_current_wal_lsn() - confirmed_flush_lsn"},
                  "slot_active": {"type": ["boolean", "null"]},
                  "checkpoint_lsn": {"type": ["string", "null"]}, "checkpoint_time": {"type": ["string", "null"]},
                  "backfill": {"type": "string", "description": "tables backfilled, e.g. 1/2"},
                  "tables": {"type": "array", "items": {"$ref": "#/components/schemas/CaptureTable"}},
                  "last_run_at": {"type": ["string", "null"]}, "last_error": {"type": ["string", "null"]},
                  "config": {"type": "string"}}}""");
        api.schema("CaptureList", """
                {"type": "object", "properties": {"captures": {"type": "array",
                 "items": {"$ref": "#/components/schemas/Capture"}}, "total_entries": {"type": "integer"}}}""");
        api.schema("NewCapture", """
                {"type": "object", "required": ["config"], "properties": {
                 "name": {"type": "string", "description": "default: the config's name (default: its slot name)"},
                 "config": {"description": "the capture config as 'pgbridge capture run --config' reads it (YAML or JSON text, or a JSON object); sources and sinks name saved connections of the tenant ('connection: <conn_id>'): no inline password",
                  "type": ["string", "object"]},
                 "start": {"type": "boolean", "description": "start it at once (default true)"}}}""");
        api.schema("Workflow", """
                {"type": "object", "required": ["name", "desired_state", "running"],
                 "properties": {"name": {"type": "string"}, "pipeline_type": {"type": ["string", "null"]},
                  "schedule": {"type": ["string", "null"], "description": "5-field cron, UTC"},
                  "desired_state": {"type": "string", "enum": ["running", "stopped"]},
                  "next_run": {"type": ["string", "null"]}, "running": {"type": "boolean"},
                  "last_run_at": {"type": ["string", "null"]},
                  "last_result": {"type": ["string", "null"], "enum": ["running", "ok", "failed", null]},
                  "last_error": {"type": ["string", "null"]}, "processed": {"type": ["integer", "null"]},
                  "config": {"type": "string"}}}""");
        api.schema("WorkflowList", """
                {"type": "object", "properties": {"workflows": {"type": "array",
                 "items": {"$ref": "#/components/schemas/Workflow"}}, "total_entries": {"type": "integer"}}}""");
        api.schema("NewWorkflow", """
                {"type": "object", "required": ["config"], "properties": {
                 "name": {"type": "string", "description": "default: the workflow's serviceName"},
                 "config": {"description": "the workflow as 'pgbridge metadata run --config' reads it (OpenMetadata's YAML shape, or JSON); serviceConnection.config.connection names a saved connection of the tenant: no inline password",
                  "type": ["string", "object"]},
                 "schedule": {"type": "string", "description": "5-field cron (minute hour day-of-month month day-of-week), UTC"}}}""");

        api.get("/captures", "List the tenant's captures", Role.VIEWER, (ctx, principal) -> {
            List<CaptureView> captures = jobs.captures(principal.tenant());
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("captures", captures.stream().map(JobsApi::json).toList());
            body.put("total_entries", captures.size());
            ctx.json(body);
        }).tag("captures").response(200, Api.ref("CaptureList"));
        api.post("/captures", "Register a capture (and start it)", Role.EDITOR, (ctx, principal) -> {
            JsonNode body = body(ctx);
            boolean start = !body.has("start") || body.get("start").asBoolean(true);
            ctx.status(201).json(json(jobs.registerCapture(principal.tenant(), text(body, "name"), config(body), start)));
        }).tag("captures").body(Api.ref("NewCapture")).response(201, Api.ref("Capture"));
        api.get("/captures/{name}", "A capture: state, backfill progress per table, events, events/s, slot lag, "
                + "last error", Role.VIEWER, (ctx, principal) ->
                ctx.json(json(jobs.capture(principal.tenant(), ctx.pathParam("name")))))
                .tag("captures").response(200, Api.ref("Capture")).response(404, Api.ref("Error"));
        api.post("/captures/{name}/start", "Start a capture (it resumes from its checkpoint)", Role.EDITOR,
                (ctx, principal) -> ctx.json(json(jobs.startCapture(principal.tenant(), ctx.pathParam("name")))))
                .tag("captures").response(200, Api.ref("Capture")).response(404, Api.ref("Error"));
        api.post("/captures/{name}/stop", "Stop a capture: flushed, checkpointed and confirmed when this returns",
                Role.EDITOR, (ctx, principal) -> ctx.json(json(jobs.stopCapture(principal.tenant(), ctx.pathParam("name")))))
                .tag("captures").response(200, Api.ref("Capture")).response(404, Api.ref("Error"));
        api.delete("/captures/{name}", "Stop and delete a capture and its checkpoint", Role.EDITOR, (ctx, principal) -> {
            jobs.deleteCapture(principal.tenant(), ctx.pathParam("name"));
            ctx.status(204);
        }).tag("captures").description("The replication slot and publication stay on the source (they may serve "
                + "another run); 'pgbridge capture drop --config FILE' removes them.")
                .response(204, null).response(404, Api.ref("Error"));

        api.get("/workflows", "List the tenant's metadata workflows", Role.VIEWER, (ctx, principal) -> {
            List<WorkflowView> workflows = jobs.workflows(principal.tenant());
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("workflows", workflows.stream().map(JobsApi::json).toList());
            body.put("total_entries", workflows.size());
            ctx.json(body);
        }).tag("workflows").response(200, Api.ref("WorkflowList"));
        api.post("/workflows", "Register a metadata workflow, with an optional cron schedule", Role.EDITOR,
                (ctx, principal) -> {
                    JsonNode body = body(ctx);
                    ctx.status(201).json(json(jobs.registerWorkflow(principal.tenant(), text(body, "name"), config(body),
                            text(body, "schedule"))));
                }).tag("workflows").body(Api.ref("NewWorkflow")).response(201, Api.ref("Workflow"));
        api.get("/workflows/{name}", "A workflow: schedule, next run, last run and its result", Role.VIEWER,
                (ctx, principal) -> ctx.json(json(jobs.workflow(principal.tenant(), ctx.pathParam("name")))))
                .tag("workflows").response(200, Api.ref("Workflow")).response(404, Api.ref("Error"));
        api.post("/workflows/{name}/run", "Run a workflow now (in the background)", Role.EDITOR, (ctx, principal) ->
                ctx.status(202).json(json(jobs.runWorkflow(principal.tenant(), ctx.pathParam("name")))))
                .tag("workflows").response(202, Api.ref("Workflow")).response(404, Api.ref("Error"))
                .response(409, Api.ref("Error"));
        api.delete("/workflows/{name}", "Delete a workflow", Role.EDITOR, (ctx, principal) -> {
            jobs.deleteWorkflow(principal.tenant(), ctx.pathParam("name"));
            ctx.status(204);
        }).tag("workflows").response(204, null).response(404, Api.ref("Error"));
    }

    private static JsonNode body(Context ctx) {
        return Api.objectBody(ctx.body(), "{\"name\": \"orders\", \"config\": \"…\"}");
    }

    private static String text(JsonNode body, String field) {
        JsonNode n = body.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }

    /** {@code config}: YAML/JSON text, or a JSON object (JSON is YAML). */
    private static String config(JsonNode body) {
        JsonNode n = body.get("config");
        if (n == null || n.isNull() || (n.isTextual() && n.asText().isBlank())) {
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "config is missing",
                    "give the config as text (YAML or JSON) or as a JSON object");
        }
        return n.isTextual() ? n.asText() : n.toString();
    }

    static Map<String, Object> json(CaptureView c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", c.name());
        m.put("state", c.state());
        m.put("desired_state", c.desired());
        m.put("slot", c.slot());
        m.put("publication", c.publication());
        m.put("sink", c.sink());
        m.put("events", c.events());
        m.put("events_per_second", Math.round(c.eventsPerSecond() * 10) / 10.0);
        m.put("slot_lag_bytes", c.slotLagBytes());
        m.put("slot_active", c.slotActive());
        m.put("checkpoint_lsn", c.checkpointLsn());
        m.put("checkpoint_time", text(c.checkpointTime()));
        m.put("backfill", c.backfillSummary());
        m.put("tables", c.tables().stream().map(t -> {
            Map<String, Object> tm = new LinkedHashMap<>();
            tm.put("table", t.table());
            tm.put("backfill", t.backfill());
            tm.put("mode", t.mode());
            tm.put("rows_read", t.rowsRead());
            tm.put("estimated_rows", t.estimatedRows());
            tm.put("progress", t.progress());
            tm.put("events", t.events());
            tm.put("last_commit_time", t.lastCommitTime());
            return tm;
        }).toList());
        m.put("last_run_at", text(c.lastRunAt()));
        m.put("last_error", c.lastError());
        m.put("config", c.config());
        return m;
    }

    static Map<String, Object> json(WorkflowView w) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", w.name());
        m.put("pipeline_type", w.pipelineType());
        m.put("schedule", w.schedule());
        m.put("desired_state", w.desired());
        m.put("next_run", text(w.nextRun()));
        m.put("running", w.running());
        m.put("last_run_at", text(w.lastRunAt()));
        m.put("last_result", w.lastResult());
        m.put("last_error", w.lastError());
        m.put("processed", w.processed());
        m.put("config", w.config());
        return m;
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
