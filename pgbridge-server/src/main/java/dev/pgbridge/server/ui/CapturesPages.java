package dev.pgbridge.server.ui;

import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.server.auth.Role;
import dev.pgbridge.server.jobs.CaptureView;
import dev.pgbridge.server.jobs.JobRunner;
import dev.pgbridge.server.services.ServerServices;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpStatus;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * The captures page (nav "captures"): every capture of the tenant with its state, backfill progress, events, slot lag
 * and last error, start/stop buttons and a form to register one; a capture's own page that refreshes itself every 2 s
 * (htmx polling a fragment) so a user can watch it; and the tenant's scheduled workflows with a Run-now button.
 */
public final class CapturesPages implements UiModule {
    private final JobRunner jobs;
    private final Ui ui;

    public CapturesPages(ServerServices services, Ui ui) {
        this.jobs = requireNonNull(services, "services is null").jobs();
        this.ui = requireNonNull(ui, "ui is null");
    }

    @Override
    public void register(Ui routes) {
        routes.page("/captures", Role.VIEWER, (ctx, session) -> {
            String tenant = session.principal().tenant();
            Map<String, Object> model = new HashMap<>();
            model.put("page", new PageContext("Captures", session.principal(), session.csrfToken(), "captures"));
            model.put("captures", jobs.captures(tenant));
            model.put("workflows", jobs.workflows(tenant));
            model.put("notice", ctx.queryParam("notice"));
            ui.render(ctx, "captures/list.jte", model);
        });
        routes.page("/captures/{name}", Role.VIEWER, (ctx, session) -> {
            CaptureView capture = jobs.capture(session.principal().tenant(), ctx.pathParam("name"));
            Map<String, Object> model = new HashMap<>();
            PageContext page = new PageContext("Capture " + capture.name(), session.principal(), session.csrfToken(),
                    "captures");
            model.put("page", page);
            model.put("capture", capture);
            ui.render(ctx, "captures/detail.jte", model);
        });
        routes.page("/captures/{name}/status", Role.VIEWER, (ctx, session) -> {
            CaptureView capture = jobs.capture(session.principal().tenant(), ctx.pathParam("name"));
            Map<String, Object> model = new HashMap<>();
            model.put("page", new PageContext("Capture " + capture.name(), session.principal(), session.csrfToken(),
                    "captures"));
            model.put("capture", capture);
            ui.render(ctx, "captures/status.jte", model);
        });
        routes.action(HandlerType.POST, "/captures", Role.EDITOR, (ctx, session) -> {
            CaptureView c = jobs.registerCapture(session.principal().tenant(), ctx.formParam("name"),
                    required(ctx, "config"), "on".equals(ctx.formParam("start")));
            ctx.redirect("/captures/" + encode(c.name()), HttpStatus.SEE_OTHER);
        });
        routes.action(HandlerType.POST, "/captures/{name}/start", Role.EDITOR, (ctx, session) -> {
            CaptureView c = jobs.startCapture(session.principal().tenant(), ctx.pathParam("name"));
            back(ctx, c.name());
        });
        routes.action(HandlerType.POST, "/captures/{name}/stop", Role.EDITOR, (ctx, session) -> {
            CaptureView c = jobs.stopCapture(session.principal().tenant(), ctx.pathParam("name"));
            back(ctx, c.name());
        });
        routes.action(HandlerType.POST, "/captures/{name}/delete", Role.EDITOR, (ctx, session) -> {
            String name = ctx.pathParam("name");
            jobs.deleteCapture(session.principal().tenant(), name);
            ctx.redirect("/captures?notice=" + encode("capture " + name + " deleted; its replication slot stays on "
                    + "the source until 'pgbridge capture drop' removes it"), HttpStatus.SEE_OTHER);
        });
        routes.action(HandlerType.POST, "/workflows", Role.EDITOR, (ctx, session) -> {
            var w = jobs.registerWorkflow(session.principal().tenant(), ctx.formParam("name"), required(ctx, "config"),
                    ctx.formParam("schedule"));
            ctx.redirect("/captures?notice=" + encode("workflow " + w.name() + " registered") + "#workflows",
                    HttpStatus.SEE_OTHER);
        });
        routes.action(HandlerType.POST, "/workflows/{name}/run", Role.EDITOR, (ctx, session) -> {
            var w = jobs.runWorkflow(session.principal().tenant(), ctx.pathParam("name"));
            ctx.redirect("/captures?notice=" + encode("workflow " + w.name() + " is running") + "#workflows",
                    HttpStatus.SEE_OTHER);
        });
        routes.action(HandlerType.POST, "/workflows/{name}/delete", Role.EDITOR, (ctx, session) -> {
            String name = ctx.pathParam("name");
            jobs.deleteWorkflow(session.principal().tenant(), name);
            ctx.redirect("/captures?notice=" + encode("workflow " + name + " deleted") + "#workflows",
                    HttpStatus.SEE_OTHER);
        });
    }

    private static String required(Context ctx, String field) {
        String value = ctx.formParam(field);
        if (value == null || value.isBlank()) {
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG, field + " is empty", "paste the " + field
                    + " (YAML, as the CLI takes it) into the form");
        }
        return value;
    }

    /** Back to the page the button was on: the capture's own page or the list. */
    private static void back(Context ctx, String name) {
        String to = "detail".equals(ctx.formParam("from")) ? "/captures/" + encode(name) : "/captures";
        ctx.redirect(to, HttpStatus.SEE_OTHER);
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Bytes for people: {@code 512 B}, {@code 1.5 MB}; {@code -} when unknown. */
    public static String bytes(Long bytes) {
        if (bytes == null) {
            return "-";
        }
        String[] units = {"B", "kB", "MB", "GB", "TB"};
        double v = bytes;
        int u = 0;
        while (Math.abs(v) >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? bytes + " B" : String.format(java.util.Locale.ROOT, "%.1f %s", v, units[u]);
    }

    /** An event rate with one decimal. */
    public static String rate(double perSecond) {
        return String.format(java.util.Locale.ROOT, "%.1f", perSecond);
    }

    /** A time as ISO text, {@code -} when none. */
    public static String time(java.time.Instant instant) {
        return instant == null ? "-" : instant.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    }
}
