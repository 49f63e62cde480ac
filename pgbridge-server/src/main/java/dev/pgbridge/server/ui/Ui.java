package dev.pgbridge.server.ui;

import dev.pgbridge.server.auth.Role;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * The web UI's routes and its template engine. Pages are GETs that need a live session (else a redirect to the login
 * page); actions are POST/PATCH/DELETE that also need the session's CSRF token. Templates are jte, compiled at build
 * time from {@code src/main/jte} (escaped by default).
 */
public final class Ui {
    /** A UI route as declared by a module; PgBridgeServer wires the session and CSRF checks around it. */
    public record Route(HandlerType method, String path, Role role, UiHandler handler) {}

    private final TemplateEngine templates;
    private final List<Route> routes = new ArrayList<>();

    public Ui(TemplateEngine templates) {
        this.templates = requireNonNull(templates, "templates is null");
    }

    /** A page (GET) for a logged-in user whose role allows {@code role}. */
    public void page(String path, Role role, UiHandler handler) {
        routes.add(new Route(HandlerType.GET, path, role, handler));
    }

    /** A state-changing action (POST, PATCH, PUT or DELETE): session, role and CSRF token are checked first. */
    public void action(HandlerType method, String path, Role role, UiHandler handler) {
        if (method.equals(HandlerType.GET)) {
            throw new IllegalArgumentException("an action changes state: not GET (" + path + ")");
        }
        routes.add(new Route(method, path, role, handler));
    }

    public List<Route> routes() {
        return List.copyOf(routes);
    }

    /** Renders template {@code name} (e.g. {@code "connections/list.jte"}) with {@code model} as the HTML response. */
    public void render(Context ctx, String name, Map<String, Object> model) {
        ctx.html(render(name, model));
    }

    public String render(String name, Map<String, Object> model) {
        StringOutput out = new StringOutput();
        templates.render(name, model, out);
        return out.toString();
    }

    /** Whether the request came from htmx (then a fragment is answered, not a whole page). */
    public static boolean htmx(Context ctx) {
        return "true".equals(ctx.header("HX-Request"));
    }
}
