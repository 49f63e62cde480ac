package dev.pgbridge.cdc.event;

import static java.util.Objects.requireNonNull;

/** What every event's {@code source} names: the capture ({@code name}) and the source database. */
public record CaptureSource(String name, String database) {
    public CaptureSource {
        requireNonNull(name, "name is null");
        requireNonNull(database, "database is null");
    }
}
