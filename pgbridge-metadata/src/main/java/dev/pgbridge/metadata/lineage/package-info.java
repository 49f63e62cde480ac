/**
 * Table- and column-level lineage of SQL text. JSqlParser reads the syntax; {@link dev.pgbridge.metadata.lineage.SqlLineage}
 * resolves scopes, aliases, CTEs, {@code *} and the search_path itself and derives the edges: from every relation read
 * to every relation written, and for columns only where data flows into a written column.
 */
package dev.pgbridge.metadata.lineage;
