/**
 * Table transfer: a table or query on one PostgreSQL connection into a table on another, as COPY out piped into
 * COPY in through a bounded buffer, in one target transaction.
 */
package dev.pgbridge.transfer;
