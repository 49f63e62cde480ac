package dev.pgbridge.server.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static java.util.Objects.requireNonNull;

/**
 * Failed logins per (remote address, user name): after {@link #MAX_FAILURES} within {@link #WINDOW}, further tries
 * from that address for that name are refused until the oldest failure leaves the window. A success clears the count.
 */
public final class LoginThrottle {
    public static final int MAX_FAILURES = 5;
    public static final Duration WINDOW = Duration.ofMinutes(15);
    /** Entries kept before those whose last failure left the window are dropped (tries with ever new user names). */
    static final int PRUNE_AT = 10_000;

    private final Map<String, Deque<Instant>> failures = new ConcurrentHashMap<>();
    private final Clock clock;

    public LoginThrottle(Clock clock) {
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** How long until a try is allowed again; zero when it is allowed now. */
    public Duration retryAfter(String remote, String user) {
        Deque<Instant> times = failures.get(key(remote, user));
        if (times == null) {
            return Duration.ZERO;
        }
        synchronized (times) {
            Instant now = clock.instant();
            while (!times.isEmpty() && times.peekFirst().plus(WINDOW).isBefore(now)) {
                times.pollFirst();
            }
            if (times.size() < MAX_FAILURES) {
                return Duration.ZERO;
            }
            return Duration.between(now, times.peekFirst().plus(WINDOW));
        }
    }

    public void failed(String remote, String user) {
        if (failures.size() >= PRUNE_AT) {
            prune();
        }
        Deque<Instant> times = failures.computeIfAbsent(key(remote, user), k -> new ArrayDeque<>());
        synchronized (times) {
            times.addLast(clock.instant());
            while (times.size() > MAX_FAILURES) {
                times.pollFirst();
            }
        }
    }

    public void succeeded(String remote, String user) {
        failures.remove(key(remote, user));
    }

    private void prune() {
        Instant oldest = clock.instant().minus(WINDOW);
        failures.values().removeIf(times -> {
            synchronized (times) {
                return times.isEmpty() || times.peekLast().isBefore(oldest);
            }
        });
    }

    /** How many (address, user) pairs have failures on record (for tests). */
    int size() {
        return failures.size();
    }

    private static String key(String remote, String user) {
        return remote + "\u0000" + (user == null ? "" : user.toLowerCase(java.util.Locale.ROOT));
    }
}
