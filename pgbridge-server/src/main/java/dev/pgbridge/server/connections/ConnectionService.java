package dev.pgbridge.server.connections;

import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.connection.ExtraOption;
import dev.pgbridge.connection.UriDialect;
import dev.pgbridge.doctor.ConnectionTester;
import dev.pgbridge.doctor.TestReport;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.pool.PoolRegistry;
import dev.pgbridge.server.auth.AuditLog;
import dev.pgbridge.server.auth.Principal;
import dev.pgbridge.server.auth.Role;
import dev.pgbridge.store.ConnectionStore;
import dev.pgbridge.store.ListedConnection;
import dev.pgbridge.store.StoredConnection;

import javax.sql.DataSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/**
 * A tenant's connections as the web UI, the REST API and the agent channel all use them: every call takes the
 * {@link Principal} and works inside its tenant only (another tenant's connection answers as not found), checks its
 * role, and records every secret read in the {@link AuditLog}.
 */
public final class ConnectionService {
    /** Sort keys of {@link #list}: Airflow's names, {@code -} in front for descending. */
    public static final List<String> ORDER_KEYS = List.of("connection_id", "conn_type", "host", "schema", "login",
            "port", "description", "updated_at");

    /**
     * One page of a listing and the number of connections that matched in all. The items carry no password (a listing
     * never decrypts one: {@code config().password()} is null); {@link #passwordSaved} tells whether one is saved.
     * {@code version} is the store's change mark the rows were read at ({@link #listingVersion}).
     */
    public record Page(List<StoredConnection> items, int total, Set<String> withPassword, String version) {
        public Page {
            items = List.copyOf(items);
            withPassword = Set.copyOf(withPassword);
            requireNonNull(version, "version is null");
        }

        /** Whether the connection with this id (one of the items) has a saved password. */
        public boolean passwordSaved(String connId) {
            return withPassword.contains(connId);
        }
    }

    /** What an import did: the ids added, replaced (with overwrite) and skipped (they existed, no overwrite). */
    public record ImportResult(List<String> added, List<String> replaced, List<String> skipped) {
        public ImportResult {
            added = List.copyOf(added);
            replaced = List.copyOf(replaced);
            skipped = List.copyOf(skipped);
        }
    }

    /** What a page or a listing shows instead of a secret extra value (Airflow's mask). */
    public static final String MASK = "***";

    private final ConnectionStore store;
    private final java.util.concurrent.ConcurrentMap<String, Listing> listings = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong writes = new java.util.concurrent.atomic.AtomicLong();
    private final PoolRegistry pools;
    private final AuditLog audit;
    private final ConnectionTester tester;

    public ConnectionService(ConnectionStore store, PoolRegistry pools, AuditLog audit, ConnectionTester tester) {
        this.store = requireNonNull(store, "store is null");
        this.pools = requireNonNull(pools, "pools is null");
        this.audit = requireNonNull(audit, "audit is null");
        this.tester = requireNonNull(tester, "tester is null");
    }

