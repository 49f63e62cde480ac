package dev.pgbridge.connection;

import java.util.List;
import java.util.Locale;

/**
 * What is refused before a connection is saved ({@code conn add}, {@code conn edit}, {@code conn import}), beyond what
 * the faithful Airflow and libpq readers refuse: text those readers would turn into a connection to a nonsense host
 * ({@code postgres//u@h:5432/db}, whose missing colon makes Airflow read host {@code /ostgres//u@h}), a connection
 * type other than PostgreSQL, a {@code %} not followed by two hex digits (Airflow keeps it as it is, so {@code p%zz}
 * would be saved as a password no one typed), a port outside 1-65535. Messages name the position, never the text:
 * it may hold a password.
 */
final class SavedConnectionCheck {
    /** The schemes and connection types of a PostgreSQL connection, as Airflow and libpq write them. */
    static final List<String> POSTGRES_TYPES = List.of(ConnectionConfig.POSTGRES, "postgresql");
    /** Without a password: a {@code user:password@} would be masked in every message (SecretRedactor). */
    static final String URI_EXAMPLE = "postgresql://user@host:5432/database";

    private SavedConnectionCheck() {
    }

    /** A URI (not JSON, not libpq keyword=value) of the airflow or libpq dialect, before it is read. */
    static void uri(String text) {
        String value = text.strip();
        int separator = value.indexOf("://");
        if (separator < 0) {
            throw CodecErrors.invalidUri("the connection URI has no '://' after its scheme",
                    "write it as " + URI_EXAMPLE + " (a colon and two slashes after postgresql)");
        }
        String scheme = value.substring(0, separator).toLowerCase(Locale.ROOT);
        if (!POSTGRES_TYPES.contains(scheme)) {
            throw CodecErrors.invalidUri("the connection URI's scheme is not postgres or postgresql"
                            + (scheme.isEmpty() ? " (it has none)" : ""),
                    "pgbridge connections are PostgreSQL connections: write " + URI_EXAMPLE);
        }
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) == '%' && !(i + 2 < value.length() && hex(value.charAt(i + 1)) && hex(value.charAt(i + 2)))) {
                throw CodecErrors.invalidUri("the connection URI has a '%' at character " + (i + 1)
                        + " that is not followed by two hex digits", "write a literal % as %25; "
                        + CodecErrors.ENCODE_PASSWORD_HINT);
            }
        }
    }

    /** The connection read, whatever it came from (URI, JSON, fields): its type and port. */
    static ConnectionConfig connection(ConnectionConfig c) {
        if (c.connType() != null && !c.connType().isEmpty()
                && !POSTGRES_TYPES.contains(c.connType().toLowerCase(Locale.ROOT))) {
            throw CodecErrors.invalidUri("the connection type is not postgres",
                    "pgbridge connections are PostgreSQL connections: give conn_type postgres");
        }
        if (c.port() != null) {
            for (String port : c.port().split(",")) {
                int n = Integer.parseInt(port); // the record allows only digits
                if (n < 1 || n > 65535) {
                    throw CodecErrors.invalidUri("the port " + n + " is out of range", CodecErrors.PORT_HINT);
                }
            }
        }
        return c;
    }

    private static boolean hex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
