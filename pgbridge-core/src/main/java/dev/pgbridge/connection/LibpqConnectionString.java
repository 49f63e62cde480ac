package dev.pgbridge.connection;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * A libpq connection string, read as libpq's {@code PQconnectdb} reads it (PostgreSQL 18 keywords):
 *
 * <ul>
 *   <li>a URI {@code postgresql://[user[:password]@][host][:port][,host[:port]…][/dbname][?keyword=value&…]}
 *   (or {@code postgres://}): every component is percent-decoded ({@code %} must be followed by two hex digits,
 *   {@code %00} is refused, {@code +} is a plus); {@code [::1]} is an IPv6 host; the query keywords
 *   {@code user, password, dbname, host, port} override the components; {@code ssl=true} means
 *   {@code sslmode=require}; any other keyword must be a libpq keyword;</li>
 *   <li>otherwise {@code keyword=value} pairs separated by white space, a value optionally in single quotes,
 *   {@code \} escaping the next character.</li>
 * </ul>
 *
 * <p>The result: {@code user} → login, {@code password}, {@code dbname} → database, {@code host} (comma-joined for
 * several hosts; a directory for a Unix socket; null for libpq's default socket), {@code port} (comma-joined; when
 * some hosts have a port and others not, the others get 5432), every other keyword → extra (string values),
 * conn_type {@code postgres}.
 */
public final class LibpqConnectionString {
    /** Every connection keyword libpq 18 knows (PQconninfoOptions). */
    private static final Set<String> KEYWORDS = Set.of(
            "service", "user", "password", "passfile", "channel_binding", "connect_timeout", "dbname", "host",
            "hostaddr", "port", "client_encoding", "options", "application_name", "fallback_application_name",
            "keepalives", "keepalives_idle", "keepalives_interval", "keepalives_count", "tcp_user_timeout",
            "sslmode", "sslnegotiation", "sslcompression", "sslcert", "sslkey", "sslcertmode", "sslpassword",
            "sslrootcert", "sslcrl", "sslcrldir", "sslsni", "sslkeylogfile", "requirepeer", "require_auth",
            "ssl_min_protocol_version", "ssl_max_protocol_version", "min_protocol_version", "max_protocol_version",
            "gssencmode", "krbsrvname", "gsslib", "gssdelegation", "replication", "target_session_attrs",
            "load_balance_hosts", "scram_client_key", "scram_server_key", "oauth_issuer", "oauth_client_id",
            "oauth_client_secret", "oauth_scope");
    /** The keywords that are connection fields rather than extras. */
    static final Set<String> FIELD_KEYWORDS = Set.of("user", "password", "dbname", "host", "port");
    /**
     * An unknown keyword is named in the error only when it looks like a keyword (lower case, as every libpq
     * keyword is), because text in keyword position may be a piece of a password that was not encoded.
     */
    private static final Pattern SHOWABLE_KEYWORD = Pattern.compile("[a-z_][a-z0-9_]{0,63}");
    private static final String KEYWORDS_HINT = "see the libpq parameter key words: "
            + "https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-PARAMKEYWORDS";

    private LibpqConnectionString() {}

    /** Whether libpq knows this connection keyword (case-sensitive, as libpq is). */
    public static boolean isKeyword(String keyword) {
        return keyword != null && KEYWORDS.contains(keyword);
    }

    /** Whether libpq reads this text as a URI rather than as keyword=value pairs. */
    public static boolean isUri(String text) {
        return text.startsWith("postgresql://") || text.startsWith("postgres://");
    }

    public static ConnectionConfig parse(String text) {
        requireNonNull(text, "connection string is null");
        Map<String, String> options = isUri(text) ? parseUri(text) : parseKeywordValue(text);
        return toConfig(options);
    }

    // ---- URI ----------------------------------------------------------------------------------------------------

    private static Map<String, String> parseUri(String uri) {
        Map<String, String> options = new LinkedHashMap<>();
        int start = uri.startsWith("postgresql://") ? "postgresql://".length() : "postgres://".length();
        int p = start;
        while (p < uri.length() && uri.charAt(p) != '@' && uri.charAt(p) != '/') {
            p++;
        }
        if (p < uri.length() && uri.charAt(p) == '@') {
            int end = p;
            int colon = uri.indexOf(':', start);
            int userEnd = colon >= 0 && colon < end ? colon : end;
            String user = uri.substring(start, userEnd);
            if (!user.isEmpty()) {
                options.put("user", decode(user, "user name"));
            }
            if (userEnd < end) {
                String password = uri.substring(userEnd + 1, end);
                if (!password.isEmpty()) {
                    options.put("password", decode(password, "password"));
                }
            }
            p = end + 1;
        }
        else {
            p = start;
        }

        StringBuilder hosts = new StringBuilder();
        StringBuilder ports = new StringBuilder();
        char terminator;
        while (true) {
            String host;
            if (p < uri.length() && uri.charAt(p) == '[') {
                int hostStart = ++p;
                while (p < uri.length() && uri.charAt(p) != ']') {
                    p++;
                }
                if (p >= uri.length()) {
                    throw CodecErrors.invalidUri("invalid libpq URI: no ']' closes the IPv6 address in the host part",
                            "write an IPv6 host as [::1]");
                }
                if (p == hostStart) {
                    throw CodecErrors.invalidUri("invalid libpq URI: the IPv6 address [] is empty",
                            "write an IPv6 host as [::1]");
                }
                host = uri.substring(hostStart, p);
                p++;
                if (p < uri.length() && ":/?,".indexOf(uri.charAt(p)) < 0) {
                    throw CodecErrors.invalidUri("invalid libpq URI: unexpected character at position " + (p + 1)
                            + " after the IPv6 address (expected ':', '/', '?' or ',')",
                            "write an IPv6 host as [::1]:5432");
                }
            }
            else {
                int hostStart = p;
                while (p < uri.length() && ":/?,".indexOf(uri.charAt(p)) < 0) {
                    p++;
                }
                host = uri.substring(hostStart, p);
            }
            terminator = p < uri.length() ? uri.charAt(p) : 0;
            hosts.append(host);
            if (terminator == ':') {
                int portStart = ++p;
                while (p < uri.length() && "/?,".indexOf(uri.charAt(p)) < 0) {
                    p++;
                }
                ports.append(uri, portStart, p);
                terminator = p < uri.length() ? uri.charAt(p) : 0;
            }
            if (terminator != ',') {
                break;
            }
            p++;
            hosts.append(',');
            ports.append(',');
        }
        if (!hosts.isEmpty()) {
            options.put("host", decode(hosts.toString(), "host"));
        }
        if (!ports.isEmpty()) {
            options.put("port", decode(ports.toString(), "port"));
        }
        if (terminator != 0 && terminator != '?') {
            int dbStart = ++p;
            while (p < uri.length() && uri.charAt(p) != '?') {
                p++;
            }
            String dbname = uri.substring(dbStart, p);
            if (!dbname.isEmpty()) {
                options.put("dbname", decode(dbname, "database name"));
            }
            terminator = p < uri.length() ? '?' : 0;
        }
        if (terminator == '?') {
            parseQuery(uri.substring(p + 1), options);
        }
        return options;
    }

    private static void parseQuery(String query, Map<String, String> options) {
        int index = 0;
        int p = 0;
        while (p < query.length()) {
            index++;
            int start = p;
            int eq = -1;
            while (p < query.length() && query.charAt(p) != '&') {
                if (query.charAt(p) == '=') {
                    if (eq >= 0) {
                        throw CodecErrors.invalidUri("invalid libpq URI: query parameter " + index
                                        + " has a second '=' in its value",
                                "percent-encode '=' inside a value as %3D; " + CodecErrors.ENCODE_PASSWORD_HINT);
                    }
                    eq = p;
                }
                p++;
            }
            if (eq < 0) {
                throw CodecErrors.invalidUri("invalid libpq URI: query parameter " + index + " has no '='",
                        "write the query as ?keyword=value&keyword=value; " + CodecErrors.ENCODE_PASSWORD_HINT);
            }
            String keyword = decode(query.substring(start, eq), "name of query parameter " + index);
            String shown = isKeyword(keyword) ? "\"" + keyword + "\"" : "parameter " + index;
            String value = decode(query.substring(eq + 1, p), "value of query " + shown);
            if (keyword.equals("ssl") && value.equals("true")) {
                keyword = "sslmode";
                value = "require";
            }
            if (!isKeyword(keyword)) {
                throw unknownKeyword(keyword, "in the URI query");
            }
            options.remove(keyword);
            options.put(keyword, value);
            if (p < query.length()) {
                p++; // '&'
            }
        }
    }

    private static String decode(String text, String what) {
        try {
            return PercentCoding.libpqDecode(text);
        }
        catch (PercentCoding.CodingException e) {
            throw CodecErrors.invalidUri("invalid libpq URI: the " + what + " is not valid: " + e.getMessage(),
                    CodecErrors.ENCODE_PASSWORD_HINT);
        }
    }

    private static RuntimeException unknownKeyword(String keyword, String where) {
        String known = KEYWORDS.stream().filter(k -> k.equalsIgnoreCase(keyword)).findFirst().orElse(null);
        String shown = SHOWABLE_KEYWORD.matcher(keyword).matches()
                ? "\"" + keyword + "\""
                : known != null
                ? "(libpq keywords are lower case: did you mean " + known + "?)"
                : "(not shown: it may be a piece of a password)";
        return CodecErrors.invalidUri("invalid libpq connection string: unknown keyword " + shown + " " + where,
                "use a libpq keyword (sslmode, connect_timeout, application_name, options, …); " + KEYWORDS_HINT
                        + "; a password with special characters must be percent-encoded in a URI or quoted in "
                        + "keyword=value form");
    }

    // ---- keyword=value --------------------------------------------------------------------------------------------

    private static Map<String, String> parseKeywordValue(String text) {
        Map<String, String> options = new LinkedHashMap<>();
        int p = 0;
        int n = text.length();
        while (p < n) {
            if (isSpace(text.charAt(p))) {
                p++;
                continue;
            }
            int nameStart = p;
            int nameEnd;
            while (p < n && text.charAt(p) != '=' && !isSpace(text.charAt(p))) {
                p++;
            }
            nameEnd = p;
            while (p < n && isSpace(text.charAt(p))) {
                p++;
            }
            if (p >= n || text.charAt(p) != '=') {
                throw CodecErrors.invalidUri("invalid libpq connection string: the word at position " + (nameStart + 1)
                                + " is not followed by '='",
                        "write keyword=value pairs separated by spaces; put a value with spaces in single quotes: "
                                + "password='a b'");
            }
            String keyword = text.substring(nameStart, nameEnd);
            p++; // '='
            while (p < n && isSpace(text.charAt(p))) {
                p++;
            }
            StringBuilder value = new StringBuilder();
            if (p < n && text.charAt(p) == '\'') {
                int quoteStart = p;
                p++;
                while (true) {
                    if (p >= n) {
                        throw CodecErrors.invalidUri("invalid libpq connection string: the quoted value starting at "
                                        + "position " + (quoteStart + 1) + " has no closing quote",
                                "close the value with ' and write a quote inside it as \\'");
                    }
                    char c = text.charAt(p);
                    if (c == '\\') {
                        p++;
                        if (p < n) {
                            value.append(text.charAt(p++));
                        }
                        continue;
                    }
                    if (c == '\'') {
                        p++;
                        break;
                    }
                    value.append(c);
                    p++;
                }
            }
            else {
                while (p < n) {
                    char c = text.charAt(p);
                    if (isSpace(c)) {
                        p++;
                        break;
                    }
                    if (c == '\\') {
                        p++;
                        if (p < n) {
                            value.append(text.charAt(p++));
                        }
                    }
                    else {
                        value.append(c);
                        p++;
                    }
                }
            }
            if (!isKeyword(keyword)) {
                throw unknownKeyword(keyword, "at position " + (nameStart + 1));
            }
            options.remove(keyword);
            options.put(keyword, value.toString());
        }
        return options;
    }

    /** C's isspace in the C locale. */
    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0b || c == '\f' || c == '\r';
    }

    // ---- to ConnectionConfig ---------------------------------------------------------------------------------------

    private static ConnectionConfig toConfig(Map<String, String> options) {
        String host = emptyToNull(options.get("host"));
        Map<String, Object> extra = new LinkedHashMap<>();
        options.forEach((keyword, value) -> {
            if (!FIELD_KEYWORDS.contains(keyword)) {
                extra.put(keyword, value);
            }
        });
        return ConnectionConfig.builder()
                .connType(ConnectionConfig.POSTGRES)
                .host(host)
                .port(ports(emptyToNull(options.get("port")), host))
                .database(emptyToNull(options.get("dbname")))
                .login(emptyToNull(options.get("user")))
                .password(emptyToNull(options.get("password")))
                .extra(extra.isEmpty() ? null : PythonJson.dumps(extra))
                .build();
    }

    /** Checks every port and fills the empty ones of a multi-host list with 5432. */
    static String ports(String port, String host) {
        if (port == null) {
            return null;
        }
        String[] parts = port.split(",", -1);
        int hostCount = host == null ? 1 : host.split(",", -1).length;
        if (parts.length != 1 && parts.length != hostCount) {
            throw CodecErrors.invalidUri("invalid libpq connection string: " + parts.length + " ports for "
                    + hostCount + " host(s)", "give one port for all hosts or one port per host");
        }
        boolean anyPort = false;
        for (String part : parts) {
            if (part.isEmpty()) {
                continue;
            }
            anyPort = true;
            if (!part.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw CodecErrors.invalidUri("invalid libpq connection string: the port is not a number",
                        CodecErrors.PORT_HINT);
            }
            if (part.length() > 5 || Integer.parseInt(part) < 1 || Integer.parseInt(part) > 65535) {
                throw CodecErrors.invalidUri("invalid libpq connection string: the port is out of range 1-65535",
                        CodecErrors.PORT_HINT);
            }
        }
        if (!anyPort) {
            return null;
        }
        List<String> filled = new ArrayList<>();
        for (String part : parts) {
            filled.add(part.isEmpty() ? String.valueOf(ConnectionConfig.DEFAULT_PORT) : String.valueOf(Integer.parseInt(part)));
        }
        return String.join(",", filled);
    }

    private static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }
}
