package dev.pgbridge.copy;

/** Told how far an export has come, every few thousand rows, on the exporting thread. */
@FunctionalInterface
public interface ExportListener {
    ExportListener NONE = (rows, bytes) -> { };

    /** Rows and bytes written so far. */
    void progress(long rows, long bytes);
}
