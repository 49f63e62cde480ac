/**
 * The pgoutput logical replication protocol (versions 1 and 2): {@link dev.pgbridge.cdc.pgoutput.PgOutputMessage}
 * is the closed set of messages, {@link dev.pgbridge.cdc.pgoutput.PgOutputDecoder} reads them from the bytes of a
 * CopyData XLogData payload.
 */
package dev.pgbridge.cdc.pgoutput;
