/**
 * Query usage ({@code DatabaseUsage}) and lineage ({@code DatabaseLineage}) workflows: the query log read from
 * {@code pg_stat_statements} (its columns by the server's version) or from a CSV in OpenMetadata's columns, each query
 * parsed by {@code lineage.SqlLineage} against its database's catalog, and turned into OpenMetadata's usage, query,
 * join and lineage requests; view and materialized view lineage from their definitions.
 */
package dev.pgbridge.metadata.usage;
