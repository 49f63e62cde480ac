package dev.pgbridge.server.api;

import dev.pgbridge.server.auth.Principal;
import io.javalin.http.Context;

/** A REST handler: the request and who made it (null only on public routes). Tenant data is scoped by the principal. */
@FunctionalInterface
public interface ApiHandler {
    void handle(Context ctx, Principal principal) throws Exception;
}
