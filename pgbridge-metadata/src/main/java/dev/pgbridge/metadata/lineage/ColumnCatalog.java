package dev.pgbridge.metadata.lineage;

import java.util.List;

/**
 * The columns of real relations, for expanding {@code *} and resolving unqualified names through the search_path.
 * {@link CatalogColumns} reads them from a database.
 */
@FunctionalInterface
public interface ColumnCatalog {
    /** No catalog: {@code *} over a real table gives a table edge only, unqualified names go to the first schema. */
    ColumnCatalog NONE = table -> List.of();

    /** The columns of {@code table} in position order; an empty list when the relation is unknown. */
    List<String> columns(TableName table);
}
