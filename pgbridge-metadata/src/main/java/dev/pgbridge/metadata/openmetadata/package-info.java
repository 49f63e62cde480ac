/**
 * OpenMetadata's side: its create requests (the 1.4.0 JSON shapes), fully qualified names built as OpenMetadata builds
 * them, its PostgreSQL {@code dataType} mapping, and the sinks that take the requests (a file transcript).
 */
package dev.pgbridge.metadata.openmetadata;