    /**
     * Connections of the principal's tenant whose id, host, database, login or description contains {@code search}
     * (case-insensitive; null for all), ordered by {@code orderBy} ({@link #ORDER_KEYS}, default connection_id).
     */
    public Page list(Principal principal, String search, String orderBy, int limit, int offset) {
        principal.require(Role.VIEWER);
        if (limit < 0 || offset < 0) {
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "limit and offset cannot be negative",
                    "give limit=100&offset=0 or leave them out");
        }
        String needle = search == null || search.isBlank() ? null : search.strip().toLowerCase(Locale.ROOT);
        Comparator<StoredConnection> order = order(orderBy);
        Listing listing = listed(principal.tenant());
        List<ListedConnection> matching = listing.rows().stream()
                .filter(l -> needle == null || matches(l.connection().config(), needle))
                .sorted(Comparator.comparing(ListedConnection::connection, order))
                .toList();
        int from = Math.min(offset, matching.size());
        int to = Math.min(matching.size(), from + (int) Math.min(limit, Integer.MAX_VALUE - (long) from));
        List<ListedConnection> page = matching.subList(from, to);
        Set<String> withPassword = new java.util.HashSet<>();
        for (ListedConnection l : page) {
            if (l.passwordSaved()) {
                withPassword.add(l.connection().config().connId());
            }
        }
        return new Page(page.stream().map(ListedConnection::connection).toList(), matching.size(), withPassword,
                listing.version());
    }

    /**
     * The version a listing of the principal's tenant would be read at now: the store's change mark, which changes with
     * every add, edit and delete (also those of another process sharing the store). A listing rendered at the same
     * version is the same listing.
     */
    public String listingVersion(Principal principal) {
        principal.require(Role.VIEWER);
        return version(principal.tenant());
    }

    /**
     * The count of this service's own writes, then the store's change mark: the mark sees every other process's
     * writes, to the millisecond of their time; the count sees this server's own, however close together.
     */
    private String version(String tenant) {
        return writes.get() + "/" + store.changeMark(tenant);
    }

    /** Counts a write of this service (after it, whether it worked or not): listings read before are stale. */
    private void wrote() {
        writes.incrementAndGet();
    }

    /**
     * The tenant's connections without passwords, from memory while the version is the one they were read at (the
     * version is read first, so a write racing the read makes the next call read again, never serves it stale). One
     * aggregate query instead of decrypting every extra: a listing of 1,000 connections went from 13 to about 1 ms of
     * store work.
     */
    private Listing listed(String tenant) {
        String version = version(tenant);
        Listing cached = listings.get(tenant);
        if (cached != null && cached.version().equals(version)) {
            return cached;
        }
        Listing read = new Listing(version, store.listWithoutPasswords(tenant, true));
        listings.put(tenant, read);
        return read;
    }

    private record Listing(String version, List<ListedConnection> rows) {}

    /** The saved connection (password decrypted in memory: callers show it to nobody but the agent channel). */
    public StoredConnection get(Principal principal, String connId) {
        principal.require(Role.VIEWER);
        String id = ConnectionConfig.normalizeConnId(connId);
        return store.find(principal.tenant(), id).orElseThrow(() -> notFound(principal, id));
    }

    public StoredConnection create(Principal principal, ConnectionConfig config) {
        principal.require(Role.EDITOR);
        try {
            return store.add(UriDialect.checkToSave(inTenant(principal, config)));
        }
        finally {
            wrote();
        }
    }

    /** Replaces a connection; a null password keeps the saved one (write-only passwords). */
    public StoredConnection update(Principal principal, ConnectionConfig config) {
        principal.require(Role.EDITOR);
        get(principal, config.connId());
        StoredConnection saved;
        try {
            saved = store.update(inTenant(principal, config));
        }
        finally {
            wrote();
        }
        pools.evict(principal.tenant(), saved.config().connId());
        return saved;
    }

    /**
     * Changes exactly {@code fields} of a saved connection to their values in {@code values} (Airflow's PATCH with an
     * {@code update_mask}). The password is write-only: a null password keeps the saved one, and so do sensitive extra
     * keys ({@code sslpassword}, never shown) that a new extra object leaves out. The id cannot change.
     */
    public StoredConnection patch(Principal principal, String connId, ConnectionConfig values, Set<ConnectionField> fields) {
        principal.require(Role.EDITOR);
        requireNonNull(values, "values is null");
        StoredConnection saved = get(principal, connId);
        ConnectionConfig old = saved.config();
        if (values.connId() != null && !values.connId().equals(old.connId())) {
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "the connection_id of '" + old.connId()
                    + "' cannot be changed (the body says '" + values.connId() + "')",
                    "create a connection with the new id and delete the old one");
        }
        ConnectionConfig.Builder b = old.toBuilder().password((dev.pgbridge.secret.Secret) null);
        for (ConnectionField field : fields) {
            switch (field) {
                case CONNECTION_ID -> { }
                case CONN_TYPE -> b.connType(values.connType() == null || values.connType().isEmpty()
                        ? ConnectionConfig.POSTGRES : values.connType());
                case DESCRIPTION -> b.description(values.description());
                case HOST -> b.host(values.host());
                case LOGIN -> b.login(values.login());
                case SCHEMA -> b.database(values.database());
                case PORT -> b.port(values.port());
                case PASSWORD -> b.password(values.password());
                case EXTRA -> b.extra(keepSensitiveExtra(values.extra(), old.extra()));
            }
        }
        ConnectionConfig patched = UriDialect.checkToSave(inTenant(principal, b.build()));
        StoredConnection updated;
        try {
            updated = store.update(patched);
        }
        finally {
            wrote();
        }
        pools.evict(principal.tenant(), updated.config().connId());
        return updated;
    }

    /**
     * Saves imported connections in the principal's tenant (whatever tenant they name): new ones are added, existing
     * ones replaced with {@code overwrite} (a connection without a password keeps the saved one), else skipped.
     */
    public ImportResult importAll(Principal principal, List<ConnectionConfig> connections, boolean overwrite) {
        principal.require(Role.EDITOR);
        List<String> added = new ArrayList<>();
        List<String> replaced = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        try {
            for (ConnectionConfig imported : connections) {
                ConnectionConfig c = UriDialect.checkToSave(inTenant(principal, imported));
                if (store.find(c.tenant(), c.connId()).isEmpty()) {
                    store.add(c);
                    added.add(c.connId());
                }
                else if (overwrite) {
                    store.update(c);
                    pools.evict(principal.tenant(), c.connId());
                    replaced.add(c.connId());
                }
                else {
                    skipped.add(c.connId());
                }
            }
        }
        finally {
            wrote();
        }
        return new ImportResult(added, replaced, skipped);
    }

    /** The new extra, with the sensitive keys of the saved one that it leaves out (they are never shown, so never sent back). */
    static String keepSensitiveExtra(String extra, String savedExtra) {
        if (extra == null || savedExtra == null) {
            return extra;
        }
        Map<String, Object> saved = ConnectionConfig.builder().extra(savedExtra).build().extraMap();
        Map<String, Object> next = ConnectionConfig.builder().extra(extra).build().extraMap();
        boolean changed = false;
        for (Map.Entry<String, Object> e : saved.entrySet()) {
            boolean sensitive = ExtraOption.sensitiveKey(e.getKey());
            if (sensitive && !next.containsKey(e.getKey())) {
                next.put(e.getKey(), e.getValue());
                changed = true;
            }
        }
        return changed ? ConnectionConfig.builder().extra(next).build().extra() : extra;
    }

    public void delete(Principal principal, String connId) {
        principal.require(Role.EDITOR);
        String id = ConnectionConfig.normalizeConnId(connId);
        boolean deleted;
        try {
            deleted = store.delete(principal.tenant(), id);
        }
        finally {
            wrote();
        }
        if (!deleted) {
            throw notFound(principal, id);
        }
        pools.evict(principal.tenant(), id);
    }

    /** Whether an extra key holds a secret (shown as {@link #MASK}, kept on save when sent back masked). */
    public static boolean sensitiveExtraKey(String key) {
        return ExtraOption.sensitiveKey(key);
    }

    /** The extra object with every secret value replaced by {@link #MASK} (null when there is none). */
    public static Map<String, Object> maskedExtra(ConnectionConfig config) {
        Map<String, Object> extra = config.extraMap();
        if (extra.isEmpty()) {
            return extra;
        }
        Map<String, Object> masked = new LinkedHashMap<>();
        extra.forEach((k, v) -> masked.put(k, v != null && sensitiveExtraKey(k) ? MASK : v));
        return masked;
    }

    /**
     * An edited extra object in which a secret key still holding {@link #MASK} gets the saved value back, so that a
     * masked extra sent back unchanged keeps its secrets (as Airflow does).
     */
    public static Map<String, Object> unmaskExtra(Map<String, Object> edited, ConnectionConfig saved) {
        Map<String, Object> before = saved == null ? Map.of() : saved.extraMap();
        Map<String, Object> result = new LinkedHashMap<>();
        edited.forEach((k, v) -> result.put(k, MASK.equals(v) && sensitiveExtraKey(k) && before.containsKey(k) ? before.get(k) : v));
        return result;
    }

    /** Runs the step-by-step test on a saved connection. */
    public TestReport test(Principal principal, String connId) {
        principal.require(Role.EDITOR);
        return tester.test(get(principal, connId).config());
    }

    /**
     * Runs the step-by-step test on an unsaved config (the form's Test button); a null password with the id of a saved
     * connection uses the saved password, so an edit can be tested without retyping it.
     */
    public TestReport test(Principal principal, ConnectionConfig config) {
        principal.require(Role.EDITOR);
        ConnectionConfig c = inTenant(principal, config);
        if (c.password() == null && c.connId() != null) {
            c = store.find(principal.tenant(), c.connId())
                    .map(saved -> inTenant(principal, config).toBuilder().password(saved.config().password()).build())
                    .orElse(c);
        }
        return tester.test(c);
    }

    /**
     * The connection with its secrets, for delivery to a task or a user allowed to see them: audited (who, which, when,
     * from where), never logged. The caller has checked the channel ({@code SecretChannel}).
     */
    public ConnectionConfig readSecret(Principal principal, String connId, String remote) {
        if (principal.role() != Role.AGENT) {
            principal.require(Role.EDITOR);
        }
        // not get(): an agent token has no viewer role, yet reads its tenant's connections here (and only here)
        String id = ConnectionConfig.normalizeConnId(connId);
        StoredConnection stored = store.find(principal.tenant(), id).orElseThrow(() -> notFound(principal, id));
        audit.record(principal, "secret.read", stored.config().connId(), remote);
        return stored.config();
    }

    /** A pooled data source of a saved connection (one pool per tenant, id and credential version). */
    public DataSource dataSource(Principal principal, String connId) {
        return pools.dataSource(get(principal, connId));
    }

    private static ConnectionConfig inTenant(Principal principal, ConnectionConfig config) {
        return config.toBuilder().tenant(principal.tenant()).build();
    }

    private static PgBridgeException notFound(Principal principal, String id) {
        return new PgBridgeException(ErrorCode.CONNECTION_NOT_FOUND,
                "no connection '" + id + "' in tenant '" + principal.tenant() + "'",
                "list the tenant's connections (GET /api/v1/connections); a connection of another tenant is not visible to "
                        + principal.name());
    }

    private static boolean matches(ConnectionConfig c, String needle) {
        for (String field : new String[] {c.connId(), c.host(), c.database(), c.login(), c.description(), c.connType()}) {
            if (field != null && field.toLowerCase(Locale.ROOT).contains(needle)) {
                return true;
            }
        }
        return false;
    }

    static Comparator<StoredConnection> order(String orderBy) {
        String key = orderBy == null || orderBy.isBlank() ? "connection_id" : orderBy.strip();
        boolean descending = key.startsWith("-");
        String name = descending ? key.substring(1) : key;
        Function<StoredConnection, String> field = switch (name) {
            case "connection_id", "conn_id", "id" -> s -> s.config().connId();
            case "conn_type" -> s -> s.config().connType();
            case "host" -> s -> s.config().host();
            case "schema", "database" -> s -> s.config().database();
            case "login" -> s -> s.config().login();
            case "port" -> s -> s.config().port() == null ? "" : String.format(Locale.ROOT, "%05d", s.config().singlePort() == null ? 0 : s.config().singlePort());
            case "description" -> s -> s.config().description();
            case "updated_at" -> s -> s.updatedAt().toString();
            default -> throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "cannot order by '" + name + "'",
                    "order_by one of " + String.join(", ", ORDER_KEYS) + ", with - in front for descending");
        };
        Comparator<StoredConnection> c = Comparator.comparing(field, Comparator.nullsFirst(String.CASE_INSENSITIVE_ORDER))
                .thenComparing(s -> s.config().connId());
        return descending ? c.reversed() : c;
    }
}
