package dev.pgbridge.doctor;

import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.connection.ExtraOption;
import dev.pgbridge.connection.JdbcTarget;
import dev.pgbridge.connection.TlsPolicy;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.connection.SqlErrors;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * {@code pgbridge doctor ID --for read,write,cdc,usage}: connects once and checks what each capability needs,
 * printing for every gap the exact SQL or setting that closes it. Values in the queries it runs are bound;
 * identifiers in the fixes it prints are quoted by {@link FixSql#identifier}.
 */
public final class Doctor {
    public static final String CONNECT = "connect";
    public static final String TLS = "tls";
    public static final String READ_SCHEMAS = "read.schemas";
    public static final String READ_TABLES = "read.tables";
    public static final String WRITE_CREATE = "write.create";
    public static final String CDC_WAL_LEVEL = "cdc.wal_level";
    public static final String CDC_REPLICATION_ROLE = "cdc.replication_role";
    public static final String CDC_REPLICATION_SLOTS = "cdc.replication_slots";
    public static final String CDC_WAL_SENDERS = "cdc.wal_senders";
    public static final String USAGE_PG_STAT_STATEMENTS = "usage.pg_stat_statements";
    public static final String USAGE_PG_READ_ALL_STATS = "usage.pg_read_all_stats";

    private static final String RESTART = "-- then restart PostgreSQL (a reload is not enough for this setting)";
    /** How many schemas a fix lists before it stops. */
    private static final int MAX_LISTED = 20;

    private final Map<String, String> env;

    /** A doctor that finds libpq's default files (the root certificate) through this process's HOME. */
    public Doctor() {
        this(System.getenv());
    }

    /** A doctor that finds libpq's default files through the HOME in {@code env}. */
    public Doctor(Map<String, String> env) {
        this.env = Map.copyOf(requireNonNull(env, "env is null"));
    }

    /** Runs the general checks and those of every capability asked for. Invalid configuration throws. */
    public DoctorReport check(ConnectionConfig c, Set<Capability> capabilities) {
        requireNonNull(c, "connection is null");
        Set<Capability> caps = capabilities.isEmpty() ? EnumSet.noneOf(Capability.class) : EnumSet.copyOf(capabilities);
        JdbcTarget target = JdbcTarget.of(c, env);
        List<DoctorCheck> checks = new ArrayList<>();
        try (Connection connection = target.connect()) {
            Duration limit = target.socketTimeout().orElse(target.loginTimeout());
            connection.setNetworkTimeout(Runnable::run, (int) limit.toMillis());
            Session session = new Session(connection, c, (int) Math.max(1, limit.toSeconds()));
            checks.add(session.connect(target));
            checks.add(tls(target, encrypted(connection)));
            if (caps.contains(Capability.READ)) {
                checks.addAll(session.guard(Capability.READ, READ_TABLES, session::read));
            }
            if (caps.contains(Capability.WRITE)) {
                checks.addAll(session.guard(Capability.WRITE, WRITE_CREATE, () -> List.of(session.write())));
            }
            if (caps.contains(Capability.CDC)) {
                checks.addAll(session.guard(Capability.CDC, CDC_WAL_LEVEL, session::cdc));
            }
            if (caps.contains(Capability.USAGE)) {
                checks.addAll(session.guard(Capability.USAGE, USAGE_PG_STAT_STATEMENTS, session::usage));
            }
        }
        catch (SQLException e) {
            PgBridgeException error = SqlErrors.translate(e, c);
            checks.add(DoctorCheck.fail(CONNECT, null, error.getMessage(), error.hint()));
            checks.add(tls(target, null));
        }
        return new DoctorReport(checks);
    }

    /** Whether the session is encrypted (pg_stat_ssl); null when that cannot be read. */
    private static Boolean encrypted(Connection connection) {
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
            return rs.next() ? rs.getBoolean(1) : null;
        }
        catch (SQLException e) {
            return null;
        }
    }

    /** What TLS gives this connection: by libpq's rules (TlsPolicy), and by the session when there is one. */
    private static DoctorCheck tls(JdbcTarget target, Boolean encrypted) {
        TlsPolicy tls = target.tls();
        String mode = "sslmode=" + target.sslMode();
        String fix = "set extra \"sslmode\": \"verify-full\" and \"sslrootcert\": \"<file of the CA certificate that "
                + "signed the server's certificate>\"";
        if (Boolean.FALSE.equals(encrypted) && !"disable".equals(target.sslMode())) {
            return DoctorCheck.warn(TLS, null, mode + ": the session is not encrypted (the server does not offer TLS, "
                    + "or the TLS attempt failed and " + mode + " connected without it, as libpq does)", fix);
        }
        return switch (tls.verification()) {
            case CHAIN_AND_HOST -> DoctorCheck.ok(TLS, null, mode + ": encrypted, and the server's certificate and "
                    + "host name are verified (against " + tls.rootCertificate().map(Object::toString).orElse("?") + ")");
            case CHAIN -> DoctorCheck.warn(TLS, null, mode + ": " + tls.describe(), fix);
            case NONE -> DoctorCheck.warn(TLS, null, switch (target.sslMode()) {
                case "disable" -> mode + ": traffic, including the login, is not encrypted";
                case "allow", "prefer" -> mode + ": encrypted only when the server offers TLS, and "
                        + tls.describe();
                default -> mode + ": encrypted, but " + tls.describe();
            }, fix);
        };
    }

    /** A body of checks that may fail with an SQLException. */
    @FunctionalInterface
    private interface Checks {
        List<DoctorCheck> run() throws SQLException;
    }

    /** The checks that run on one open connection. */
    private static final class Session {
        private final Connection connection;
        private final ConnectionConfig config;
        private final int queryTimeoutSeconds;
        private String user;
        private String database;
        private boolean superuser;

        Session(Connection connection, ConnectionConfig config, int queryTimeoutSeconds) {
            this.connection = connection;
            this.config = config;
            this.queryTimeoutSeconds = queryTimeoutSeconds;
        }

        /** A check body whose SQL failure becomes a failed check named {@code name}, with the translated hint. */
        List<DoctorCheck> guard(Capability capability, String name, Checks body) {
            try {
                return body.run();
            }
            catch (SQLException e) {
                PgBridgeException error = SqlErrors.translate(e, config);
                return List.of(DoctorCheck.fail(name, capability, "the check could not run: " + error.getMessage(),
                        error.hint() == null ? "run it again as a role that may read the catalog" : error.hint()));
            }
        }

        DoctorCheck connect(JdbcTarget target) throws SQLException {
            try (PreparedStatement ps = prepare("SELECT current_user, current_database(), "
                    + "current_setting('server_version'), r.rolsuper FROM pg_roles r WHERE r.rolname = current_user");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                user = rs.getString(1);
                database = rs.getString(2);
                superuser = rs.getBoolean(4);
                return DoctorCheck.ok(CONNECT, null, "connected to database \"" + database + "\" at "
                        + target.endpoints().getFirst().address() + " as \"" + user + "\""
                        + (superuser ? " (superuser)" : "") + ", PostgreSQL " + rs.getString(3));
            }
        }

        List<DoctorCheck> read() throws SQLException {
            List<String> noUsage = new ArrayList<>();
            List<String> unreadableIn = new ArrayList<>();
            int schemas = 0;
            long tables = 0;
            long unreadable = 0;
            try (PreparedStatement ps = prepare("""
                    SELECT n.nspname,
                           has_schema_privilege(n.oid, 'USAGE') AS usable,
                           count(c.oid) AS tables,
                           count(c.oid) FILTER (WHERE NOT has_table_privilege(c.oid, 'SELECT')) AS no_select
                    FROM pg_catalog.pg_namespace n
                    LEFT JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid
                         AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND NOT c.relispartition
                    WHERE n.nspname <> ALL (?) AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'
                    GROUP BY n.oid, n.nspname
                    ORDER BY n.nspname""")) {
                ps.setArray(1, connection.createArrayOf("text", new String[] {"pg_catalog", "information_schema"}));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        schemas++;
                        String schema = rs.getString(1);
                        boolean usable = rs.getBoolean(2);
                        long count = rs.getLong(3);
                        long noSelect = usable ? rs.getLong(4) : count;
                        tables += count;
                        unreadable += noSelect;
                        if (!usable) {
                            noUsage.add(schema);
                        }
                        if (rs.getLong(4) > 0) {
                            unreadableIn.add(schema);
                        }
                    }
                }
            }
            List<DoctorCheck> checks = new ArrayList<>();
            if (noUsage.isEmpty()) {
                checks.add(DoctorCheck.ok(READ_SCHEMAS, Capability.READ,
                        "\"" + user + "\" may use all " + schemas + " schemas"));
            }
            else {
                checks.add(DoctorCheck.warn(READ_SCHEMAS, Capability.READ, "\"" + user + "\" has no USAGE on "
                        + noUsage.size() + " of " + schemas + " schemas: " + String.join(", ", limit(noUsage)),
                        grantUsage(noUsage)));
            }
            String found = "\"" + user + "\" cannot read " + unreadable + " of " + tables + " tables and views";
            if (unreadable == 0) {
                checks.add(DoctorCheck.ok(READ_TABLES, Capability.READ,
                        "\"" + user + "\" may read all " + tables + " tables and views"));
            }
            else {
                List<String> fix = new ArrayList<>();
                for (String schema : limit(noUsage)) {
                    fix.add("GRANT USAGE ON SCHEMA " + FixSql.identifier(schema) + " TO " + FixSql.identifier(user) + ";");
                }
                for (String schema : limit(unreadableIn)) {
                    fix.add("GRANT SELECT ON ALL TABLES IN SCHEMA " + FixSql.identifier(schema) + " TO "
                            + FixSql.identifier(user) + ";");
                }
                boolean none = unreadable == tables;
                String text = found + (unreadableIn.isEmpty() ? "" : " (no SELECT in " + String.join(", ",
                        limit(unreadableIn)) + ")");
                checks.add(none
                        ? DoctorCheck.fail(READ_TABLES, Capability.READ, text, String.join("\n", fix))
                        : DoctorCheck.warn(READ_TABLES, Capability.READ, text, String.join("\n", fix)));
            }
            return checks;
        }

        DoctorCheck write() throws SQLException {
            String schema = firstSearchPathSchema();
            if (schema == null) {
                try (PreparedStatement ps = prepare("SELECT current_schema()"); ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    schema = rs.getString(1);
                }
                if (schema == null) {
                    return DoctorCheck.fail(WRITE_CREATE, Capability.WRITE,
                            "no schema of the search_path exists, so there is no target schema",
                            "CREATE SCHEMA " + FixSql.identifier(user) + " AUTHORIZATION " + FixSql.identifier(user)
                                    + ";");
                }
            }
            try (PreparedStatement ps = prepare("SELECT has_schema_privilege(n.oid, 'CREATE'), "
                    + "has_schema_privilege(n.oid, 'USAGE') FROM pg_catalog.pg_namespace n WHERE n.nspname = ?")) {
                ps.setString(1, schema);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return DoctorCheck.fail(WRITE_CREATE, Capability.WRITE, "the target schema \"" + schema
                                        + "\" (first in search_path) does not exist in database \"" + database + "\"",
                                "CREATE SCHEMA " + FixSql.identifier(schema) + " AUTHORIZATION "
                                        + FixSql.identifier(user) + ";");
                    }
                    boolean create = rs.getBoolean(1);
                    boolean usage = rs.getBoolean(2);
                    if (create && usage) {
                        return DoctorCheck.ok(WRITE_CREATE, Capability.WRITE,
                                "\"" + user + "\" may create tables in schema \"" + schema + "\"");
                    }
                    return DoctorCheck.fail(WRITE_CREATE, Capability.WRITE, "\"" + user + "\" has no "
                                    + (usage ? "CREATE" : "USAGE and CREATE") + " privilege on the target schema \""
                                    + schema + "\"",
                            "GRANT " + (usage ? "CREATE" : "USAGE, CREATE") + " ON SCHEMA " + FixSql.identifier(schema)
                                    + " TO " + FixSql.identifier(user) + ";");
                }
            }
        }

        List<DoctorCheck> cdc() throws SQLException {
            List<DoctorCheck> checks = new ArrayList<>();
            String walLevel = setting("wal_level");
            checks.add("logical".equals(walLevel)
                    ? DoctorCheck.ok(CDC_WAL_LEVEL, Capability.CDC, "wal_level = logical")
                    : DoctorCheck.fail(CDC_WAL_LEVEL, Capability.CDC, "wal_level = " + walLevel
                                    + "; logical decoding needs logical",
                            "ALTER SYSTEM SET wal_level = logical;\n" + RESTART
                                    + "\n-- on Amazon RDS/Aurora: set rds.logical_replication = 1 in the parameter "
                                    + "group and reboot"));

            try (PreparedStatement ps = prepare("""
                    SELECT r.rolreplication,
                           CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = ?)
                                THEN pg_has_role(current_user, ?, 'MEMBER') ELSE false END
                    FROM pg_catalog.pg_roles r WHERE r.rolname = current_user""")) {
                ps.setString(1, "rds_replication");
                ps.setString(2, "rds_replication");
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    boolean replication = rs.getBoolean(1);
                    boolean rds = rs.getBoolean(2);
                    if (superuser || replication || rds) {
                        String why = superuser ? "is a superuser" : replication ? "has the REPLICATION attribute"
                                : "is a member of rds_replication";
                        checks.add(DoctorCheck.ok(CDC_REPLICATION_ROLE, Capability.CDC, "\"" + user + "\" " + why));
                    }
                    else {
                        checks.add(DoctorCheck.fail(CDC_REPLICATION_ROLE, Capability.CDC, "\"" + user
                                        + "\" has neither the REPLICATION attribute nor membership in rds_replication",
                                "ALTER ROLE " + FixSql.identifier(user) + " WITH REPLICATION;\n"
                                        + "-- on Amazon RDS/Aurora instead: GRANT rds_replication TO "
                                        + FixSql.identifier(user) + ";"));
                    }
                }
            }

            int[] slots = counts("SELECT current_setting('max_replication_slots')::int, "
                    + "(SELECT count(*) FROM pg_catalog.pg_replication_slots)::int");
            int freeSlots = slots[0] - slots[1];
            String slotText = slots[1] + " of max_replication_slots = " + slots[0] + " in use, " + freeSlots + " free";
            checks.add(freeSlots > 0
                    ? DoctorCheck.ok(CDC_REPLICATION_SLOTS, Capability.CDC, slotText)
                    : DoctorCheck.fail(CDC_REPLICATION_SLOTS, Capability.CDC, slotText,
                            "ALTER SYSTEM SET max_replication_slots = " + (slots[1] + 4) + ";\n" + RESTART
                                    + "\n-- or drop an unused slot: SELECT pg_drop_replication_slot('<slot name>');"));

            int[] senders = counts("SELECT current_setting('max_wal_senders')::int, "
                    + "(SELECT count(*) FROM pg_catalog.pg_stat_replication)::int");
            int freeSenders = senders[0] - senders[1];
            String senderText = senders[1] + " of max_wal_senders = " + senders[0] + " active, " + freeSenders + " free";
            checks.add(freeSenders > 0
                    ? DoctorCheck.ok(CDC_WAL_SENDERS, Capability.CDC, senderText)
                    : DoctorCheck.fail(CDC_WAL_SENDERS, Capability.CDC, senderText,
                            "ALTER SYSTEM SET max_wal_senders = " + (senders[1] + 4) + ";\n" + RESTART));
            return checks;
        }

        List<DoctorCheck> usage() throws SQLException {
            List<DoctorCheck> checks = new ArrayList<>();
            String version = null;
            try (PreparedStatement ps = prepare("SELECT extversion FROM pg_catalog.pg_extension WHERE extname = ?")) {
                ps.setString(1, "pg_stat_statements");
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        version = rs.getString(1);
                    }
                }
            }
            // pg_settings hides shared_preload_libraries from roles without pg_read_all_settings: null = unknown
            String preload = null;
            try (PreparedStatement ps = prepare("SELECT setting FROM pg_catalog.pg_settings WHERE name = ?")) {
                ps.setString(1, "shared_preload_libraries");
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        preload = rs.getString(1);
                    }
                }
            }
            List<String> libraries = preload == null ? List.of() : libraries(preload);
            boolean preloaded = libraries.contains("pg_stat_statements");
            String preloadFix = preload == null || preloaded ? null
                    : "ALTER SYSTEM SET shared_preload_libraries = " + FixSql.literal(String.join(", ",
                            append(libraries, "pg_stat_statements"))) + ";\n" + RESTART;
            String preloadText = preload == null ? "shared_preload_libraries is not visible to \"" + user + "\""
                    : preloaded ? "pg_stat_statements is in shared_preload_libraries"
                    : "pg_stat_statements is not in shared_preload_libraries ('" + preload + "')";
            if (version == null) {
                checks.add(DoctorCheck.fail(USAGE_PG_STAT_STATEMENTS, Capability.USAGE,
                        "the pg_stat_statements extension is not installed in database \"" + database + "\"; "
                                + preloadText,
                        (preloadFix == null ? "" : preloadFix + "\n") + "-- in database \"" + database
                                + "\", as a superuser:\nCREATE EXTENSION pg_stat_statements;"));
            }
            else if (preloadFix != null) {
                checks.add(DoctorCheck.fail(USAGE_PG_STAT_STATEMENTS, Capability.USAGE,
                        "pg_stat_statements " + version + " is installed, but " + preloadText, preloadFix));
            }
            else {
                checks.add(DoctorCheck.ok(USAGE_PG_STAT_STATEMENTS, Capability.USAGE,
                        "pg_stat_statements " + version + " is installed; " + preloadText));
            }

            try (PreparedStatement ps = prepare("SELECT pg_has_role(current_user, ?, 'MEMBER')")) {
                ps.setString(1, "pg_read_all_stats");
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    checks.add(rs.getBoolean(1)
                            ? DoctorCheck.ok(USAGE_PG_READ_ALL_STATS, Capability.USAGE, "\"" + user + "\" "
                                    + (superuser ? "is a superuser" : "is a member of pg_read_all_stats"))
                            : DoctorCheck.fail(USAGE_PG_READ_ALL_STATS, Capability.USAGE, "\"" + user
                                            + "\" is not a member of pg_read_all_stats, so it sees only its own "
                                            + "queries' text",
                                    "GRANT pg_read_all_stats TO " + FixSql.identifier(user) + ";"));
                }
            }
            return checks;
        }

        /** The first schema of extra search_path, unquoted as PostgreSQL reads it; null when not given. */
        private String firstSearchPathSchema() {
            String searchPath = config.extraValue(ExtraOption.SEARCH_PATH.key());
            if (searchPath == null || searchPath.isBlank()) {
                return null;
            }
            String text = searchPath.trim();
            String first;
            if (text.startsWith("\"")) {
                StringBuilder sb = new StringBuilder();
                int i = 1;
                while (i < text.length()) {
                    char ch = text.charAt(i);
                    if (ch == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        sb.append('"');
                        i += 2;
                    }
                    else if (ch == '"') {
                        break;
                    }
                    else {
                        sb.append(ch);
                        i++;
                    }
                }
                first = sb.toString();
            }
            else {
                int comma = text.indexOf(',');
                first = (comma < 0 ? text : text.substring(0, comma)).trim().toLowerCase(Locale.ROOT);
            }
            return "$user".equals(first) ? user : first;
        }

        private String setting(String name) throws SQLException {
            try (PreparedStatement ps = prepare("SELECT current_setting(?)")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getString(1);
                }
            }
        }

        private int[] counts(String sql) throws SQLException {
            try (PreparedStatement ps = prepare(sql); ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new int[] {rs.getInt(1), rs.getInt(2)};
            }
        }

        private PreparedStatement prepare(String sql) throws SQLException {
            PreparedStatement ps = connection.prepareStatement(sql);
            ps.setQueryTimeout(queryTimeoutSeconds);
            return ps;
        }

        private static List<String> libraries(String setting) {
            List<String> result = new ArrayList<>();
            for (String part : setting.split(",")) {
                String name = part.trim();
                if (name.startsWith("\"") && name.endsWith("\"") && name.length() >= 2) {
                    name = name.substring(1, name.length() - 1);
                }
                if (!name.isEmpty()) {
                    result.add(name);
                }
            }
            return result;
        }

        private static List<String> append(List<String> list, String value) {
            List<String> result = new ArrayList<>(list);
            result.add(value);
            return result;
        }

        private static List<String> limit(List<String> names) {
            return names.size() <= MAX_LISTED ? names : names.subList(0, MAX_LISTED);
        }

        private String grantUsage(List<String> schemas) {
            List<String> lines = new ArrayList<>();
            for (String schema : limit(schemas)) {
                lines.add("GRANT USAGE ON SCHEMA " + FixSql.identifier(schema) + " TO " + FixSql.identifier(user) + ";");
            }
            return String.join("\n", lines);
        }
    }
}
