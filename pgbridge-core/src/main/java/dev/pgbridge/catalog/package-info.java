/**
 * The catalog of a PostgreSQL database, read from {@code pg_catalog} with bound parameters: schemas, tables (with
 * views, materialized views, partitioned and foreign tables), columns, name resolution along the search_path, and a
 * preview of a table's first rows.
 */
package dev.pgbridge.catalog;
