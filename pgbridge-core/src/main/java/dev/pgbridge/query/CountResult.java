package dev.pgbridge.query;

import static java.util.Objects.requireNonNull;

/**
 * A statement without rows: INSERT, UPDATE, DELETE and MERGE report how many rows they touched; other commands
 * (CREATE, SET, …) report 0.
 */
public record CountResult(SqlStatement statement, long count) implements StatementResult {
    public CountResult {
        requireNonNull(statement, "statement is null");
    }

    /** A short tag like psql's: {@code UPDATE 3}, {@code INSERT 1}, {@code CREATE}. */
    public String tag() {
        String keyword = statement.firstKeyword();
        String command = keyword.isEmpty() ? "OK" : keyword;
        return switch (command) {
            case "INSERT", "UPDATE", "DELETE", "MERGE", "COPY", "WITH", "SELECT", "MOVE", "FETCH" -> command + " " + count;
            default -> count > 0 ? command + " " + count : command;
        };
    }
}
