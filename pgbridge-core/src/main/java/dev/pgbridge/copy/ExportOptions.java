package dev.pgbridge.copy;

import java.time.Duration;

/**
 * @param header CSV: start with a header line of the column names
 * @param fetchSize JSON lines: rows per round trip of the cursor
 * @param timeout statement timeout on the server, or null for none
 * @param snapshot read in this exported snapshot ({@code pg_export_snapshot()}), or null for one of its own
 */
public record ExportOptions(boolean header, int fetchSize, Duration timeout, String snapshot) {
    public static final int DEFAULT_FETCH_SIZE = 10_000;
    public static final ExportOptions DEFAULTS = new ExportOptions(true, DEFAULT_FETCH_SIZE, null);

    public ExportOptions(boolean header, int fetchSize, Duration timeout) {
        this(header, fetchSize, timeout, null);
    }

    public ExportOptions {
        if (fetchSize < 1) {
            throw new IllegalArgumentException("fetchSize must be positive: " + fetchSize);
        }
    }

    public ExportOptions withHeader(boolean value) {
        return new ExportOptions(value, fetchSize, timeout, snapshot);
    }

    public ExportOptions withFetchSize(int value) {
        return new ExportOptions(header, value, timeout, snapshot);
    }

    public ExportOptions withTimeout(Duration value) {
        return new ExportOptions(header, fetchSize, value, snapshot);
    }

    public ExportOptions withSnapshot(String value) {
        return new ExportOptions(header, fetchSize, timeout, value);
    }
}
