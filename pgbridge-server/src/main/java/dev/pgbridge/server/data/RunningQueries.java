package dev.pgbridge.server.data;

import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.server.auth.Principal;

import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * The console queries that run now, by tenant and query id, so another request of the same tenant can cancel one
 * ({@code DELETE /api/v1/queries/{id}}, the console's Cancel button). A query id of another tenant is simply not
 * there. Ids are chosen by the client (so it can cancel before the answer comes) or made here.
 */
public final class RunningQueries {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    /** A running query as listed: never its SQL or values. */
    public record Running(String queryId, String connectionId, String user, Instant startedAt) {}

    private record Key(String tenant, String queryId) {}

    private record Entry(Running running, Runnable cancel) {}

    private final ConcurrentMap<Key, Entry> running = new ConcurrentHashMap<>();
    private final Clock clock;

    public RunningQueries(Clock clock) {
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** The id to use: the client's (checked), or a new random one. */
    public static String id(String requested) {
        if (requested == null || requested.isBlank()) {
            return UUID.randomUUID().toString();
        }
        String id = requested.strip();
        if (!ID.matcher(id).matches()) {
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "a query id has 1 to 64 letters, digits, _ and -",
                    "leave it out to get one made, or send a UUID");
        }
        return id;
    }

    /** A registration that ends ({@link #close()}) when the query does. */
    public final class Registration implements AutoCloseable {
        private final Key key;

        private Registration(Key key) {
            this.key = key;
        }

        @Override
        public void close() {
            running.remove(key);
        }
    }

    /** Registers a query that {@code cancel} stops; fails when the tenant already runs one with this id. */
    Registration register(Principal principal, String queryId, String connId, Runnable cancel) {
        Key key = new Key(principal.tenant(), queryId);
        Entry entry = new Entry(new Running(queryId, connId, principal.name(), clock.instant()), cancel);
        if (running.putIfAbsent(key, entry) != null) {
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "a query with id '" + queryId + "' is running already",
                    "use a new id for each query, or leave it out to get one made");
        }
        return new Registration(key);
    }

    /**
     * Cancels the tenant's running query with this id and returns once PostgreSQL has stopped it (or after 5 s).
     *
     * @throws PgBridgeException NOT_FOUND when the tenant runs no query with this id (finished, or never was)
     */
    public void cancel(Principal principal, String queryId) {
        Entry entry = running.get(new Key(principal.tenant(), queryId));
        if (entry == null) {
            throw new PgBridgeException(ErrorCode.NOT_FOUND, "no running query '" + queryId + "' in tenant '"
                    + principal.tenant() + "'", "it has finished already, or its id is another; list the running "
                    + "queries with GET /api/v1/queries");
        }
        entry.cancel().run();
    }

    /** The tenant's running queries, oldest first. */
    public List<Running> list(Principal principal) {
        return running.entrySet().stream()
                .filter(e -> e.getKey().tenant().equals(principal.tenant()))
                .map(e -> e.getValue().running())
                .sorted(Comparator.comparing(Running::startedAt))
                .toList();
    }
}
