package dev.pgbridge.pgtype;

import java.util.Locale;

import static java.util.Objects.requireNonNull;

/**
 * A WAL position (log sequence number): an unsigned 64-bit number that PostgreSQL prints as two hexadecimal halves,
 * {@code 16/3002D50}. Compared unsigned; {@link #INVALID} ({@code 0/0}) is the smallest.
 */
public record Lsn(long asLong) implements Comparable<Lsn> {
    /** {@code 0/0}: no position (PostgreSQL's InvalidXLogRecPtr). */
    public static final Lsn INVALID = new Lsn(0);

    public static Lsn of(long value) {
        return value == 0 ? INVALID : new Lsn(value);
    }

    /** Parses PostgreSQL's form {@code X/Y} (each half at most 8 hex digits, any case). */
    public static Lsn valueOf(String text) {
        requireNonNull(text, "lsn text is null");
        int slash = text.indexOf('/');
        if (slash <= 0 || slash == text.length() - 1 || slash > 8 || text.length() - slash - 1 > 8) {
            throw new IllegalArgumentException("invalid LSN '" + text + "': expected two hex numbers like 16/3002D50");
        }
        for (int i = 0; i < text.length(); i++) {
            if (i != slash && Character.digit(text.charAt(i), 16) < 0) {
                throw new IllegalArgumentException("invalid LSN '" + text + "': expected two hex numbers like 16/3002D50");
            }
        }
        try {
            long high = Long.parseLong(text, 0, slash, 16);
            long low = Long.parseLong(text, slash + 1, text.length(), 16);
            return of(high << 32 | low);
        }
        catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid LSN '" + text + "': expected two hex numbers like 16/3002D50", e);
        }
    }

    public boolean isValid() {
        return asLong != 0;
    }

    public boolean isAfter(Lsn other) {
        return compareTo(other) > 0;
    }

    public boolean isBefore(Lsn other) {
        return compareTo(other) < 0;
    }

    public static Lsn max(Lsn a, Lsn b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    @Override
    public int compareTo(Lsn other) {
        return Long.compareUnsigned(asLong, other.asLong);
    }

    /** PostgreSQL's form, upper-case hex without leading zeros: {@code 16/3002D50}. */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%X/%X", asLong >>> 32, asLong & 0xFFFFFFFFL);
    }
}
