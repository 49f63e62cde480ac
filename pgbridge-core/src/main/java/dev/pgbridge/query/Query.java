package dev.pgbridge.query;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * What to run: SQL text (one or more statements), the values of its {@code ?} parameters (text, bound as
 * untyped values that PostgreSQL casts to what the statement needs — write {@code ?::int} where it cannot tell;
 * null binds SQL NULL; {@code ??} is a literal {@code ?}), and a statement timeout (null: none).
 *
 * <p>Parameters need a single statement. The timeout applies to each statement, on the server
 * ({@code statement_timeout}), so PostgreSQL itself stops a statement that runs too long.
 */
public record Query(String sql, List<String> parameters, Duration timeout) {
    public Query {
        requireNonNull(sql, "sql is null");
        parameters = Collections.unmodifiableList(new ArrayList<>(requireNonNull(parameters, "parameters is null")));
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
    }

    public static Query of(String sql) {
        return new Query(sql, List.of(), null);
    }

    public Query withParameters(List<String> values) {
        return new Query(sql, values, timeout);
    }

    public Query withTimeout(Duration value) {
        return new Query(sql, parameters, value);
    }

    @Override
    public String toString() {
        // neither the SQL nor the values: both may carry data or secrets
        return "Query[" + sql.length() + " chars, " + parameters.size() + " parameters, timeout " + timeout + "]";
    }
}
