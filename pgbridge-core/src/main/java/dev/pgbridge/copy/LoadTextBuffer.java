package dev.pgbridge.copy;

import dev.pgbridge.pgtype.BinaryCopy;
import dev.pgbridge.pgtype.PgJson;

/**
 * A growable byte buffer for COPY data. In PostgreSQL's COPY text format: fields separated by a tab, rows ended by a
 * newline, NULL as {@code \N}, and in values a backslash, newline, carriage return and tab escaped with a backslash
 * (so a value can never end a row or field early, and {@code \.} in data is never the end-of-data marker).
 * It also holds raw UTF-8 values ({@link #utf8}) and the big-endian integers of the binary format.
 */
final class LoadTextBuffer implements PgJson.TextSink, BinaryCopy.Out {
    private static final byte[] NULL = {'\\', 'N'};
    private byte[] bytes;
    private int size;

    LoadTextBuffer(int capacity) {
        bytes = new byte[Math.max(16, capacity)];
    }

    int size() {
        return size;
    }

    byte[] array() {
        return bytes;
    }

    void clear() {
        size = 0;
    }

    /** Drops everything after the first {@code newSize} bytes. */
    void truncate(int newSize) {
        if (newSize < 0 || newSize > size) {
            throw new IllegalArgumentException("size " + newSize + " is outside 0.." + size);
        }
        size = newSize;
    }

    private void ensure(int more) {
        int needed = size + more;
        if (needed < 0) {
            throw new IllegalStateException("a row is larger than 2 GB");
        }
        if (needed > bytes.length) {
            int grown = bytes.length * 2;
            bytes = java.util.Arrays.copyOf(bytes, Math.max(grown < 0 ? Integer.MAX_VALUE - 8 : grown, needed));
        }
    }

    @Override
    public void raw(byte b) {
        if (size == bytes.length) {
            ensure(1);
        }
        bytes[size++] = b;
    }

    @Override
    public void raw(byte[] src, int off, int len) {
        ensure(len);
        System.arraycopy(src, off, bytes, size, len);
        size += len;
    }

    /** ASCII text that needs no escaping (digits, {@code t}, {@code \N} …). */
    void ascii(CharSequence text) {
        int n = text.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            bytes[size++] = (byte) text.charAt(i);
        }
    }

    /** UTF-16 chars as UTF-8, unescaped (a value of a row that is escaped or converted when it is sent). */
    void utf8(char[] chars, int off, int len) {
        ensure(len);
        int end = off + len;
        for (int i = off; i < end; i++) {
            char c = chars[i];
            if (c < 0x80) {
                if (size == bytes.length) {
                    ensure(1);
                }
                bytes[size++] = (byte) c;
            }
            else {
                i += utf8(c, i + 1 < end ? chars[i + 1] : 0);
            }
        }
    }

    @Override
    public void append(char[] chars, int offset, int length) {
        utf8(chars, offset, length);
    }

    @Override
    public void append(CharSequence text) {
        utf8(text);
    }

    void utf8(CharSequence text) {
        int n = text.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                if (size == bytes.length) {
                    ensure(1);
                }
                bytes[size++] = (byte) c;
            }
            else {
                i += utf8(c, i + 1 < n ? text.charAt(i + 1) : 0);
            }
        }
    }

    @Override
    public void int16(int value) {
        ensure(2);
        bytes[size++] = (byte) (value >>> 8);
        bytes[size++] = (byte) value;
    }

    @Override
    public void int32(int value) {
        ensure(4);
        bytes[size++] = (byte) (value >>> 24);
        bytes[size++] = (byte) (value >>> 16);
        bytes[size++] = (byte) (value >>> 8);
        bytes[size++] = (byte) value;
    }

    @Override
    public void int64(long value) {
        int32((int) (value >>> 32));
        int32((int) value);
    }

    void nullValue() {
        raw(NULL, 0, 2);
    }

    void fieldSeparator() {
        raw((byte) '\t');
    }

    void rowEnd() {
        raw((byte) '\n');
    }

    /** UTF-8 bytes as one COPY text value. */
    void escaped(byte[] src, int off, int len) {
        ensure(len);
        int end = off + len;
        int start = off;
        for (int i = off; i < end; i++) {
            byte b = src[i];
            if (b == '\\' || b == '\n' || b == '\r' || b == '\t') {
                int run = i - start;
                if (run > 0) {
                    ensure(run);
                    System.arraycopy(src, start, bytes, size, run);
                    size += run;
                }
                escape(b);
                start = i + 1;
            }
        }
        int run = end - start;
        if (run > 0) {
            ensure(run);
            System.arraycopy(src, start, bytes, size, run);
            size += run;
        }
    }

    private void escape(byte b) {
        ensure(2);
        bytes[size++] = '\\';
        bytes[size++] = switch (b) {
            case '\n' -> (byte) 'n';
            case '\r' -> (byte) 'r';
            case '\t' -> (byte) 't';
            default -> (byte) '\\';
        };
    }

    void escaped(CharSequence text) {
        int n = text.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                ascii1(c);
            }
            else {
                i += utf8(c, i + 1 < n ? text.charAt(i + 1) : 0);
            }
        }
    }

    /** UTF-16 chars as one COPY text value in UTF-8. An unpaired surrogate cannot be stored and is rejected. */
    void escaped(char[] chars, int off, int len) {
        ensure(len);
        int end = off + len;
        for (int i = off; i < end; i++) {
            char c = chars[i];
            if (c < 0x80) {
                ascii1(c);
            }
            else {
                i += utf8(c, i + 1 < end ? chars[i + 1] : 0);
            }
        }
    }

    private void ascii1(char c) {
        if (c == '\\' || c == '\n' || c == '\r' || c == '\t') {
            escape((byte) c);
        }
        else {
            if (size == bytes.length) {
                ensure(1);
            }
            bytes[size++] = (byte) c;
        }
    }

    /** Writes non-ASCII {@code c} (with {@code next} when they are a surrogate pair); returns 1 when it used next. */
    private int utf8(char c, char next) {
        ensure(4);
        if (c < 0x800) {
            bytes[size++] = (byte) (0xC0 | (c >> 6));
            bytes[size++] = (byte) (0x80 | (c & 0x3F));
            return 0;
        }
        if (Character.isSurrogate(c)) {
            if (Character.isHighSurrogate(c) && Character.isLowSurrogate(next)) {
                int cp = Character.toCodePoint(c, next);
                bytes[size++] = (byte) (0xF0 | (cp >> 18));
                bytes[size++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                bytes[size++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                bytes[size++] = (byte) (0x80 | (cp & 0x3F));
                return 1;
            }
            throw new IllegalArgumentException("the text has an unpaired UTF-16 surrogate (\\u"
                    + Integer.toHexString(c) + "), which is not a character");
        }
        bytes[size++] = (byte) (0xE0 | (c >> 12));
        bytes[size++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        bytes[size++] = (byte) (0x80 | (c & 0x3F));
        return 0;
    }
}
