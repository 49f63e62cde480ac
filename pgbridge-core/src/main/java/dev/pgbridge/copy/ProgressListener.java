package dev.pgbridge.copy;

/**
 * Told how far long work (an export, a load, a transfer) has come, every few thousand rows or buffers, on the thread
 * doing it. The one callback for all of them, so the CLI draws one kind of progress line.
 */
@FunctionalInterface
public interface ProgressListener {
    ProgressListener NONE = (rows, bytes) -> { };

    /** Rows (-1 while the count is not known) and bytes written or read so far. */
    void progress(long rows, long bytes);
}
