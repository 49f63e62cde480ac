package dev.pgbridge.pgtype;

import java.time.DateTimeException;
import java.time.LocalDate;

/**
 * COPY's binary format for rows whose columns all have a type with a simple binary form: smallint, integer, bigint,
 * numeric, boolean, text, varchar, char(n), date, timestamp, timestamptz, json, jsonb, uuid, bytea (and domains over
 * them). PostgreSQL then skips its text parsing (timestamps and numerics are the costly ones), so a load costs the
 * server less than {@code psql \copy} of the same file.
 *
 * <p>Only the canonical text forms are converted, and only where the result is exactly what PostgreSQL's text input
 * would make of them: {@code -?digits} integers in range, {@code -?digits[.digits]} numerics and {@code NaN}, {@code
 * t/f/true/false}, ISO dates and timestamps (timestamptz with an explicit offset, at most microseconds),
 * {@code infinity}, 8-4-4-4-12 uuids, {@code \x} hex bytea. Anything else ({@code 1e3}, {@code  42 }, a timestamptz
 * without offset, which depends on the session's time zone, a value PostgreSQL would reject) throws {@link NotBinary},
 * and the load continues in text format, where PostgreSQL reads the value itself. Text columns pass their bytes
 * through; binary char(n)/varchar(n) input applies the type modifier as text input does.
 */
