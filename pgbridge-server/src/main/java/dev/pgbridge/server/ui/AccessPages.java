package dev.pgbridge.server.ui;

import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.secret.Secret;
import dev.pgbridge.server.api.ErrorResponses;
import dev.pgbridge.server.auth.AuditLog;
import dev.pgbridge.server.auth.Principal;
import dev.pgbridge.server.auth.Role;
import dev.pgbridge.server.auth.Sessions;
import dev.pgbridge.server.auth.TokenStore;
import dev.pgbridge.server.auth.UserStore;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Admin → Users &amp; tokens: the tenant's users and API tokens (admins only). Add a user, delete one (not oneself),
 * create a token (its text shown once, on the answer to the create request, and never again), revoke one. Every
 * change is written to the audit log; the tenant is always the admin's own.
 */
public final class AccessPages implements UiModule {
    static final String BASE = "/admin/access";
    /** The lifetimes offered for a new token, in days (0: never expires). */
    static final List<Integer> LIFETIMES = List.of(30, 7, 1, 90, 365, 0);

    private final UserStore users;
    private final TokenStore tokens;
    private final AuditLog audit;
    private final Clock clock;
    private final Ui ui;

    public AccessPages(UserStore users, TokenStore tokens, AuditLog audit, Clock clock, Ui ui) {
        this.users = requireNonNull(users, "users is null");
        this.tokens = requireNonNull(tokens, "tokens is null");
        this.audit = requireNonNull(audit, "audit is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.ui = requireNonNull(ui, "ui is null");
    }

    @Override
    public void register(Ui routes) {
        routes.page(BASE, Role.ADMIN, (ctx, session) -> render(ctx, session, null, null, null));
        routes.action(HandlerType.POST, BASE + "/users", Role.ADMIN, this::addUser);
        routes.action(HandlerType.POST, BASE + "/users/{name}/delete", Role.ADMIN, this::deleteUser);
        routes.action(HandlerType.POST, BASE + "/tokens", Role.ADMIN, this::createToken);
        routes.action(HandlerType.POST, BASE + "/tokens/{id}/revoke", Role.ADMIN, this::revokeToken);
    }

    /** What the page shows: users, tokens (never their text), the one-time text of a token just made, a notice. */
    public record View(List<UserStore.User> users, List<TokenStore.Token> tokens, String newToken,
                       TokenStore.Token newTokenInfo, String notice, List<Integer> lifetimes, java.time.Instant now) {
        public View {
            users = List.copyOf(users);
            tokens = List.copyOf(tokens);
        }

        public List<Role> userRoles() {
            return List.of(Role.VIEWER, Role.EDITOR, Role.ADMIN);
        }

        public List<Role> tokenRoles() {
            return List.of(Role.AGENT, Role.VIEWER, Role.EDITOR);
        }

        public String lifetimeLabel(int days) {
            return days == 0 ? "never expires" : days == 1 ? "1 day" : days + " days";
        }
    }

    private void addUser(Context ctx, Sessions.Session session) {
        Principal admin = session.principal();
        String name = Optional.ofNullable(ctx.formParam("name")).map(String::strip).orElse("");
        String password = Optional.ofNullable(ctx.formParam("password")).orElse("");
        try {
            Role role = Role.parse(ctx.formParam("role"));
            if (role == Role.AGENT) {
                throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "users cannot have the agent role",
                        "give task runners an agent token instead (Create a token below)");
            }
            if (users.list(admin.tenant()).stream().anyMatch(u -> u.name().equals(name))) {
                throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "user " + name + " already exists in tenant " + admin.tenant(),
                        "pick another name, or delete the user first; to reset a password use pgbridge server user add");
            }
            users.put(admin.tenant(), name, role, Secret.of(password));
            audit.record(admin, "user.add", null, ctx.ip());
            ctx.redirect(BASE + "?added=" + java.net.URLEncoder.encode(name, java.nio.charset.StandardCharsets.UTF_8));
        }
        catch (PgBridgeException e) {
            ctx.status(ErrorResponses.status(e.code()));
            render(ctx, session, e, null, null);
        }
    }

    private void deleteUser(Context ctx, Sessions.Session session) {
        Principal admin = session.principal();
        String name = ctx.pathParam("name");
        if (name.equals(admin.name())) {
            throw new PgBridgeException(ErrorCode.FORBIDDEN, "you cannot delete your own user while logged in as it",
                    "log in as another admin of tenant " + admin.tenant() + " to delete " + name);
        }
        if (!users.delete(admin.tenant(), name)) {
            throw new PgBridgeException(ErrorCode.NOT_FOUND, "no user '" + name + "' in tenant '" + admin.tenant() + "'",
                    "reload the page to see the tenant's users");
        }
        audit.record(admin, "user.delete", null, ctx.ip());
        redirect(ctx, BASE + "?deleted=user");
    }

    private void createToken(Context ctx, Sessions.Session session) {
        Principal admin = session.principal();
        try {
            Role role = Role.parse(ctx.formParam("role"));
            int days = parseDays(ctx.formParam("expires_days"));
            String description = Optional.ofNullable(ctx.formParam("description")).map(String::strip).filter(d -> !d.isEmpty())
                    .orElse("made in the web UI by " + admin.name());
            TokenStore.Created created = tokens.create(admin.tenant(), role, days == 0 ? null : Duration.ofDays(days), description);
            audit.record(admin, "token.create", null, ctx.ip());
            render(ctx, session, null, created, null);
        }
        catch (PgBridgeException e) {
            ctx.status(ErrorResponses.status(e.code()));
            render(ctx, session, e, null, null);
        }
    }

    private void revokeToken(Context ctx, Sessions.Session session) {
        Principal admin = session.principal();
        String id = ctx.pathParam("id");
        if (!tokens.revoke(admin.tenant(), id)) {
            throw new PgBridgeException(ErrorCode.NOT_FOUND, "no token '" + id + "' in tenant '" + admin.tenant() + "'",
                    "reload the page to see the tenant's tokens");
        }
        audit.record(admin, "token.revoke", null, ctx.ip());
        redirect(ctx, BASE + "?deleted=token");
    }

    /** A redirect after a change: htmx (the confirm dialog's request) is told to load the page, a plain form gets a 302. */
    private static void redirect(Context ctx, String target) {
        if (Ui.htmx(ctx)) {
            ctx.header("HX-Redirect", target);
            ctx.status(204);
        }
        else {
            ctx.redirect(target);
        }
    }

    private static int parseDays(String text) {
        try {
            int days = Integer.parseInt(text == null ? "30" : text.strip());
            if (days < 0 || days > 3650) {
                throw new NumberFormatException();
            }
            return days;
        }
        catch (NumberFormatException e) {
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "a token's lifetime must be 0 (never) to 3650 days",
                    "pick one of the lifetimes in the list");
        }
    }

    private void render(Context ctx, Sessions.Session session, PgBridgeException error, TokenStore.Created created,
                        String notice) {
        String tenant = session.principal().tenant();
        String shown = notice;
        if (shown == null && ctx.queryParam("added") != null) {
            shown = "Added user " + ctx.queryParam("added") + ".";
        }
        else if (shown == null && "user".equals(ctx.queryParam("deleted"))) {
            shown = "Deleted the user.";
        }
        else if (shown == null && "token".equals(ctx.queryParam("deleted"))) {
            shown = "Revoked the token.";
        }
        Map<String, Object> model = new HashMap<>();
        model.put("page", new PageContext("Users & tokens", session.principal(), session.csrfToken(), "access"));
        model.put("view", new View(users.list(tenant), tokens.list(tenant), created == null ? null : created.text().reveal(),
                created == null ? null : created.token(), shown, LIFETIMES, clock.instant()));
        model.put("error", error);
        ui.render(ctx, "access/access.jte", model);
    }
}
