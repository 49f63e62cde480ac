package dev.pgbridge.server.auth;

import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.SameSite;

import java.time.Clock;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Turns a request's credentials into a {@link Principal}: a Bearer token (API, agents) or the session cookie (web UI).
 * The session cookie is HttpOnly, SameSite=Strict and Secure whenever the server speaks TLS.
 */
public final class Authenticator {
    public static final String SESSION_COOKIE = "pgbridge_session";
    public static final String CSRF_HEADER = "X-CSRF-Token";
    public static final String CSRF_FIELD = "_csrf";

    private final TokenStore tokens;
    private final Sessions sessions;
    private final Clock clock;
    private final boolean secureCookies;

    public Authenticator(TokenStore tokens, Sessions sessions, Clock clock, boolean secureCookies) {
        this.tokens = requireNonNull(tokens, "tokens is null");
        this.sessions = requireNonNull(sessions, "sessions is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.secureCookies = secureCookies;
    }

    /** The principal of the request's Bearer token; UNAUTHENTICATED or TOKEN_EXPIRED otherwise. */
    public Principal bearer(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null || header.isBlank()) {
            throw new PgBridgeException(ErrorCode.UNAUTHENTICATED, "no token: this request needs an Authorization header",
                    "send 'Authorization: Bearer <token>'; an admin makes tokens with pgbridge server token create");
        }
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new PgBridgeException(ErrorCode.UNAUTHENTICATED, "the Authorization header is not a Bearer token",
                    "send 'Authorization: Bearer <token>'");
        }
        TokenStore.Token token = tokens.find(header.substring(7).strip()).orElseThrow(() -> new PgBridgeException(
                ErrorCode.UNAUTHENTICATED, "the token is not valid on this server (unknown or revoked)",
                "check that the whole token was copied, or ask an admin for a new one"));
        if (token.expired(clock.instant())) {
            throw new PgBridgeException(ErrorCode.TOKEN_EXPIRED, "token " + token.id() + " expired at " + token.expiresAt(),
                    "ask an admin of tenant " + token.tenant() + " for a new token (pgbridge server token create)");
        }
        return new Principal(token.tenant(), "token:" + token.id(), token.role());
    }

    /** The web session of the request's cookie, if it is live. */
    public Optional<Sessions.Session> session(Context ctx) {
        return sessions.find(ctx.cookie(SESSION_COOKIE));
    }

    public Sessions.Session login(Context ctx, Principal principal) {
        sessions.close(ctx.cookie(SESSION_COOKIE));
        Sessions.Session session = sessions.open(principal);
        Cookie cookie = new Cookie(SESSION_COOKIE, session.id());
        cookie.setPath("/");
        cookie.setHttpOnly(true);
        cookie.setSecure(secureCookies);
        cookie.setSameSite(SameSite.STRICT);
        ctx.cookie(cookie);
        return session;
    }

    public void logout(Context ctx) {
        sessions.close(ctx.cookie(SESSION_COOKIE));
        ctx.removeCookie(SESSION_COOKIE, "/");
    }

    /**
     * FORBIDDEN unless the request carries the session's CSRF token (form field {@value #CSRF_FIELD} or header
     * {@value #CSRF_HEADER}, which htmx sends on every request).
     */
    public static void checkCsrf(Context ctx, Sessions.Session session) {
        String sent = ctx.header(CSRF_HEADER);
        if (sent == null && (ctx.isFormUrlencoded() || ctx.isMultipartFormData())) {
            sent = ctx.formParam(CSRF_FIELD);
        }
        if (!session.csrfMatches(sent)) {
            throw new PgBridgeException(ErrorCode.FORBIDDEN, "the form's security token is missing or stale",
                    "reload the page and submit it again");
        }
    }
}