public final class BinaryCopy {
    /** {@code PGCOPY\n\377\r\n\0}, flags 0, no header extension. */
    public static final byte[] HEADER = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0, 0, 0, 0, 0, 0, 0, 0, 0};
    /** Days from 1970-01-01 to PostgreSQL's epoch 2000-01-01. */
    private static final long EPOCH_DAY_2000 = 10957;
    private static final int NUMERIC_POS = 0x0000;
    private static final int NUMERIC_NEG = 0x4000;
    private static final int NUMERIC_NAN = 0xC000;

    public enum Type {
        INT2, INT4, INT8, NUMERIC, BOOL, TEXT, DATE, TIMESTAMP, TIMESTAMPTZ, JSON, JSONB, UUID, BYTEA;

        /** The binary form of values of {@code type} (a domain's: its base type's), or null when it has none here. */
        public static Type of(PgType type) {
            return type.builtIn() && type.kind() != PgType.Kind.ARRAY ? of(type.baseName()) : null;
        }

        /** The binary form for a pg_catalog base type, or null when it has none here. */
        static Type of(String base) {
            return switch (base) {
                case "int2" -> INT2;
                case "int4" -> INT4;
                case "int8" -> INT8;
                case "numeric" -> NUMERIC;
                case "bool" -> BOOL;
                case "text", "varchar", "bpchar" -> TEXT;
                case "date" -> DATE;
                case "timestamp" -> TIMESTAMP;
                case "timestamptz" -> TIMESTAMPTZ;
                case "json" -> JSON;
                case "jsonb" -> JSONB;
                case "uuid" -> UUID;
                case "bytea" -> BYTEA;
                default -> null;
            };
        }
    }

    /** A value without a canonical form here: the load goes on in text format. Thrown once; no stack trace. */
    public static final class NotBinary extends RuntimeException {
        private static final long serialVersionUID = 1L;

        private NotBinary() {
            super("a value has no canonical binary form", null, false, false);
        }
    }

    public static final NotBinary NOT_BINARY = new NotBinary();

    /** Where the binary form goes: a load's row buffer. */
    public interface Out {
        void int16(int value);

        void int32(int value);

        void int64(long value);

        void raw(byte b);

        void raw(byte[] src, int off, int len);
    }

    /** Scratch of the numeric encoder: base-10000 digit groups. */
    private int[] groups = new int[64];

    /** An encoder; not thread-safe (it reuses a scratch buffer). */
    public BinaryCopy() {
    }

    /**
     * Writes the binary COPY field (length and bytes) of the value whose text is {@code d[s..e)} as UTF-8.
     *
     * @throws NotBinary when the text is not a canonical form (the load goes on in text format)
     */
    public void value(Type type, byte[] d, int s, int e, Out out) {
    switch (type) {
            case INT2 -> {
                long v = integer(d, s, e);
                if (v < Short.MIN_VALUE || v > Short.MAX_VALUE) {
                    throw NOT_BINARY;
                }
                out.int32(2);
                out.int16((int) v);
            }
            case INT4 -> {
                long v = integer(d, s, e);
                if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                    throw NOT_BINARY;
                }
                out.int32(4);
                out.int32((int) v);
            }
            case INT8 -> {
                out.int32(8);
                out.int64(integer(d, s, e));
            }
            case NUMERIC -> numeric(d, s, e, out);
            case BOOL -> {
                out.int32(1);
                out.raw(bool(d, s, e));
            }
            case TEXT, JSON -> {
                out.int32(e - s);
                out.raw(d, s, e - s);
            }
            case JSONB -> {
                out.int32(e - s + 1);
                out.raw((byte) 1);
                out.raw(d, s, e - s);
            }
            case DATE -> {
                out.int32(4);
                out.int32(date(d, s, e));
            }
            case TIMESTAMP -> {
                out.int32(8);
                out.int64(timestamp(d, s, e, false));
            }
            case TIMESTAMPTZ -> {
                out.int32(8);
                out.int64(timestamp(d, s, e, true));
            }
            case UUID -> uuid(d, s, e, out);
            case BYTEA -> bytea(d, s, e, out);
        }
    }

    /** {@code -?[0-9]+} as a long (overflow is not canonical). */
    static long integer(byte[] d, int s, int e) {
        int i = s;
        boolean negative = false;
        if (i < e && d[i] == '-') {
            negative = true;
            i++;
        }
        if (i == e || e - i > 19) {
            throw NOT_BINARY;
        }
        long v = 0; // accumulated negative, so Long.MIN_VALUE fits
        for (; i < e; i++) {
            int c = d[i] - '0';
            if (c < 0 || c > 9 || v < (Long.MIN_VALUE + c) / 10) {
                throw NOT_BINARY;
            }
            v = v * 10 - c;
        }
        if (!negative) {
            if (v == Long.MIN_VALUE) {
                throw NOT_BINARY;
            }
            v = -v;
        }
        return v;
    }

    private static byte bool(byte[] d, int s, int e) {
        int n = e - s;
        if (n == 1 && d[s] == 't' || n == 4 && is(d, s, "true")) {
            return 1;
        }
        if (n == 1 && d[s] == 'f' || n == 5 && is(d, s, "false")) {
            return 0;
        }
        throw NOT_BINARY;
    }

    private static boolean is(byte[] d, int s, String ascii) {
        for (int i = 0; i < ascii.length(); i++) {
            if (d[s + i] != ascii.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean digit(byte b) {
        return b >= '0' && b <= '9';
    }

    /**
     * {@code -?digits[.digits]} or {@code NaN} as numeric's binary form: base-10000 digit groups aligned on the
     * decimal point, the weight of the first group, the sign, and the display scale (the digits after the point).
     */
    void numeric(byte[] d, int s, int e, Out out) {
        if (e - s == 3 && is(d, s, "NaN")) {
            out.int32(8);
            out.int16(0);
            out.int16(0);
            out.int16(NUMERIC_NAN);
            out.int16(0);
            return;
        }
        int i = s;
        boolean negative = false;
        if (i < e && d[i] == '-') {
            negative = true;
            i++;
        }
        int intStart = i;
        while (i < e && digit(d[i])) {
            i++;
        }
        int intEnd = i;
        if (intEnd == intStart) {
            throw NOT_BINARY;
        }
        int fracStart = i;
        int fracEnd = i;
        if (i < e && d[i] == '.') {
            fracStart = ++i;
            while (i < e && digit(d[i])) {
                i++;
            }
            fracEnd = i;
            if (fracEnd == fracStart) {
                throw NOT_BINARY;
            }
        }
        if (i != e) {
            throw NOT_BINARY;
        }
        int dscale = fracEnd - fracStart;
        while (intStart < intEnd && d[intStart] == '0') {
            intStart++;
        }
        int intDigits = intEnd - intStart;
        int intGroups = (intDigits + 3) / 4;
        int fracGroups = (dscale + 3) / 4;
        if (dscale > 0x3FFF || intGroups > 0x7FFF) {
            throw NOT_BINARY;
        }
        int n = intGroups + fracGroups;
        if (groups.length < n) {
            groups = new int[Math.max(n, groups.length * 2)];
        }
        int pos = intStart;
        for (int g = 0; g < intGroups; g++) {
            int take = g == 0 ? intDigits - (intGroups - 1) * 4 : 4;
            int v = 0;
            for (int k = 0; k < take; k++) {
                v = v * 10 + (d[pos++] - '0');
            }
            groups[g] = v;
        }
        pos = fracStart;
        for (int g = 0; g < fracGroups; g++) {
            int v = 0;
            for (int k = 0; k < 4; k++) {
                v = v * 10 + (pos < fracEnd ? d[pos++] - '0' : 0);
            }
            groups[intGroups + g] = v;
        }
        int first = 0;
        int last = n;
        int weight = intGroups - 1;
        while (first < last && groups[first] == 0) {
            first++;
            weight--;
        }
        while (last > first && groups[last - 1] == 0) {
            last--;
        }
        int ndigits = last - first;
        if (ndigits == 0) {
            weight = 0;
            negative = false;
        }
        out.int32(8 + 2 * ndigits);
        out.int16(ndigits);
        out.int16(weight);
        out.int16(negative ? NUMERIC_NEG : NUMERIC_POS);
        out.int16(dscale);
        for (int g = first; g < last; g++) {
            out.int16(groups[g]);
        }
    }

    private static int number(byte[] d, int s, int length) {
        int v = 0;
        for (int i = s; i < s + length; i++) {
            if (!digit(d[i])) {
                throw NOT_BINARY;
            }
            v = v * 10 + (d[i] - '0');
        }
        return v;
    }

    /** {@code YYYY-MM-DD} (years 1 to 9999) as days since 2000-01-01, starting at {@code s}. */
    private static long days(byte[] d, int s, int e) {
        if (e - s < 10 || d[s + 4] != '-' || d[s + 7] != '-') {
            throw NOT_BINARY;
        }
        int year = number(d, s, 4);
        int month = number(d, s + 5, 2);
        int day = number(d, s + 8, 2);
        if (year < 1) {
            throw NOT_BINARY;
        }
        try {
            return LocalDate.of(year, month, day).toEpochDay() - EPOCH_DAY_2000;
        }
        catch (DateTimeException invalid) {
            throw NOT_BINARY;
        }
    }

    static int date(byte[] d, int s, int e) {
        if (e - s == 8 && is(d, s, "infinity")) {
            return Integer.MAX_VALUE;
        }
        if (e - s == 9 && is(d, s, "-infinity")) {
            return Integer.MIN_VALUE;
        }
        if (e - s != 10) {
            throw NOT_BINARY;
        }
        return (int) days(d, s, e);
    }

    /**
     * {@code YYYY-MM-DD[T ]HH:MM:SS[.f{1,6}]}, for timestamptz followed by {@code Z}, {@code ±HH}, {@code ±HH:MM} or
     * {@code ±HHMM}, as microseconds since 2000-01-01 00:00 (UTC for timestamptz).
     */
    static long timestamp(byte[] d, int s, int e, boolean withZone) {
        if (e - s == 8 && is(d, s, "infinity")) {
            return Long.MAX_VALUE;
        }
        if (e - s == 9 && is(d, s, "-infinity")) {
            return Long.MIN_VALUE;
        }
        if (e - s < 19 || (d[s + 10] != 'T' && d[s + 10] != ' ') || d[s + 13] != ':' || d[s + 16] != ':') {
            throw NOT_BINARY;
        }
        long days = days(d, s, s + 10);
        int hour = number(d, s + 11, 2);
        int minute = number(d, s + 14, 2);
        int second = number(d, s + 17, 2);
        if (hour > 23 || minute > 59 || second > 59) {
            throw NOT_BINARY;
        }
        int i = s + 19;
        long micros = 0;
        if (i < e && d[i] == '.') {
            int start = ++i;
            while (i < e && digit(d[i])) {
                i++;
            }
            int length = i - start;
            if (length == 0 || length > 6) {
                throw NOT_BINARY;
            }
            micros = number(d, start, length);
            for (int k = length; k < 6; k++) {
                micros *= 10;
            }
        }
        int offset = 0;
        if (withZone) {
            if (i == e) {
                throw NOT_BINARY; // no offset: PostgreSQL would use the session's time zone
            }
            if (d[i] == 'Z' && i + 1 == e) {
                offset = 0;
            }
            else if (d[i] == '+' || d[i] == '-') {
                int sign = d[i] == '-' ? -1 : 1;
                int rest = e - i - 1;
                int hours;
                int minutes = 0;
                if (rest == 2) {
                    hours = number(d, i + 1, 2);
                }
                else if (rest == 4) {
                    hours = number(d, i + 1, 2);
                    minutes = number(d, i + 3, 2);
                }
                else if (rest == 5 && d[i + 3] == ':') {
                    hours = number(d, i + 1, 2);
                    minutes = number(d, i + 4, 2);
                }
                else {
                    throw NOT_BINARY;
                }
                if (hours > 15 || minutes > 59) {
                    throw NOT_BINARY;
                }
                offset = sign * (hours * 3600 + minutes * 60);
            }
            else {
                throw NOT_BINARY;
            }
        }
        else if (i != e) {
            throw NOT_BINARY;
        }
        return ((days * 86400L) + hour * 3600L + minute * 60L + second - offset) * 1_000_000L + micros;
    }

    private static int hex(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        if (b >= 'a' && b <= 'f') {
            return b - 'a' + 10;
        }
        if (b >= 'A' && b <= 'F') {
            return b - 'A' + 10;
        }
        throw NOT_BINARY;
    }

    private static void uuid(byte[] d, int s, int e, Out out) {
        if (e - s != 36 || d[s + 8] != '-' || d[s + 13] != '-' || d[s + 18] != '-' || d[s + 23] != '-') {
            throw NOT_BINARY;
        }
        out.int32(16);
        int i = s;
        while (i < e) {
            int at = i - s;
            if (at == 8 || at == 13 || at == 18 || at == 23) {
                i++;
                continue;
            }
            out.raw((byte) (hex(d[i]) << 4 | hex(d[i + 1])));
            i += 2;
        }
    }

    private static void bytea(byte[] d, int s, int e, Out out) {
        if (e - s < 2 || d[s] != '\\' || d[s + 1] != 'x' || (e - s) % 2 != 0) {
            throw NOT_BINARY;
        }
        out.int32((e - s - 2) / 2);
        for (int i = s + 2; i < e; i += 2) {
            out.raw((byte) (hex(d[i]) << 4 | hex(d[i + 1])));
        }
    }
}
