package dev.pgbridge.cli.output;

import java.io.Console;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;

import static java.util.Objects.requireNonNull;

/**
 * Progress of long work on stderr — rows, megabytes, rows/s, MB/s on one line redrawn at most every 250 ms —
 * when pgbridge runs on a terminal; silent otherwise (a pipe, a file, a scheduler), so logs and scripts never see
 * it. A megabyte is 10^6 bytes.
 */
public final class Progress {
    private static final long INTERVAL_NANOS = Duration.ofMillis(250).toNanos();

    private final PrintWriter err;
    private final boolean enabled;
    private final LongSupplier clock;
    private final long start;
    private long lastDraw;
    private int lastWidth;

    Progress(PrintWriter err, boolean enabled, LongSupplier clock) {
        this.err = requireNonNull(err, "err is null");
        this.enabled = enabled;
        this.clock = requireNonNull(clock, "clock is null");
        this.start = clock.getAsLong();
        this.lastDraw = start;
    }

    /** Progress on {@code err} if {@code wanted} and pgbridge runs on a terminal. */
    public static Progress on(PrintWriter err, boolean wanted) {
        return new Progress(err, wanted && onTerminal(), System::nanoTime);
    }

    /**
     * Whether pgbridge runs on a terminal: {@code System.console()} is there (and, on JDK 22+, whose console may
     * stand for a redirected stream, {@code Console.isTerminal()} says so).
     */
    public static boolean onTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        }
        catch (ReflectiveOperationException e) {
            return true; // JDK 21: a console is a terminal
        }
    }

    public boolean enabled() {
        return enabled;
    }

    /** Rows and bytes so far; redraws the line when the last draw is old enough. */
    public void update(long rows, long bytes) {
        if (!enabled) {
            return;
        }
        long now = clock.getAsLong();
        if (now - lastDraw < INTERVAL_NANOS) {
            return;
        }
        lastDraw = now;
        String line = line(rows, bytes, now - start);
        err.print("\r" + line + " ".repeat(Math.max(0, lastWidth - line.length())));
        err.flush();
        lastWidth = line.length();
    }

    /** The last line, ended: {@code exported 1,000,000 rows (123.4 MB) in 3.2 s — 312,500 rows/s, 38.6 MB/s}. */
    public void finish(String verb, long rows, long bytes, Duration elapsed) {
        if (!enabled) {
            return;
        }
        String line = verb + " " + summary(rows, bytes, elapsed.toNanos());
        err.print("\r" + line + " ".repeat(Math.max(0, lastWidth - line.length())) + "\n");
        err.flush();
        lastWidth = 0;
    }

    /** Ends a drawn line before something else (an error) is printed. */
    public void interrupt() {
        if (enabled && lastWidth > 0) {
            err.print("\n");
            err.flush();
            lastWidth = 0;
        }
    }

    static String line(long rows, long bytes, long nanos) {
        double seconds = Math.max(nanos, 1) / 1e9;
        return String.format(Locale.ROOT, "%,d rows  %.1f MB  %,.0f rows/s  %.1f MB/s", rows, bytes / 1e6,
                rows / seconds, bytes / 1e6 / seconds);
    }

    static String summary(long rows, long bytes, long nanos) {
        double seconds = Math.max(nanos, 1) / 1e9;
        return String.format(Locale.ROOT, "%,d rows (%.1f MB) in %.1f s: %,.0f rows/s, %.1f MB/s", rows, bytes / 1e6,
                seconds, rows / seconds, bytes / 1e6 / seconds);
    }
}
