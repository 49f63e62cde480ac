package dev.pgbridge.server.connections;

import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.connection.ExtraOption;
import dev.pgbridge.doctor.ConnectionTester;
import dev.pgbridge.doctor.TestReport;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.pool.PoolRegistry;
import dev.pgbridge.server.auth.AuditLog;
import dev.pgbridge.server.auth.Principal;
import dev.pgbridge.server.auth.Role;
import dev.pgbridge.store.ConnectionStore;
import dev.pgbridge.store.StoredConnection;

import javax.sql.DataSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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

    /** One page of a listing and the number of connections that matched in all. */
    public record Page(List<StoredConnection> items, int total) {}

    /** What an import did, by connection id: added, replaced (overwrite) and skipped (it existed, no overwrite). */
    public record ImportResult(List<String> added, List<String> replaced, List<String> skipped) {
        public ImportResult {
            added = List.copyOf(added);
            replaced = List.copyOf(replaced);
            skipped = List.copyOf(skipped);
        }
    }

    /** What a page or a listing shows instead of a secret extra value (Airflow's mask). */
    public static final String MASK = "***";

    /**
     * Parts of extra key names that make a value secret, as Airflow's {@code DEFAULT_SENSITIVE_FIELDS} (plus every
     * {@link ExtraOption} declared sensitive).
     */
    private static final List<String> SENSITIVE_KEY_PARTS = List.of("access_token", "api_key", "apikey", "authorization",
            "passphrase", "passwd", "password", "private_key", "secret", "token", "keyfile_dict", "service_account");

    private final ConnectionStore store;
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
        List<StoredConnection> matching = store.list(principal.tenant()).stream()
                .filter(s -> needle == null || matches(s.config(), needle))
                .sorted(order(orderBy))
                .toList();
        int from = Math.min(offset, matching.size());
        int to = Math.min(matching.size(), from + limit);
        return new Page(matching.subList(from, to), matching.size());
    }

    /** The saved connection (password decrypted in memory: callers show it to nobody but the agent channel). */
    public StoredConnection get(Principal principal, String connId) {
        principal.require(Role.VIEWER);
        String id = ConnectionConfig.normalizeConnId(connId);
        return store.find(principal.tenant(), id).orElseThrow(() -> notFound(principal, id));
    }

    public StoredConnection create(Principal principal, ConnectionConfig config) {
        principal.require(Role.EDITOR);
        return store.add(inTenant(principal, config));
    }

    /** Replaces a connection; a null password keeps the saved one (write-only passwords). */
    public StoredConnection update(Principal principal, ConnectionConfig config) {
        principal.require(Role.EDITOR);
        get(principal, config.connId());
        StoredConnection saved = store.update(inTenant(principal, config));
        pools.evict(principal.tenant(), saved.config().connId());
        return saved;
    }

    public void delete(Principal principal, String connId) {
        principal.require(Role.EDITOR);
        String id = ConnectionConfig.normalizeConnId(connId);
        if (!store.delete(principal.tenant(), id)) {
            throw notFound(principal, id);
        }
        pools.evict(principal.tenant(), id);
    }

    /**
     * Imports connections read from an Airflow export file ({@code ConnectionImport}) into the principal's tenant: a
     * connection whose id exists is replaced with {@code overwrite}, else skipped.
     */
    public ImportResult importConnections(Principal principal, List<ConnectionConfig> connections, boolean overwrite) {
        principal.require(Role.EDITOR);
        List<String> added = new ArrayList<>();
        List<String> replaced = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (ConnectionConfig imported : connections) {
            ConnectionConfig c = inTenant(principal, imported);
            boolean exists = store.find(c.tenant(), c.connId()).isPresent();
            if (exists && !overwrite) {
                skipped.add(c.connId());
            }
            else if (exists) {
                store.update(c);
                pools.evict(c.tenant(), c.connId());
                replaced.add(c.connId());
            }
            else {
                store.add(c);
                added.add(c.connId());
            }
        }
        return new ImportResult(added, replaced, skipped);
    }

    /** Whether an extra key holds a secret (shown as {@link #MASK}, kept on save when sent back masked). */
    public static boolean sensitiveExtraKey(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return ExtraOption.forKey(k).map(ExtraOption::sensitive).orElse(false)
                || SENSITIVE_KEY_PARTS.stream().anyMatch(k::contains);
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
