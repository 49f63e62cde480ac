package dev.pgbridge.copy;

import java.time.Duration;

/**
 * @param header CSV: start with a header line of the column names
 * @param fetchSize JSON lines: rows per round trip of the cursor
 * @param timeout statement timeout on the server, or null for none
 */
public record ExportOptions(boolean header, int fetchSize, Duration timeout) {
    public static final int DEFAULT_FETCH_SIZE = 10_000;
    public static final ExportOptions DEFAULTS = new ExportOptions(true, DEFAULT_FETCH_SIZE, null);

    public ExportOptions {
        if (fetchSize < 1) {
            throw new IllegalArgumentException("fetchSize must be positive: " + fetchSize);
        }
    }

    public ExportOptions withHeader(boolean value) {
        return new ExportOptions(value, fetchSize, timeout);
    }

    public ExportOptions withFetchSize(int value) {
        return new ExportOptions(header, value, timeout);
    }

    public ExportOptions withTimeout(Duration value) {
        return new ExportOptions(header, fetchSize, value);
    }
}
