package dev.pgbridge.connection;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * How a connection text is read. Airflow and libpq disagree on edge cases (a {@code +} in the query, a second
 * {@code =}, an unknown keyword, several hosts), so the user says which reader is meant.
 */
public enum UriDialect {
    /**
     * As Airflow reads an {@code AIRFLOW_CONN_*} value: surrounding white space removed, JSON
     * ({@link AirflowJson}) when it starts with {@code {}, else an Airflow URI ({@link AirflowUri}).
     */
    AIRFLOW,
    /** As libpq reads a connection string: a {@code postgresql://} URI or keyword=value pairs. */
    LIBPQ;

    public ConnectionConfig parse(String text) {
        requireNonNull(text, "text is null");
        return switch (this) {
            case AIRFLOW -> {
                String value = text.strip();
                yield value.startsWith("{") ? AirflowJson.parse(value) : AirflowUri.parse(value);
            }
            case LIBPQ -> LibpqConnectionString.parse(text);
        };
    }

    /**
     * As {@link #parse}, for a connection that is to be saved: also refuses a URI without {@code ://}, a scheme or
     * connection type other than postgres/postgresql, a {@code %} not followed by two hex digits and a port outside
     * 1-65535, each with a hint, before anything is stored (see {@link SavedConnectionCheck}).
     */
    public ConnectionConfig parseToSave(String text) {
        requireNonNull(text, "text is null");
        String value = text.strip();
        boolean json = this == AIRFLOW && value.startsWith("{");
        boolean keywords = this == LIBPQ && !LibpqConnectionString.isUri(value);
        if (!json && !keywords) {
            SavedConnectionCheck.uri(value);
        }
        return SavedConnectionCheck.connection(parse(text));
    }

    /** Refuses a connection, however it was described, whose type is not PostgreSQL or whose port is out of range. */
    public static ConnectionConfig checkToSave(ConnectionConfig connection) {
        return SavedConnectionCheck.connection(requireNonNull(connection, "connection is null"));
    }

    /** The name users type: {@code airflow}, {@code libpq}. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The dialect for a user-typed name (case-insensitive). */
    public static UriDialect fromName(String name) {
        requireNonNull(name, "dialect name is null");
        for (UriDialect dialect : values()) {
            if (dialect.cliName().equals(name.strip().toLowerCase(Locale.ROOT))) {
                return dialect;
            }
        }
        String choices = Arrays.stream(values()).map(UriDialect::cliName).collect(Collectors.joining(", "));
        throw CodecErrors.invalidConfig("unknown URI dialect '" + name + "': valid choices are " + choices,
                "use --dialect airflow for Airflow connection URIs and AIRFLOW_CONN_* values, "
                        + "--dialect libpq for psql-style connection strings");
    }
}
