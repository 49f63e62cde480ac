package dev.pgbridge.metadata.usage;

import java.time.LocalDate;

import static java.util.Objects.requireNonNull;

/**
 * One query of the log with how often it ran: a row of {@code pg_stat_statements}, or the rows of a query log file with
 * the same text, user, database and day.
 *
 * @param user       the role that ran it; null when the log does not say
 * @param database   the database it ran in; null when the log does not say (the configured database is meant)
 * @param schema     the schema unqualified names are looked up in first; null for the database's search_path
 * @param calls      how many times it ran
 * @param meanMillis its mean duration in milliseconds; null when the log does not say
 * @param day        the day it ran, the day its usage counts for
 */
public record LoggedQuery(String text, String user, String database, String schema, long calls, Double meanMillis,
                          LocalDate day) {
    public LoggedQuery {
        requireNonNull(text, "text is null");
        requireNonNull(day, "day is null");
        if (calls < 1) {
            throw new IllegalArgumentException("calls must be at least 1: " + calls);
        }
    }
}
