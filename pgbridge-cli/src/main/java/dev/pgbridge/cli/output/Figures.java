package dev.pgbridge.cli.output;

import java.time.Duration;
import java.util.Locale;

/**
 * The one way pgbridge writes numbers for people: counts with thousands separators ({@code 3,000,000}), byte sizes
 * in decimal units ({@code 412.5 MB}, a megabyte is 10^6 bytes), durations ({@code 9.8 s}, {@code 2 min 05 s}) and
 * rates ({@code 306,122 rows/s}). Every command's summaries, progress lines and status lines use it, so
 * {@code loaded 3,000,000 rows} and {@code exported 3,000,000 rows} look alike. Machine output (JSON, CSV) keeps
 * plain numbers.
 */
public final class Figures {
    private Figures() {
    }

    /** {@code 3,000,000}. */
    public static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** {@code 1 row}, {@code 3,000,000 rows}; the same for any other noun with a plain {@code -s} plural. */
    public static String count(long n, String noun) {
        return count(n) + " " + noun + (n == 1 ? "" : "s");
    }

    /** {@code 512 B}, {@code 12.3 kB}, {@code 412.5 MB}, {@code 1.2 GB}, {@code 3.4 TB}: decimal units, one decimal. */
    public static String bytes(long n) {
        if (n < 1000) {
            return n + " B";
        }
        String[] units = {"kB", "MB", "GB", "TB", "PB", "EB"};
        double value = n;
        int unit = -1;
        while (value >= 999.95 && unit < units.length - 1) {
            value /= 1000;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    /** {@code 0.4 s}, {@code 9.8 s}, {@code 2 min 05 s}, {@code 3 h 02 min}. */
    public static String duration(Duration d) {
        long nanos = Math.max(0, d.toNanos());
        if (nanos < 59_950_000_000L) {
            return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
        }
        long seconds = Math.round(nanos / 1e9);
        if (seconds < 3600) {
            return String.format(Locale.ROOT, "%d min %02d s", seconds / 60, seconds % 60);
        }
        return String.format(Locale.ROOT, "%d h %02d min", seconds / 3600, seconds % 3600 / 60);
    }

    /** {@code n} per second over {@code elapsed}, rounded: {@code 306,122}; 0 when no time passed. */
    public static String perSecond(long n, Duration elapsed) {
        long nanos = elapsed.toNanos();
        return count(nanos <= 0 ? 0 : Math.round(n / (nanos / 1e9)));
    }

    /** Bytes per second over {@code elapsed}: {@code 38.6 MB/s}. */
    public static String bytesPerSecond(long bytes, Duration elapsed) {
        long nanos = elapsed.toNanos();
        return bytes(nanos <= 0 ? 0 : Math.round(bytes / (nanos / 1e9))) + "/s";
    }

    /**
     * The summary of long work: {@code exported 3,000,000 rows (412.5 MB) in 9.8 s, 306,122 rows/s}; with a place,
     * {@code loaded 3 rows (120 B) into "public"."t" in 0.1 s, 30 rows/s}. A negative row count is unknown and left out
     * ({@code copied 412.5 MB in 9.8 s, 42.1 MB/s}); so is a negative byte count ({@code backfilled 5,000 rows in 2.0 s,
     * 2,500 rows/s}).
     */
    public static String summary(String verb, long rows, long bytes, String place, Duration elapsed) {
        StringBuilder sb = new StringBuilder(verb).append(' ');
        if (rows >= 0) {
            sb.append(count(rows, "row"));
            if (bytes >= 0) {
                sb.append(" (").append(bytes(bytes)).append(')');
            }
        }
        else {
            sb.append(bytes(bytes));
        }
        if (place != null) {
            sb.append(" into ").append(place);
        }
        sb.append(" in ").append(duration(elapsed)).append(", ");
        sb.append(rows >= 0 ? perSecond(rows, elapsed) + " rows/s" : bytesPerSecond(bytes, elapsed));
        return sb.toString();
    }
}
