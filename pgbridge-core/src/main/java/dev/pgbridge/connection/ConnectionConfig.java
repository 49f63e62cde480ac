package dev.pgbridge.connection;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.secret.Secret;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A connection as orchestrators keep it (Airflow's fields). {@code database} is Airflow's {@code schema}.
 * {@code host} and {@code port} may be comma-joined lists (libpq multi-host). {@code extra} is the raw
 * extra text, normally a JSON object ({@code sslmode}, {@code connect_timeout}, …).
 *
 * <p>{@link #toString()} never shows the password nor extra values.
 */
public record ConnectionConfig(
        String connId,
        String connType,
        String host,
        String port,
        String database,
        String login,
        Secret password,
        String extra,
        String tenant,
        String description) {

    public static final String DEFAULT_TENANT = "default";
    public static final String POSTGRES = "postgres";
    public static final int DEFAULT_PORT = 5432;
    private static final Pattern PORTS = Pattern.compile("\\d{1,5}(,\\d{1,5})*");
    /** Made when an extra is first read or written: a short command that never looks at one skips Jackson's start. */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }

    public ConnectionConfig {
        if (connId != null) {
            connId = normalizeConnId(connId);
        }
        tenant = tenant == null ? DEFAULT_TENANT : normalizeTenant(tenant);
        if (port != null && !port.isEmpty() && !PORTS.matcher(port).matches()) {
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "invalid port '" + port + "': not a number",
                    "give a port number from 1 to 65535");
        }
        if (port != null && port.isEmpty()) {
            port = null;
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder()
                .connId(connId).connType(connType).host(host).port(port).database(database).login(login)
                .password(password).extra(extra).tenant(tenant).description(description);
    }

    /** conn_id rule: {@code [a-z0-9_]{1,64}}, case-insensitive (stored lower case). */
    public static String normalizeConnId(String connId) {
        String id = connId.toLowerCase(Locale.ROOT);
        if (!idChars(id)) {
            throw new PgBridgeException(ErrorCode.INVALID_CONN_ID,
                    "invalid connection id '" + connId + "': only letters, digits and _ are allowed, 1 to 64 of them",
                    "use a name like pg_target (it becomes the environment variable AIRFLOW_CONN_PG_TARGET)");
        }
        return id;
    }

    /** Tenant rule: {@code [a-z0-9_]{1,64}}, case-insensitive (stored lower case). */
    public static String normalizeTenant(String tenant) {
        String t = tenant.toLowerCase(Locale.ROOT);
        if (!idChars(t)) {
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG,
                    "invalid tenant '" + tenant + "': only letters, digits and _ are allowed, 1 to 64 of them",
                    "use a name like team_a");
        }
        return t;
    }

    /**
     * {@code [a-z0-9_]{1,64}}, the rule of conn ids and tenants, checked by hand: every connection read from the
     * store passes here twice, and a regex match was a tenth of a 1,000-connection listing.
     */
    private static boolean idChars(String s) {
        int n = s.length();
        if (n < 1 || n > 64) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    /** The single port as a number, or null when absent or when this is a multi-host connection. */
    public Integer singlePort() {
        if (port == null || port.contains(",")) {
            return null;
        }
        return Integer.valueOf(port);
    }

    /** The name of the environment variable that carries this connection to a task. */
    public String envVarName() {
        return envVarName(connId);
    }

    public static String envVarName(String connId) {
        return "AIRFLOW_CONN_" + normalizeConnId(connId).toUpperCase(Locale.ROOT);
    }

    /** Extra as an ordered map; empty when there is none or when it is not a JSON object. */
    public Map<String, Object> extraMap() {
        if (extra == null || extra.isBlank()) {
            return new LinkedHashMap<>();
        }
        try {
            Object parsed = Json.MAPPER.readValue(extra, Object.class);
            if (parsed instanceof Map<?, ?>) {
                return Json.MAPPER.convertValue(parsed, new TypeReference<LinkedHashMap<String, Object>>() {});
            }
            return new LinkedHashMap<>();
        }
        catch (JsonProcessingException e) {
            return new LinkedHashMap<>();
        }
    }

    /** One extra value as text, or null. */
    public String extraValue(String key) {
        Object v = extraMap().get(key);
        return v == null ? null : String.valueOf(v);
    }

    /** A copy whose extra has {@code key} set (null removes it). */
    public ConnectionConfig withExtra(String key, Object value) {
        Map<String, Object> map = extraMap();
        if (value == null) {
            map.remove(key);
        }
        else {
            map.put(key, value);
        }
        return toBuilder().extra(map.isEmpty() ? null : writeJson(map)).build();
    }

    static String writeJson(Object value) {
        try {
            return Json.MAPPER.writeValueAsString(value);
        }
        catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public boolean hasPassword() {
        return password != null;
    }

    @Override
    public String toString() {
        return "ConnectionConfig[tenant=" + tenant + ", connId=" + connId + ", connType=" + connType
                + ", host=" + host + ", port=" + port + ", database=" + database + ", login=" + login
                + ", password=" + (password == null ? "none" : "****")
                + ", extraKeys=" + extraMap().keySet() + "]";
    }

    public static final class Builder {
        private String connId;
        private String connType = POSTGRES;
        private String host;
        private String port;
        private String database;
        private String login;
        private Secret password;
        private String extra;
        private String tenant;
        private String description;

        public Builder connId(String connId) {
            this.connId = connId;
            return this;
        }

        public Builder connType(String connType) {
            this.connType = connType;
            return this;
        }

        public Builder host(String host) {
            this.host = host;
            return this;
        }

        public Builder port(String port) {
            this.port = port;
            return this;
        }

        public Builder port(Integer port) {
            this.port = port == null ? null : port.toString();
            return this;
        }

        public Builder database(String database) {
            this.database = database;
            return this;
        }

        public Builder login(String login) {
            this.login = login;
            return this;
        }

        public Builder password(Secret password) {
            this.password = password;
            return this;
        }

        public Builder password(String password) {
            this.password = Secret.of(password);
            return this;
        }

        public Builder extra(String extra) {
            this.extra = extra;
            return this;
        }

        public Builder extra(Map<String, ?> extra) {
            this.extra = extra == null ? null : writeJson(extra);
            return this;
        }

        public Builder tenant(String tenant) {
            this.tenant = tenant;
            return this;
        }

        public Builder description(String description) {
            this.description = description;
            return this;
        }

        public ConnectionConfig build() {
            return new ConnectionConfig(connId, connType, host, port, database, login, password, extra, tenant,
                    description);
        }
    }
}
