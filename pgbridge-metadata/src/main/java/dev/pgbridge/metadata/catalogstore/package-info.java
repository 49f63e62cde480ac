/**
 * The local metadata catalog (sink type {@code pgbridge}): the entities OpenMetadata's requests describe (services,
 * databases, schemas, tables), with a version per entity and what changed, usage, queries, joins and lineage, kept in
 * the control store (SQLite or PostgreSQL) per tenant; and the reads behind {@code pgbridge metadata
 * list|show|search|history|lineage}.
 */
package dev.pgbridge.metadata.catalogstore;
