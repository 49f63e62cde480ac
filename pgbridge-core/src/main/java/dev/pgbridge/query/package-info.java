/**
 * Running SQL and reading results: {@link dev.pgbridge.query.QueryRunner} runs any SQL text statement by statement
 * (parameters bound, server-side timeout, cancel from any thread); {@link dev.pgbridge.query.RowStream} hands out
 * the rows of one query of any size in batches through a server-side cursor; {@link dev.pgbridge.pgtype.PgJson}
 * is the one mapping of PostgreSQL values to JSON and back (see {@code docs/types.md}).
 *
 * <p>Values are always read in PostgreSQL's text format and kept as PostgreSQL prints them
 * ({@link dev.pgbridge.query.Row}); errors of the SQL come out as {@link dev.pgbridge.query.QueryException} with
 * PostgreSQL's message, position and hint.
 */
package dev.pgbridge.query;
