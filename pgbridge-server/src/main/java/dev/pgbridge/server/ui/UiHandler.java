package dev.pgbridge.server.ui;

import dev.pgbridge.server.auth.Sessions;
import io.javalin.http.Context;

/** A web UI handler: the request and its logged-in session (the principal and CSRF token are in it). */
@FunctionalInterface
public interface UiHandler {
    void handle(Context ctx, Sessions.Session session) throws Exception;
}
