package dev.pgbridge.pgtype;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * Compact UTF-8 JSON written straight into a reused byte buffer, without a generator, a tree or a string per value:
 * the fast path of change events. {@link PgJson#write(JsonBytes, PgType, String)} writes exactly the bytes
 * {@link PgJson#write(com.fasterxml.jackson.core.JsonGenerator, PgType, String)} writes through pgbridge's
 * {@link PgJson#factory() factory}: text as UTF-8 with only {@code "}, {@code \} and control characters escaped
 * (short escapes where JSON has them, else {@code \}{@code u00XX} in upper case), characters beyond U+FFFF as their 4 bytes.
 *
 * <p>Not thread-safe. The bytes stay valid until the next {@link #reset()}. A writer of a larger document (the
 * change-event encoder) extends it, so its hot path calls these methods directly.
 */
public class JsonBytes implements JsonOut {
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
    /** The tens and the ones digit of 0 to 99. */
    private static final byte[] TENS = new byte[100];
    private static final byte[] ONES = new byte[100];
    /** Strings at least this long try the ASCII fast paths of {@link #string} and {@link #utf8}. */
    private static final int ASCII_RUN = 8;

    static {
        for (int i = 0; i < 100; i++) {
            TENS[i] = (byte) ('0' + i / 10);
            ONES[i] = (byte) ('0' + i % 10);
        }
    }
    private static final byte[] NULL = ascii("null");
    private static final byte[] TRUE = ascii("true");
    private static final byte[] FALSE = ascii("false");
    /** Characters encoded per capacity check (at most 3 bytes each, 4 for a pair split at the segment's end). */
    private static final int SEGMENT = 1 << 16;

    private byte[] buf;
    private int length;

    public JsonBytes() {
        this(1024);
    }

    public JsonBytes(int capacity) {
        buf = new byte[capacity];
    }

    public static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Empties the buffer (and drops a buffer grown beyond 1 MB, so one huge value does not keep it for good). */
    public final void reset() {
        length = 0;
        if (buf.length > (1 << 20)) {
            buf = new byte[1024];
        }
    }

    /** The buffer holding the bytes written since the last reset (from index 0). */
    public final byte[] array() {
        return buf;
    }

    public final int length() {
        return length;
    }

    public final byte[] toByteArray() {
        return Arrays.copyOf(buf, length);
    }

    public final void append(byte b) {
        ensure(1);
        buf[length++] = b;
    }

    public final void append(byte[] bytes) {
        append(bytes, 0, bytes.length);
    }

    public final void append(byte[] bytes, int offset, int count) {
        ensure(count);
        System.arraycopy(bytes, offset, buf, length, count);
        length += count;
    }

    /** ASCII text as it is (digits of a number). */
    public final void asciiText(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            buf[length++] = (byte) s.charAt(i);
        }
    }

    /** Text that already is JSON, as UTF-8 without escaping. */
    public final void utf8(String s) {
        int n = s.length();
        if (n >= ASCII_RUN) {
            byte[] ascii = s.getBytes(StandardCharsets.UTF_8);
            if (ascii.length == n && !replacedSurrogate(ascii, s)) {
                append(ascii);
                return;
            }
        }
        for (int i = 0; i < n; ) {
            int end = Math.min(n, i + SEGMENT);
            ensure((end - i) * 3 + 4);
            byte[] b = buf;
            int p = length;
            for (; i < end; i++) {
                char c = s.charAt(i);
                if (c < 0x80) {
                    b[p++] = (byte) c;
                }
                else if (c < 0x800) {
                    b[p++] = (byte) (0xC0 | c >> 6);
                    b[p++] = (byte) (0x80 | c & 0x3F);
                }
                else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    int cp = Character.toCodePoint(c, s.charAt(++i));
                    b[p++] = (byte) (0xF0 | cp >> 18);
                    b[p++] = (byte) (0x80 | cp >> 12 & 0x3F);
                    b[p++] = (byte) (0x80 | cp >> 6 & 0x3F);
                    b[p++] = (byte) (0x80 | cp & 0x3F);
                }
                else {
                    b[p++] = (byte) (0xE0 | c >> 12);
                    b[p++] = (byte) (0x80 | c >> 6 & 0x3F);
                    b[p++] = (byte) (0x80 | c & 0x3F);
                }
            }
            length = p;
        }
    }

    /** UTF-8 bytes that need no escape (no {@code "}, {@code \} or control character) as a JSON string. */
    public final void quoted(byte[] utf8) {
        ensure(utf8.length + 2);
        buf[length++] = '"';
        System.arraycopy(utf8, 0, buf, length, utf8.length);
        length += utf8.length;
        buf[length++] = '"';
    }

    /** A JSON string: {@code "}, {@code \} and control characters escaped, everything else as UTF-8. */
    public final void string(String s) {
        int n = s.length();
        if (n >= ASCII_RUN && plainAscii(s)) {
            return;
        }
        append((byte) '"');
        for (int i = 0; i < n; ) {
            int end = Math.min(n, i + SEGMENT);
            ensure((end - i) * 3 + 4);
            byte[] b = buf;
            int p = length;
            for (; i < end; i++) {
                char c = s.charAt(i);
                if (c < 0x80) {
                    if (c >= 0x20 && c != '"' && c != '\\') {
                        b[p++] = (byte) c;
                        continue;
                    }
                    length = p;
                    escape(c);
                    ensure((end - i) * 3 + 4);
                    b = buf;
                    p = length;
                }
                else if (c < 0x800) {
                    b[p++] = (byte) (0xC0 | c >> 6);
                    b[p++] = (byte) (0x80 | c & 0x3F);
                }
                else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    int cp = Character.toCodePoint(c, s.charAt(++i));
                    b[p++] = (byte) (0xF0 | cp >> 18);
                    b[p++] = (byte) (0x80 | cp >> 12 & 0x3F);
                    b[p++] = (byte) (0x80 | cp >> 6 & 0x3F);
                    b[p++] = (byte) (0x80 | cp & 0x3F);
                }
                else if (Character.isSurrogate(c)) {
                    length = p;
                    unicodeEscape(c); // a lone surrogate is no character: escaped
                    ensure((end - i) * 3 + 4);
                    b = buf;
                    p = length;
                }
                else {
                    b[p++] = (byte) (0xE0 | c >> 12);
                    b[p++] = (byte) (0x80 | c >> 6 & 0x3F);
                    b[p++] = (byte) (0x80 | c & 0x3F);
                }
            }
            length = p;
        }
        append((byte) '"');
    }

    /**
     * The fast path of {@link #string}: a string of ASCII characters that need no escape is its own bytes (the JDK
     * encodes such a string by copying it). False, with nothing written, for any other string.
     */
    private boolean plainAscii(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        int n = bytes.length;
        if (n != s.length()) {
            return false; // not all ASCII
        }
        for (int i = 0; i < n; i++) {
            byte c = bytes[i];
            if (c < 0x20 || c == '"' || c == '\\' || c == '?' && s.charAt(i) != '?') {
                return false; // to escape; or a lone surrogate the encoder replaced by '?', escaped by the slow path
            }
        }
        ensure(n + 2);
        byte[] b = buf;
        int p = length;
        b[p++] = '"';
        System.arraycopy(bytes, 0, b, p, n);
        p += n;
        b[p++] = '"';
        length = p;
        return true;
    }

    /** True when the JDK's encoder put a {@code ?} for a lone surrogate of {@code s} into its ASCII bytes. */
    private static boolean replacedSurrogate(byte[] ascii, String s) {
        for (int i = 0; i < ascii.length; i++) {
            if (ascii[i] == '?' && s.charAt(i) != '?') {
                return true;
            }
        }
        return false;
    }

    private void escape(char c) {
        char letter = switch (c) {
            case '"' -> '"';
            case '\\' -> '\\';
            case '\b' -> 'b';
            case '\f' -> 'f';
            case '\n' -> 'n';
            case '\r' -> 'r';
            case '\t' -> 't';
            default -> 0;
        };
        if (letter == 0) {
            unicodeEscape(c);
        }
        else {
            append((byte) '\\');
            append((byte) letter);
        }
    }

    private void unicodeEscape(char c) {
        ensure(6);
        buf[length++] = '\\';
        buf[length++] = 'u';
        buf[length++] = HEX[c >> 12 & 0xF];
        buf[length++] = HEX[c >> 8 & 0xF];
        buf[length++] = HEX[c >> 4 & 0xF];
        buf[length++] = HEX[c & 0xF];
    }

    /** A long as its decimal digits. */
    public final void number(long v) {
        ensure(20);
        if (v == Long.MIN_VALUE) {
            asciiText("-9223372036854775808");
            return;
        }
        if (v < 0) {
            buf[length++] = '-';
            v = -v;
        }
        int digits = 1;
        for (long limit = 10; digits < 19 && v >= limit; limit *= 10) {
            digits++;
        }
        byte[] b = buf;
        int p = length + digits;
        length = p;
        // two digits per division, from the right
        while (v >= 100) {
            long q = v / 100;
            int r = (int) (v - q * 100);
            b[--p] = ONES[r];
            b[--p] = TENS[r];
            v = q;
        }
        int r = (int) v;
        b[--p] = ONES[r];
        if (r >= 10) {
            b[--p] = TENS[r];
        }
    }

    private void ensure(int more) {
        if (length + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, length + more));
        }
    }

    // --- JsonOut: what PgJson writes values with

    @Override
    public void writeNull() {
        append(NULL);
    }

    @Override
    public void writeBoolean(boolean value) {
        append(value ? TRUE : FALSE);
    }

    @Override
    public void writeNumber(String text) {
        asciiText(text);
    }

    @Override
    public void writeString(String text) {
        string(text);
    }

    @Override
    public void writeRaw(String json) {
        utf8(json);
    }

    @Override
    public void writeBinary(byte[] bytes) {
        append((byte) '"');
        append(Base64.getEncoder().encode(bytes));
        append((byte) '"');
    }

    @Override
    public void startArray() {
        append((byte) '[');
    }

    @Override
    public void endArray() {
        append((byte) ']');
    }

    @Override
    public void startObject() {
        append((byte) '{');
    }

    @Override
    public void endObject() {
        append((byte) '}');
    }

    @Override
    public void field(String name) {
        string(name);
        append((byte) ':');
    }

    @Override
    public void comma() {
        append((byte) ',');
    }
}
