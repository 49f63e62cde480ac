package dev.pgbridge.connection;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The extra keys pgbridge understands, declared once: the key, its type and allowed values, its default,
 * whether libpq reads it in a connection URI, the pgjdbc property it becomes, and whether it is sensitive.
 * Help text, validation, the task URI and the JDBC properties are all derived from this list.
 *
 * <p>It is also the allowlist: no other user text ever reaches pgjdbc as a driver property
 * (pgjdbc's {@code socketFactory}, {@code sslfactory}, {@code loggerFile}… load classes or write files).
 */
public enum ExtraOption {
    SSLMODE("sslmode", Type.ENUM, "prefer", true, "sslmode", false,
            "TLS mode, as libpq: disable, allow, prefer, require, verify-ca, verify-full",
            "disable", "allow", "prefer", "require", "verify-ca", "verify-full"),
    SSLROOTCERT("sslrootcert", Type.PATH, null, true, "sslrootcert", false,
            "file of trusted CA certificates (PEM); default $HOME/.postgresql/root.crt. As in libpq, when it exists every "
                    + "TLS session verifies the server's certificate against it (require too)"),
    SSLCERT("sslcert", Type.PATH, null, true, "sslcert", false, "client certificate file (PEM)"),
    SSLKEY("sslkey", Type.PATH, null, true, "sslkey", false, "client private key file"),
    SSLPASSWORD("sslpassword", Type.STRING, null, true, "sslpassword", true, "password of the client key"),
    CONNECT_TIMEOUT("connect_timeout", Type.INT, "10", true, "connectTimeout", false,
            "seconds to wait for the TCP connection and login"),
    APPLICATION_NAME("application_name", Type.STRING, "pgbridge", true, "ApplicationName", false,
            "shown in pg_stat_activity"),
    OPTIONS("options", Type.STRING, null, true, "options", false,
            "command-line options sent to the server, e.g. -c statement_timeout=5min"),
    TARGET_SESSION_ATTRS("target_session_attrs", Type.ENUM, null, true, "targetServerType", false,
            "which host of a multi-host connection to use",
            "any", "read-write", "read-only", "primary", "standby", "prefer-standby"),
    KEEPALIVES("keepalives", Type.ENUM, null, true, "tcpKeepAlive", false, "TCP keepalives: 1 on, 0 off", "0", "1"),
    CHANNEL_BINDING("channel_binding", Type.ENUM, null, true, "channelBinding", false,
            "SCRAM channel binding: disable, prefer, require", "disable", "prefer", "require"),
    GSSENCMODE("gssencmode", Type.ENUM, null, true, "gssEncMode", false, "GSSAPI encryption",
            "disable", "prefer", "require"),
    CLIENT_ENCODING("client_encoding", Type.STRING, null, true, null, false,
            "client encoding (pgbridge always uses UTF8 over JDBC)"),
    HOSTADDR("hostaddr", Type.STRING, null, true, null, false,
            "numeric IP address to connect to instead of resolving host"),
    SEARCH_PATH("search_path", Type.STRING, null, false, "currentSchema", false,
            "schemas to search for unqualified names (not a libpq keyword: use options -c search_path=… for psql)"),
    SOCKET_TIMEOUT("socket_timeout", Type.INT, null, false, "socketTimeout", false,
            "seconds a read may wait on the server before the connection is given up (0 = no limit)"),
    LOGIN_TIMEOUT("login_timeout", Type.INT, null, false, "loginTimeout", false,
            "seconds to wait for the login to finish");

    /** The value types an extra may have. */
    public enum Type { STRING, INT, ENUM, PATH }

    private static final Map<String, ExtraOption> BY_KEY = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(ExtraOption::key, Function.identity()));

    private final String key;
    private final Type type;
    private final String defaultValue;
    private final boolean libpqKeyword;
    private final String jdbcProperty;
    private final boolean sensitive;
    private final String description;
    private final List<String> allowedValues;

    ExtraOption(String key, Type type, String defaultValue, boolean libpqKeyword, String jdbcProperty,
                boolean sensitive, String description, String... allowedValues) {
        this.key = key;
        this.type = type;
        this.defaultValue = defaultValue;
        this.libpqKeyword = libpqKeyword;
        this.jdbcProperty = jdbcProperty;
        this.sensitive = sensitive;
        this.description = description;
        this.allowedValues = List.of(allowedValues);
    }

    /**
     * Parts of extra key names that make a value secret, as Airflow's {@code DEFAULT_SENSITIVE_FIELDS}: an extra
     * {@code api_key} or {@code aws_secret_access_key} is masked as Airflow masks it.
     */
    private static final List<String> SENSITIVE_KEY_PARTS = List.of("access_token", "api_key", "apikey", "authorization",
            "passphrase", "passwd", "password", "private_key", "secret", "token", "keyfile_dict", "service_account");

    /**
     * Whether the value of an extra key is a secret: a declared option marked sensitive ({@code sslpassword}) or a
     * name Airflow masks. The one rule for every listing, page, export and API answer that leaves secrets out.
     */
    public static boolean sensitiveKey(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return forKey(k).map(ExtraOption::sensitive).orElse(false) || SENSITIVE_KEY_PARTS.stream().anyMatch(k::contains);
    }

    /** False when no sensitive key can be in this extra text: it does not even contain one's name (nor an escape). */
    public static boolean maySensitive(String extraText) {
        if (extraText == null || extraText.isEmpty()) {
            return false;
        }
        String lower = extraText.toLowerCase(Locale.ROOT);
        for (ExtraOption option : values()) {
            if (option.sensitive() && lower.contains(option.key())) {
                return true;
            }
        }
        // a key written with escapes ("\u0073slpassword") is not found by its name
        return SENSITIVE_KEY_PARTS.stream().anyMatch(lower::contains) || lower.contains("\\u");
    }

    public static Optional<ExtraOption> forKey(String key) {
        return Optional.ofNullable(BY_KEY.get(key.toLowerCase(Locale.ROOT)));
    }

    public String key() {
        return key;
    }

    public Type type() {
        return type;
    }

    /** The default pgbridge applies when the extra is absent; null for none. */
    public String defaultValue() {
        return defaultValue;
    }

    /** Whether libpq reads this key in a connection URI's query (so it may appear in a task URI). */
    public boolean libpqKeyword() {
        return libpqKeyword;
    }

    /** The pgjdbc property it maps to, or null when pgjdbc has none. */
    public String jdbcProperty() {
        return jdbcProperty;
    }

    public boolean sensitive() {
        return sensitive;
    }

    public String description() {
        return description;
    }

    public List<String> allowedValues() {
        return allowedValues;
    }

    /** Null when the value fits, else why not (naming the key, the value and the allowed values). */
    public String problem(Object value) {
        String text = String.valueOf(value);
        return switch (type) {
            case ENUM -> allowedValues.contains(text) ? null
                    : "extra " + key + " is '" + text + "'; allowed: " + String.join(", ", allowedValues);
            case INT -> text.matches("\\d{1,9}") ? null
                    : "extra " + key + " is '" + text + "'; it must be a whole number of seconds";
            case STRING, PATH -> null;
        };
    }
}
