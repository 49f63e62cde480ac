package dev.pgbridge.catalog;

import dev.pgbridge.sql.QualifiedName;

import static java.util.Objects.requireNonNull;

/**
 * One table, view, materialized view, partitioned table or foreign table.
 *
 * @param estimatedRows the planner's estimate ({@code pg_class.reltuples}); for a partitioned table the sum over its
 *                      leaf partitions; null when unknown (never analyzed or vacuumed; before PostgreSQL 14 also an
 *                      empty table, which looks the same there) or for a view
 * @param sizeBytes     {@code pg_total_relation_size} (heap, TOAST and indexes); for a partitioned table the sum over
 *                      its leaf partitions; null for views and foreign tables, which have no local storage
 * @param partitions    the number of partitions directly under a partitioned table (as psql's "Number of partitions");
 *                      null for every other kind
 * @param comment       the comment, null when none
 */
public record TableInfo(String schema, String name, TableKind kind, String owner, Long estimatedRows, Long sizeBytes,
                        Integer partitions, String comment) {
    public TableInfo {
        requireNonNull(schema, "schema is null");
        requireNonNull(name, "name is null");
        requireNonNull(kind, "kind is null");
        requireNonNull(owner, "owner is null");
    }

    public QualifiedName qualifiedName() {
        return QualifiedName.of(schema, name);
    }
}
