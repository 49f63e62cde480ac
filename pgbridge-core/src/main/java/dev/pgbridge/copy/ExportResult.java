package dev.pgbridge.copy;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/** What an export wrote: rows (without the header), bytes, and how long it took. */
public record ExportResult(long rows, long bytes, Duration elapsed) {
    public ExportResult {
        requireNonNull(elapsed, "elapsed is null");
    }

    public double rowsPerSecond() {
        return rows / seconds();
    }

    /** Megabytes (10^6 bytes) per second. */
    public double megabytesPerSecond() {
        return bytes / 1e6 / seconds();
    }

    private double seconds() {
        return Math.max(elapsed.toNanos(), 1) / 1e9;
    }
}
