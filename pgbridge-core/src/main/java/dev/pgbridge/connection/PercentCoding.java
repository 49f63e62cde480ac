package dev.pgbridge.connection;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Percent-encoding the way each reader expects it: Python's {@code urllib.parse} ({@code quote}, {@code quote_plus},
 * {@code unquote}, {@code unquote_plus}) for Airflow, and libpq's strict decoding for libpq URIs.
 */
final class PercentCoding {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private PercentCoding() {}

    /** Thrown for text that cannot be encoded or decoded; the message never contains the text. */
    static final class CodingException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        CodingException(String message) {
            super(message);
        }
    }

    static boolean isUnreserved(int c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                || c == '_' || c == '.' || c == '~' || c == '-';
    }

    /**
     * Every UTF-8 byte outside {@code A-Za-z0-9_.~-} as {@code %XX} (upper-case hex): Python's
     * {@code quote(s, safe='')}, and the rule of pgbridge's task URI.
     */
    static String encodeAll(String s) {
        return encode(s, false);
    }

    /** Python's {@code quote_plus(s, safe='')}: as {@link #encodeAll} but a space becomes {@code +}. */
    static String quotePlus(String s) {
        return encode(s, true);
    }

    private static String encode(String s, boolean spaceAsPlus) {
        StringBuilder sb = new StringBuilder(s.length() + 8);
        for (byte b : utf8(s)) {
            int c = b & 0xff;
            if (isUnreserved(c)) {
                sb.append((char) c);
            }
            else if (spaceAsPlus && c == ' ') {
                sb.append('+');
            }
            else {
                sb.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
            }
        }
        return sb.toString();
    }

    /** UTF-8 bytes; an unpaired surrogate is an error, as in Python's strict encoder. */
    static byte[] utf8(String s) {
        CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            ByteBuffer buffer = encoder.encode(CharBuffer.wrap(s));
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        }
        catch (CharacterCodingException e) {
            throw new CodingException("it holds an unpaired UTF-16 surrogate, which has no UTF-8 form");
        }
    }

    /**
     * Python's {@code unquote(s)}: {@code %XX} with two hex digits become bytes, decoded as UTF-8 with invalid
     * sequences replaced by U+FFFD; a {@code %} not followed by two hex digits stays as it is.
     */
    static String unquote(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s.length());
        ByteArrayOutputStream run = new ByteArrayOutputStream();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length() && isHex(s.charAt(i + 1)) && isHex(s.charAt(i + 2))) {
                run.write(Character.digit(s.charAt(i + 1), 16) * 16 + Character.digit(s.charAt(i + 2), 16));
                i += 3;
                continue;
            }
            flushReplacing(run, sb);
            sb.append(c);
            i++;
        }
        flushReplacing(run, sb);
        return sb.toString();
    }

    /** Python's {@code unquote_plus(s)}: {@code +} is a space, then {@link #unquote}. */
    static String unquotePlus(String s) {
        return unquote(s.replace('+', ' '));
    }

    private static void flushReplacing(ByteArrayOutputStream run, StringBuilder sb) {
        if (run.size() == 0) {
            return;
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        try {
            sb.append(decoder.decode(ByteBuffer.wrap(run.toByteArray())));
        }
        catch (CharacterCodingException e) {
            throw new IllegalStateException("a replacing decoder does not throw", e);
        }
        run.reset();
    }

    /**
     * libpq's decoding of one URI component: every {@code %} must be followed by two hex digits, {@code %00} is
     * forbidden, and the bytes must be UTF-8 (pgbridge keeps text, libpq would pass raw bytes on).
     */
    static String libpqDecode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int i = 0;
        while (i < s.length()) {
            int next = s.indexOf('%', i);
            if (next < 0) {
                next = s.length();
            }
            if (next > i) {
                bytes.writeBytes(utf8(s.substring(i, next)));
                i = next;
                continue;
            }
            if (i + 2 >= s.length() || !isHex(s.charAt(i + 1)) || !isHex(s.charAt(i + 2))) {
                throw new CodingException("a '%' is not followed by two hex digits (write a literal % as %25)");
            }
            int value = Character.digit(s.charAt(i + 1), 16) * 16 + Character.digit(s.charAt(i + 2), 16);
            if (value == 0) {
                throw new CodingException("it contains %00, which libpq forbids");
            }
            bytes.write(value);
            i += 3;
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            return decoder.decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        }
        catch (CharacterCodingException e) {
            throw new CodingException("its percent-encoded bytes are not valid UTF-8");
        }
    }

    static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
