package dev.pgbridge.store;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * One step of a component's schema in the control store: its statements run once, in order, in one transaction with
 * the row that records it. Statements may say {@code ${schema}} (the table-name prefix of the back end) and
 * {@code ${timestamp}} (its timestamp type), and otherwise SQL both SQLite and PostgreSQL accept.
 *
 * @param version numbered from 1 within its component, with no gaps
 */
public record StoreMigration(int version, String description, List<String> statements) {
    public StoreMigration {
        if (version < 1) {
            throw new IllegalArgumentException("a migration's version starts at 1: " + version);
        }
        requireNonNull(description, "description is null");
        statements = List.copyOf(statements);
    }
}
