package dev.pgbridge.catalog;

import static java.util.Objects.requireNonNull;

/**
 * A schema: its name as stored, its owner, how many tables it holds (tables, views, materialized views, partitioned
 * and foreign tables; partitions are not counted) and its comment (null when none).
 */
public record SchemaInfo(String name, String owner, int tables, String comment) {
    public SchemaInfo {
        requireNonNull(name, "name is null");
        requireNonNull(owner, "owner is null");
    }
}
