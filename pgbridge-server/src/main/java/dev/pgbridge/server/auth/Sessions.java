package dev.pgbridge.server.auth;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import static java.util.Objects.requireNonNull;

/**
 * Web sessions, in memory: a random session id (the cookie) maps to the user and a CSRF token that every form and
 * htmx request must send back. Idle sessions end after {@link #IDLE}; a restart logs everyone out.
 */
public final class Sessions {
    public static final Duration IDLE = Duration.ofHours(8);

    /** A live session. */
    public record Session(String id, Principal principal, String csrfToken, Instant lastSeen) {
        /** Whether {@code candidate} is this session's CSRF token (constant-time). */
        public boolean csrfMatches(String candidate) {
            return candidate != null && MessageDigest.isEqual(candidate.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    csrfToken.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final Clock clock;

    public Sessions(Clock clock) {
        this.clock = requireNonNull(clock, "clock is null");
    }

    public Session open(Principal principal) {
        Session session = new Session(randomId(), principal, randomId(), clock.instant());
        sessions.put(session.id(), session);
        return session;
    }

    /** The live session of this id, its idle time restarted; empty when unknown or idle too long. */
    public Optional<Session> find(String id) {
        if (id == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        Session session = sessions.get(id);
        if (session == null) {
            return Optional.empty();
        }
        if (session.lastSeen().plus(IDLE).isBefore(now)) {
            sessions.remove(id);
            return Optional.empty();
        }
        Session touched = new Session(session.id(), session.principal(), session.csrfToken(), now);
        sessions.put(id, touched);
        return Optional.of(touched);
    }

    public void close(String id) {
        if (id != null) {
            sessions.remove(id);
        }
    }

    private String randomId() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
