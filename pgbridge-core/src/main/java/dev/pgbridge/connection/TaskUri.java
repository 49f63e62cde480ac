package dev.pgbridge.connection;

import dev.pgbridge.secret.SecretRedactor;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * The URI pgbridge hands to a task ({@code AIRFLOW_CONN_<ID>}), written so that Airflow ({@link AirflowUri}) and
 * libpq ({@link LibpqConnectionString}, psql) read the same fields from it:
 *
 * <pre>postgresql://login:password@host:port/database?keyword=value&amp;…</pre>
 *
 * <ul>
 *   <li>Every byte outside {@code A-Za-z0-9_.~-} of login, password, host, database and query values is
 *   percent-encoded (a space is {@code %20}, never {@code +}: Airflow would read {@code +} as a space in the query
 *   and libpq as a plus).</li>
 *   <li>The host is written in lower case unless it contains a {@code /} (a socket directory), because Airflow
 *   lower-cases host names and host names are case-insensitive. A socket directory is written with {@code %2F}, which
 *   both readers decode after splitting the URI; so are the {@code :} of an IPv6 address and the {@code ,} between
 *   several hosts.</li>
 *   <li>One port for all hosts goes after the host. Different ports per host cannot be written there in a way
 *   Airflow reads, so they go to {@code ?port=5432%2C5433}: libpq reads them as per-host ports, Airflow as extra
 *   {@code port}, which its Postgres hook passes on to libpq.</li>
 *   <li>Only libpq keywords are in the query, in extra order; {@code sslmode} only when set. Other extras are left
 *   out with a warning pointing to the JSON form, which carries everything.</li>
 *   <li>Empty login, password, host or database are the same as absent ones (libpq ignores them; Airflow drops an
 *   empty password).</li>
 * </ul>
 *
 * <p>Airflow 3 reads query values that are JSON as JSON: {@code connect_timeout=10} comes back as the number 10.
 */
public final class TaskUri {
    private TaskUri() {}

    /** The URI and what it had to leave out. {@link #toString()} masks the password. */
    public record Result(String uri, List<String> warnings) {
        public Result {
            requireNonNull(uri, "uri is null");
            warnings = List.copyOf(warnings);
        }

        @Override
        public String toString() {
            return "Result[uri=" + SecretRedactor.global().redact(uri) + ", warnings=" + warnings + "]";
        }
    }

    public static Result build(ConnectionConfig connection) {
        requireNonNull(connection, "connection is null");
        List<String> warnings = new ArrayList<>();
        String connType = connection.connType();
        if (connType != null && !connType.isEmpty() && !connType.equals(ConnectionConfig.POSTGRES)
                && !connType.equals("postgresql")) {
            warnings.add("conn_type is '" + connType + "'; the task URI is a PostgreSQL (libpq) URI all the same");
        }
        String login = emptyToNull(connection.login());
        String password = connection.password() == null || connection.password().isEmpty()
                ? null
                : connection.password().reveal();
        String host = emptyToNull(connection.host());
        String database = emptyToNull(connection.database());

        StringBuilder uri = new StringBuilder("postgresql://");
        if (login != null || password != null) {
            if (login != null) {
                uri.append(encode(login, "login"));
            }
            if (password != null) {
                uri.append(':').append(encode(password, "password"));
            }
            uri.append('@');
        }
        if (host != null) {
            uri.append(encode(host.contains("/") ? host : host.toLowerCase(Locale.ROOT), "host"));
        }
        String perHostPorts = AirflowFields.perHostPorts(connection.port());
        if (connection.port() != null && perHostPorts == null) {
            uri.append(':').append(Integer.parseInt(connection.port().split(",")[0]));
        }
        if (database != null) {
            uri.append('/').append(encode(database, "database"));
        }

        List<String> query = new ArrayList<>();
        Map<String, Object> extra = PythonJson.objectOrNull(connection.extra());
        if (extra == null && connection.extra() != null && !connection.extra().isBlank()) {
            warnings.add("extra is not a JSON object, so the task URI carries none of it; the JSON form (--json) "
                    + "carries it as it is");
        }
        if (extra != null) {
            for (Map.Entry<String, Object> e : extra.entrySet()) {
                String key = e.getKey();
                Object value = e.getValue();
                if (LibpqConnectionString.FIELD_KEYWORDS.contains(key)) {
                    warnings.add("extra \"" + key + "\" is left out of the task URI: it would override the "
                            + "connection's own " + key + " field");
                }
                else if (!LibpqConnectionString.isKeyword(key)) {
                    warnings.add("extra \"" + key + "\" is not a libpq keyword, so the task URI leaves it out; "
                            + "the JSON form (--json) carries every extra");
                }
                else if (value instanceof Map<?, ?> || value instanceof Collection<?>) {
                    warnings.add("extra \"" + key + "\" holds a JSON object or list, which a URI query cannot carry; "
                            + "the JSON form (--json) carries it");
                }
                else if (value != null) {
                    query.add(key + "=" + encode(scalarText(value), "extra " + key));
                }
            }
        }
        if (perHostPorts != null) {
            query.add("port=" + encode(perHostPorts, "port"));
            warnings.add("the hosts have different ports (" + perHostPorts + "): the task URI carries them as "
                    + "?port=…, which libpq reads as one port per host and Airflow as extra \"port\"");
        }
        if (!query.isEmpty()) {
            uri.append('?').append(String.join("&", query));
        }
        return new Result(uri.toString(), warnings);
    }

    /** An extra value as libpq text: booleans as 1/0, whole numbers without a fraction. */
    static String scalarText(Object value) {
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof Boolean b) {
            return b ? "1" : "0";
        }
        if (value instanceof Integer || value instanceof Long || value instanceof BigInteger) {
            return value.toString();
        }
        if (value instanceof Double d && !d.isNaN() && !d.isInfinite()) {
            return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
        }
        return String.valueOf(value);
    }

    private static String encode(String value, String field) {
        if (value.indexOf('\0') >= 0) {
            throw CodecErrors.invalidConfig("the " + field + " contains a NUL character, which libpq cannot carry",
                    "remove the NUL character from the " + field);
        }
        try {
            return PercentCoding.encodeAll(value);
        }
        catch (PercentCoding.CodingException e) {
            throw CodecErrors.invalidConfig("the " + field + " cannot be written in a URI: " + e.getMessage(),
                    "remove the broken character from the " + field);
        }
    }

    private static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }
}
