/**
 * dbt ({@code sourceConfig.config.type: DBT}): a project's manifest, catalog and run results matched to the ingested
 * tables: descriptions, tags, owners, data models, lineage and test results.
 */
package dev.pgbridge.metadata.dbt;
