package dev.pgbridge.cli.output;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.function.Function;
import java.util.function.LongSupplier;

import static java.util.Objects.requireNonNull;

/**
 * Progress of long work (export, load, copy, a capture's backfill, a metadata run) on stderr, and its one summary
 * line.
 *
 * <ul>
 *   <li>On a terminal: rows, bytes and rates on one line redrawn at most every 250 ms, replaced at the end by the
 *   summary ({@code exported 3,000,000 rows (412.5 MB) in 9.8 s, 306,122 rows/s}).</li>
 *   <li>Not on a terminal (a pipe, a file, Airflow, cron): no redrawn line, only the summary, so a log gets one line
 *   per run.</li>
 *   <li>{@code --quiet}: nothing at all.</li>
 * </ul>
 * Numbers are written by {@link Figures}.
 */
public final class Progress {
    private static final long INTERVAL_NANOS = Duration.ofMillis(250).toNanos();

    /** What is shown. */
    enum Mode {
        /** The redrawn line and the summary. */
        TERMINAL,
        /** Only the summary. */
        SUMMARY,
        /** Nothing. */
        QUIET
    }

    private final PrintWriter err;
    private final Mode mode;
    private final LongSupplier clock;
    private final long start;
    private long lastDraw;
    private int lastWidth;

    Progress(PrintWriter err, Mode mode, LongSupplier clock) {
        this.err = requireNonNull(err, "err is null");
        this.mode = requireNonNull(mode, "mode is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.start = clock.getAsLong();
        this.lastDraw = start;
    }

    /** Progress on {@code err}: redrawn on a terminal, only the summary elsewhere, nothing when {@code quiet}. */
    public static Progress on(PrintWriter err, boolean quiet) {
        return on(err, quiet, true);
    }

    /**
     * As {@link #on(PrintWriter, boolean)}; {@code redraw} false keeps the redrawn line away even on a terminal (the
     * rows themselves go there, or {@code --no-progress}).
     */
    public static Progress on(PrintWriter err, boolean quiet, boolean redraw) {
        Mode mode = quiet ? Mode.QUIET : redraw && onTerminal() ? Mode.TERMINAL : Mode.SUMMARY;
        return new Progress(err, mode, System::nanoTime);
    }

    /** Whether progress, which goes to stderr, would reach a terminal. */
    public static boolean onTerminal() {
        return Terminal.STDERR.isTerminal();
    }

    /** Whether the line is redrawn (pgbridge runs on a terminal and was not asked to be quiet). */
    public boolean enabled() {
        return mode == Mode.TERMINAL;
    }

    /** Rows and bytes so far (either negative: not known); redraws the line when the last draw is old enough. */
    public void update(long rows, long bytes) {
        if (mode != Mode.TERMINAL) {
            return;
        }
        long now = clock.getAsLong();
        if (now - lastDraw < INTERVAL_NANOS) {
            return;
        }
        lastDraw = now;
        draw(line(rows, bytes, Duration.ofNanos(now - start)), false);
    }

    /**
     * A line of the caller's own, {@code ingesting sales: schemas 3/12 · tables 1,204 · 5.2 s}, made from the time so
     * far only when it is drawn (on a terminal, at most every 250 ms).
     */
    public void update(Function<Duration, String> line) {
        update(line, false);
    }

    /** As {@link #update(Function)}; {@code now} draws at once (the work moved to its next part). */
    public void update(Function<Duration, String> line, boolean now) {
        if (mode != Mode.TERMINAL) {
            return;
        }
        long time = clock.getAsLong();
        if (!now && time - lastDraw < INTERVAL_NANOS) {
            return;
        }
        lastDraw = time;
        draw(line.apply(Duration.ofNanos(time - start)), false);
    }

    /** Takes the drawn line away (for work whose summary goes elsewhere, or has none). */
    public void clear() {
        if (mode == Mode.TERMINAL && lastWidth > 0) {
            err.print("\r" + " ".repeat(lastWidth) + "\r");
            err.flush();
            lastWidth = 0;
        }
    }

    /** The summary line, ended (it replaces the redrawn line); see {@link Figures#summary}. */
    public void finish(String summary) {
        if (mode == Mode.QUIET) {
            return;
        }
        draw(summary, true);
    }

    /** Ends a drawn line before something else (an error) is printed. */
    public void interrupt() {
        if (mode == Mode.TERMINAL && lastWidth > 0) {
            err.print("\n");
            err.flush();
            lastWidth = 0;
        }
    }

    private void draw(String line, boolean end) {
        if (mode == Mode.TERMINAL) {
            err.print("\r" + line + " ".repeat(Math.max(0, lastWidth - line.length())) + (end ? "\n" : ""));
            lastWidth = end ? 0 : line.length();
        }
        else {
            err.print(line + "\n");
        }
        err.flush();
    }

    /** {@code 2,000,000 rows  250.0 MB  1,000,000 rows/s  125.0 MB/s}; without the row figures when they are unknown. */
    static String line(long rows, long bytes, Duration elapsed) {
        Duration d = elapsed.isZero() ? Duration.ofNanos(1) : elapsed;
        if (bytes < 0) {
            return Figures.count(rows, "row") + "  " + Figures.perSecond(rows, d) + " rows/s  " + Figures.duration(d);
        }
        String b = Figures.bytes(bytes) + "  ";
        String rate = Figures.bytesPerSecond(bytes, d);
        if (rows < 0) {
            return b + rate + "  " + Figures.duration(d);
        }
        return Figures.count(rows, "row") + "  " + b + Figures.perSecond(rows, d) + " rows/s  " + rate;
    }
}
