/** Change data capture: replication, pgoutput decoding, backfill, events, sinks, checkpoints, the engine. */
package dev.pgbridge.cdc;
