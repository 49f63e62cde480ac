/**
 * Metadata ingestion ({@code DatabaseMetadata}): databases, schemas, tables, views and columns read from
 * {@code pg_catalog} in bulk, per schema, through core's catalog readers, filtered with OpenMetadata's semantics and
 * turned into OpenMetadata's create requests.
 */
package dev.pgbridge.metadata.ingest;
