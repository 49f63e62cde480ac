package dev.pgbridge.server.ui;

import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.secret.Secret;
import dev.pgbridge.server.auth.Authenticator;
import dev.pgbridge.server.auth.LoginThrottle;
import dev.pgbridge.server.auth.Principal;
import dev.pgbridge.server.auth.UserStore;
import io.javalin.http.Context;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The login form and logout. The login form carries a CSRF token of its own (a cookie-bound value, "double submit"),
 * failed logins are rate-limited per address and user, and a success starts a new session (no fixation).
 */
public final class LoginPages {
    static final String LOGIN_CSRF_COOKIE = "pgbridge_login_csrf";
    private final Ui ui;
    private final UserStore users;
    private final Authenticator authenticator;
    private final LoginThrottle throttle;
    private final boolean secureCookies;

    public LoginPages(Ui ui, UserStore users, Authenticator authenticator, LoginThrottle throttle, boolean secureCookies) {
        this.ui = requireNonNull(ui, "ui is null");
        this.users = requireNonNull(users, "users is null");
        this.authenticator = requireNonNull(authenticator, "authenticator is null");
        this.throttle = requireNonNull(throttle, "throttle is null");
        this.secureCookies = secureCookies;
    }

    public void form(Context ctx) {
        if (authenticator.session(ctx).isPresent()) {
            ctx.redirect("/");
            return;
        }
        render(ctx, ConnectionConfig.DEFAULT_TENANT, "", null);
    }

    public void submit(Context ctx) {
        String tenant = Optional.ofNullable(ctx.formParam("tenant")).filter(t -> !t.isBlank()).orElse(ConnectionConfig.DEFAULT_TENANT);
        String user = Optional.ofNullable(ctx.formParam("username")).orElse("").strip();
        String cookie = ctx.cookie(LOGIN_CSRF_COOKIE);
        String sent = ctx.formParam(Authenticator.CSRF_FIELD);
        if (cookie == null || !cookie.equals(sent)) {
            ctx.status(403);
            render(ctx, tenant, user, new PgBridgeException(ErrorCode.FORBIDDEN, "the login form's security token is missing or stale",
                    "reload the page and log in again"));
            return;
        }
        String remote = ctx.ip();
        Duration wait = throttle.retryAfter(remote, tenant + "/" + user);
        if (!wait.isZero()) {
            ctx.status(429);
            ctx.header("Retry-After", String.valueOf(Math.max(1, wait.toSeconds())));
            render(ctx, tenant, user, new PgBridgeException(ErrorCode.RATE_LIMITED,
                    "too many failed logins for " + user + " from this address",
                    "wait " + Math.max(1, wait.toMinutes()) + " minute(s) and try again, or ask an admin to reset the password"));
            return;
        }
        Secret password = Secret.of(Optional.ofNullable(ctx.formParam("password")).orElse(""));
        Optional<UserStore.User> found = users.authenticate(tenant, user, password);
        if (found.isEmpty()) {
            throttle.failed(remote, tenant + "/" + user);
            ctx.status(401);
            render(ctx, tenant, user, new PgBridgeException(ErrorCode.UNAUTHENTICATED,
                    "wrong tenant, user name or password", "check all three; an admin adds users with pgbridge server user add"));
            return;
        }
        throttle.succeeded(remote, tenant + "/" + user);
        UserStore.User u = found.get();
        authenticator.login(ctx, new Principal(u.tenant(), u.name(), u.role()));
        ctx.removeCookie(LOGIN_CSRF_COOKIE, "/");
        ctx.redirect("/");
    }

    public void logout(Context ctx) {
        authenticator.session(ctx).ifPresent(session -> Authenticator.checkCsrf(ctx, session));
        authenticator.logout(ctx);
        ctx.redirect("/login");
    }

    private void render(Context ctx, String tenant, String user, PgBridgeException error) {
        String csrf = java.util.UUID.randomUUID().toString();
        io.javalin.http.Cookie cookie = new io.javalin.http.Cookie(LOGIN_CSRF_COOKIE, csrf);
        cookie.setPath("/");
        cookie.setHttpOnly(true);
        cookie.setSecure(secureCookies);
        cookie.setSameSite(io.javalin.http.SameSite.STRICT);
        ctx.cookie(cookie);
        Map<String, Object> model = new HashMap<>();
        model.put("page", new PageContext("Log in", null, csrf, "login"));
        model.put("tenant", tenant);
        model.put("user", user);
        model.put("error", error == null ? null : error.getMessage());
        model.put("hint", error == null ? null : error.hint());
        ui.render(ctx, "login.jte", model);
    }
}
