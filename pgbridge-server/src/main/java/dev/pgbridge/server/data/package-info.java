/**
 * The catalog browser and the query console as the REST API and the web UI both use them: core's
 * {@link dev.pgbridge.catalog.Catalog} and {@link dev.pgbridge.query.QueryRunner} / {@link dev.pgbridge.query.RowStream}
 * on a tenant's pooled connection, with the role rule of the console (a viewer's SQL runs in a read-only
 * transaction) and the registry of running queries that lets a query of a tenant be canceled from another request.
 */
package dev.pgbridge.server.data;
