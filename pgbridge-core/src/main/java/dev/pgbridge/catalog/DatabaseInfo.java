package dev.pgbridge.catalog;

import static java.util.Objects.requireNonNull;

/** A database of the server: its name, its owner and its comment (null when none). */
public record DatabaseInfo(String name, String owner, String comment) {
    public DatabaseInfo {
        requireNonNull(name, "name is null");
        requireNonNull(owner, "owner is null");
    }
}
