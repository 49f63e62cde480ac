package dev.pgbridge.catalog;

import dev.pgbridge.sql.QualifiedName;

import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * What a table is made of, as the code that writes or reads its rows needs it: its columns with their type oid,
 * modifier and printed type, nullability, identity and generation; its primary key, its replica identity and that
 * identity's index; and every key an {@code INSERT … ON CONFLICT} can use. Read by {@link TableShapes}, the one
 * reader of it (backfill, sinks, load, transfer, discovery and setup all use it).
 *
 * @param name            schema and name, exactly as stored
 * @param oid             {@code pg_class.oid}
 * @param relkind         {@code pg_class.relkind}: {@code r}, {@code p}, {@code v}, {@code m}, {@code f}
 * @param partition       whether it is a partition of a partitioned table
 * @param replicaIdentity {@code pg_class.relreplident}
 * @param columns         the live columns (dropped ones left out) in position order
 * @param primaryKey      the primary key's columns in key order (INCLUDE columns left out); empty when none
 * @param identityIndex   the columns of the {@code REPLICA IDENTITY USING INDEX} index in key order; empty when none
 * @param uniqueKeys      the column lists of every valid, immediate, non-partial, expression-free unique index (the primary
 *                        key first): the keys {@code ON CONFLICT (…)} accepts as its arbiter
 */
public record TableShape(QualifiedName name, long oid, char relkind, boolean partition, ReplicaIdentity replicaIdentity,
                         List<Column> columns, List<String> primaryKey, List<String> identityIndex,
                         List<List<String>> uniqueKeys) {
    public TableShape {
        requireNonNull(name, "name is null");
        requireNonNull(replicaIdentity, "replicaIdentity is null");
        columns = List.copyOf(columns);
        primaryKey = List.copyOf(primaryKey);
        identityIndex = List.copyOf(identityIndex);
        uniqueKeys = uniqueKeys.stream().map(List::copyOf).toList();
    }

    /**
     * One column.
     *
     * @param position     {@code attnum} (1-based; dropped columns leave gaps)
     * @param typeOid      {@code atttypid}
     * @param typeModifier {@code atttypmod} ({@code -1}: none)
     * @param type         the type as PostgreSQL prints it ({@code format_type}): {@code numeric(10,2)},
     *                     {@code timestamp with time zone[]}, an enum's name (schema-qualified when not on the path)
     * @param identity     {@code attidentity}: {@code a} (GENERATED ALWAYS), {@code d} (BY DEFAULT) or {@code 0}
     * @param generated    {@code attgenerated}: {@code s} (stored), {@code v} (virtual, PostgreSQL 18) or {@code 0}
     * @param defaultExpression the default as {@code pg_get_expr} prints it (the generation expression of a generated
     *                     column); null when none
     * @param comment      the column's comment; null when none
     */
    public record Column(int position, String name, int typeOid, int typeModifier, String type, boolean nullable,
                         char identity, char generated, String defaultExpression, String comment) {
        public Column {
            requireNonNull(name, "name is null");
            requireNonNull(type, "type is null");
        }

        /** {@code GENERATED ALWAYS AS IDENTITY}: a plain INSERT or COPY may not give it a value. */
        public boolean identityAlways() {
            return identity == 'a';
        }

        /** A generated column: computed by the server, never written, not published by logical replication. */
        public boolean isGenerated() {
            return generated != 0;
        }
    }

    /** The kind of relation, when it is one the catalog lists. */
    public Optional<TableKind> kind() {
        return TableKind.ofRelkind(relkind);
    }

    public Optional<Column> column(String columnName) {
        return columns.stream().filter(c -> c.name().equals(columnName)).findFirst();
    }

    /** The columns a row is written with and logical replication publishes: all but the generated ones. */
    public List<Column> writableColumns() {
        return columns.stream().filter(c -> !c.isGenerated()).toList();
    }

    /** The names of {@link #columns()} in position order. */
    public List<String> columnNames() {
        return columns.stream().map(Column::name).toList();
    }

    /**
     * The columns an UPDATE or DELETE logs to identify its row, in column order (the order of pgoutput's Relation
     * message): the primary key under DEFAULT, the index's columns under USING INDEX, every published column under
     * FULL, none under NOTHING or DEFAULT without a primary key.
     */
    public List<String> replicaIdentityColumns() {
        return switch (replicaIdentity) {
            case DEFAULT -> writableColumns().stream().map(Column::name).filter(primaryKey::contains).toList();
            case INDEX -> writableColumns().stream().map(Column::name).filter(identityIndex::contains).toList();
            case FULL -> writableColumns().stream().map(Column::name).toList();
            case NOTHING -> List.of();
        };
    }

    /** Whether {@code key} (in any order) is exactly the column set of one of {@link #uniqueKeys()}. */
    public boolean isUniqueKey(List<String> key) {
        return uniqueKeys.stream().anyMatch(k -> k.size() == key.size() && k.containsAll(key) && key.containsAll(k));
    }
}
