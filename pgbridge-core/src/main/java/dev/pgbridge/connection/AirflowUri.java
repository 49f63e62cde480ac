package dev.pgbridge.connection;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * Airflow's connection URI, read and written exactly as Airflow 3's {@code Connection._parse_from_uri} and
 * {@code Connection.get_uri} do (on CPython 3.11+, whose {@code urlsplit} they are built on).
 *
 * <p>Reading:
 * <ul>
 *   <li>{@code conn_type} is the scheme, lower-cased, {@code -} → {@code _}, {@code postgresql} → {@code postgres};</li>
 *   <li>the host is lower-cased up to its first {@code %}, then percent-decoded; when the decoded host contains a
 *   {@code /} (a socket directory, {@code k8s://…}) it is decoded from the raw netloc instead, so its
 *   case is kept ({@code %2FTmP%2F} → {@code /TmP/});</li>
 *   <li>{@code type://protocol://host} keeps the inner protocol in the host; credentials or a port before the inner
 *   protocol, or more than two {@code ://}, are errors;</li>
 *   <li>login, password and schema (pgbridge's database) are percent-decoded; an empty password is no password;</li>
 *   <li>query: {@code +} is a space; {@code __extra__} carries the whole extra as JSON; otherwise every key becomes an
 *   extra and every value that is JSON becomes that JSON value ({@code 123} → 123, {@code true} → true), as
 *   Airflow 3 (PR #59339) does; extra must be a JSON object.</li>
 * </ul>
 *
 * <p>Writing ({@code get_uri}): login, password, host and schema are quoted with no safe characters; an extra whose
 * values are all strings is written as query parameters ({@code urlencode}, space as {@code +}), any other extra
 * as {@code __extra__=<its JSON text>}; the query follows {@code /?} when there is no schema.
 */
public final class AirflowUri {
    static final String EXTRA_KEY = "__extra__";

    private AirflowUri() {}

    public static ConnectionConfig parse(String uri) {
        requireNonNull(uri, "uri is null");
        if (uri.isEmpty()) {
            throw CodecErrors.invalidUri("the connection URI is empty",
                    "give a URI like postgresql://user:password@host:5432/database");
        }
        int schemes = count(uri, "://");
        if (schemes > 2) {
            throw CodecErrors.invalidUri("invalid Airflow connection URI: it contains '://' " + schemes
                    + " times; at most two are allowed (type://protocol://host)", CodecErrors.ENCODE_PASSWORD_HINT);
        }
        boolean hostWithProtocol = schemes == 2;
        try {
            String scheme = PythonUrl.split(uri).scheme();
            String rest = uri.replace(scheme + "://", hostWithProtocol ? "" : "//");
            if (hostWithProtocol) {
                int inner = rest.indexOf("://");
                String beforeInner = inner < 0 ? rest : rest.substring(0, inner);
                if (beforeInner.contains("@") || beforeInner.contains(":")) {
                    throw CodecErrors.invalidUri("invalid Airflow connection URI: a login, password or port comes "
                                    + "before the host's own protocol",
                            "write type://protocol://login:password@host:port, or percent-encode '://' in the host "
                                    + "(%3A%2F%2F)");
                }
            }
            PythonUrl parts = PythonUrl.split(rest);
            String host = hostname(parts);
            if (hostWithProtocol && !parts.scheme().isEmpty() && !host.isEmpty()) {
                host = parts.scheme() + "://" + host;
            }
            // Python's path[1:] drops one code point (a scheme-less "URI" may start with any character)
            String path = parts.path();
            String quotedSchema = path.isEmpty() ? "" : path.substring(path.offsetByCodePoints(0, 1));
            String schema = quotedSchema.isEmpty() ? quotedSchema : PercentCoding.unquote(quotedSchema);
            String username = parts.username();
            String login = username == null || username.isEmpty() ? username : PercentCoding.unquote(username);
            String rawPassword = parts.password();
            String password = rawPassword == null || rawPassword.isEmpty() ? null : PercentCoding.unquote(rawPassword);
            Integer port = parts.port();
            String extra = extra(parts.query());
            return ConnectionConfig.builder()
                    .connType(normalizeConnType(scheme))
                    .host(host)
                    .port(port)
                    .database(schema)
                    .login(login)
                    .password(password)
                    .extra(extra)
                    .build();
        }
        catch (PythonUrl.UrlException e) {
            String hint = e.portProblem() ? CodecErrors.PORT_HINT : CodecErrors.ENCODE_PASSWORD_HINT;
            throw CodecErrors.invalidUri("invalid Airflow connection URI: " + e.getMessage(), hint);
        }
    }

    /** Airflow's {@code _normalize_conn_type}. */
    static String normalizeConnType(String connType) {
        if (connType == null) {
            return null;
        }
        if (connType.equals("postgresql")) {
            return ConnectionConfig.POSTGRES;
        }
        return connType.replace('-', '_');
    }

    /** Airflow's {@code _parse_netloc_to_hostname}. */
    private static String hostname(PythonUrl parts) {
        String hostname = parts.hostname();
        String host = PercentCoding.unquote(hostname == null ? "" : hostname);
        if (host.contains("/")) {
            String raw = parts.netloc();
            int at = raw.lastIndexOf('@');
            if (at >= 0) {
                raw = raw.substring(at + 1);
            }
            int colon = raw.indexOf(':');
            if (colon >= 0) {
                raw = raw.substring(0, colon);
            }
            host = PercentCoding.unquote(raw);
        }
        return host;
    }

    private static String extra(String query) {
        if (query.isEmpty()) {
            return null;
        }
        Map<String, String> pairs = PythonUrl.parseQuery(query);
        String extra;
        if (pairs.containsKey(EXTRA_KEY)) {
            extra = pairs.get(EXTRA_KEY);
            if (extra.isEmpty()) {
                return null;
            }
            Object parsed;
            try {
                parsed = PythonJson.loads(extra);
            }
            catch (PythonJson.DecodeException e) {
                throw CodecErrors.invalidUri("invalid Airflow connection URI: the __extra__ query parameter is not "
                        + "JSON: " + e.getMessage(), "__extra__ must hold a percent-encoded JSON object");
            }
            if (!(parsed instanceof Map<?, ?>)) {
                throw CodecErrors.invalidUri("invalid Airflow connection URI: the __extra__ query parameter is JSON "
                        + "but not an object (Airflow 3 requires extra to be a JSON object)",
                        "__extra__ must hold a percent-encoded JSON object, e.g. __extra__=%7B%22a%22%3A+1%7D");
            }
            return extra;
        }
        Map<String, Object> values = new LinkedHashMap<>();
        pairs.forEach((key, value) -> values.put(key, PythonJson.loadsOrKeep(value)));
        return PythonJson.dumps(values);
    }

    /** The URI Airflow 3's {@code Connection.get_uri()} makes for these fields. */
    public static String build(ConnectionConfig connection) {
        requireNonNull(connection, "connection is null");
        AirflowFields f = AirflowFields.of(connection);
        StringBuilder uri = new StringBuilder();
        String connType = f.connType();
        if (connType != null && !connType.isEmpty()) {
            uri.append(connType.toLowerCase(Locale.ROOT).replace('_', '-')).append("://");
        }
        else {
            uri.append("//");
        }
        String hostToUse = f.host();
        String protocolToAdd = null;
        if (f.host() != null && f.host().contains("://")) {
            int at = f.host().indexOf("://");
            String protocol = f.host().substring(0, at);
            if (!protocol.equals(connType)) {
                hostToUse = f.host().substring(at + 3);
                protocolToAdd = protocol;
            }
        }
        if (protocolToAdd != null && !protocolToAdd.isEmpty()) {
            uri.append(protocolToAdd).append("://");
        }
        StringBuilder authority = new StringBuilder();
        if (f.login() != null) {
            authority.append(quote(f.login(), "login"));
        }
        if (f.password() != null) {
            authority.append(':').append(quote(f.password(), "password"));
        }
        if (!authority.isEmpty()) {
            authority.append('@');
            uri.append(authority);
        }
        StringBuilder hostBlock = new StringBuilder();
        if (hostToUse != null && !hostToUse.isEmpty()) {
            hostBlock.append(quote(hostToUse, "host"));
        }
        if (f.port() != null && f.port() != 0) {
            hostBlock.append(hostBlock.isEmpty() && authority.isEmpty() ? "@:" : ":").append(f.port());
        }
        boolean hasSchema = f.schema() != null && !f.schema().isEmpty();
        if (hasSchema) {
            hostBlock.append('/').append(quote(f.schema(), "database"));
        }
        uri.append(hostBlock);
        if (f.extra() != null && !f.extra().isEmpty()) {
            String query = flatQuery(f.extraDejson());
            uri.append(hasSchema ? "?" : "/?");
            if (query != null && !query.isEmpty()) {
                uri.append(query);
            }
            else {
                uri.append(EXTRA_KEY).append('=').append(quotePlus(f.extra(), "extra"));
            }
        }
        return uri.toString();
    }

    /** {@code urlencode(extra)} when that reads back as the same dict (every value a string), else null. */
    private static String flatQuery(Map<String, Object> extra) {
        Map<String, String> pairs = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : extra.entrySet()) {
            if (!(e.getValue() instanceof String value)) {
                return null;
            }
            pairs.put(e.getKey(), value);
        }
        try {
            return PythonUrl.urlencode(pairs);
        }
        catch (PercentCoding.CodingException e) {
            throw CodecErrors.invalidConfig("an extra cannot be written as UTF-8: " + e.getMessage(),
                    "remove the broken character from extra");
        }
    }

    private static String quote(String value, String field) {
        try {
            return PercentCoding.encodeAll(value);
        }
        catch (PercentCoding.CodingException e) {
            throw CodecErrors.invalidConfig("the " + field + " cannot be written in a URI: " + e.getMessage(),
                    "remove the broken character from the " + field);
        }
    }

    private static String quotePlus(String value, String field) {
        try {
            return PercentCoding.quotePlus(value);
        }
        catch (PercentCoding.CodingException e) {
            throw CodecErrors.invalidConfig("the " + field + " cannot be written in a URI: " + e.getMessage(),
                    "remove the broken character from the " + field);
        }
    }

    private static int count(String text, String part) {
        int n = 0;
        int from = 0;
        while ((from = text.indexOf(part, from)) >= 0) {
            n++;
            from += part.length();
        }
        return n;
    }
}
