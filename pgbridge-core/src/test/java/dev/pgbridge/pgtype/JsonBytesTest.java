package dev.pgbridge.pgtype;

import com.fasterxml.jackson.core.JsonGenerator;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fast paths of {@link JsonBytes} (two digits per division, plain ASCII strings copied whole) write exactly what
 * the slow paths and Jackson's generator write.
 */
class JsonBytesTest {
    private static String text(JsonBytes bytes) {
        return new String(bytes.array(), 0, bytes.length(), StandardCharsets.UTF_8);
    }

    @Test
    void numbersAreTheirDecimalDigits() {
        List<Long> values = new ArrayList<>(List.of(0L, 1L, -1L, 9L, 10L, 11L, 99L, 100L, 101L, 999L, 1000L,
                Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1, (long) Integer.MAX_VALUE, (long) Integer.MIN_VALUE));
        for (long p = 10; p > 0 && p <= Long.MAX_VALUE / 10 * 10; p *= 10) {
            values.addAll(List.of(p - 1, p, p + 1, -p + 1, -p, -p - 1));
            if (p > Long.MAX_VALUE / 10) {
                break;
            }
        }
        Random random = new Random(13);
        for (int i = 0; i < 2000; i++) {
            values.add(random.nextLong() >> random.nextInt(64));
        }
        JsonBytes bytes = new JsonBytes(4);
        for (long v : values) {
            bytes.reset();
            bytes.number(v);
            assertThat(text(bytes)).as("%d", v).isEqualTo(Long.toString(v));
        }
    }

    /** Strings long enough for the ASCII fast path, with and without characters to escape, as the generator writes. */
    @Test
    void stringsAreWrittenAsTheGeneratorWritesThem() throws IOException {
        String[] pieces = {"abcdefgh", " ", "~", "?", "\u007f", "\"", "\\", "/", "\n", "\u0000", "\u001f", "é", "ÿ", "日本",
                "🔑", "x".repeat(70_000)};
        Random random = new Random(5);
        JsonBytes bytes = new JsonBytes(8);
        for (int round = 0; round < 3000; round++) {
            StringBuilder s = new StringBuilder();
            for (int i = random.nextInt(6); i > 0; i--) {
                String piece = pieces[random.nextInt(pieces.length)];
                s.append(piece.length() > 1000 && random.nextInt(10) > 0 ? "plain" : piece);
            }
            String value = s.toString();
            bytes.reset();
            bytes.string(value);
            ByteArrayOutputStream utf8 = new ByteArrayOutputStream();
            try (JsonGenerator g = PgJson.factory().createGenerator(utf8)) {
                g.writeString(value);
            }
            assertThat(bytes.toByteArray()).as("round %d: %s", round, value.chars().limit(60).mapToObj(Integer::toHexString)
                    .toList()).isEqualTo(utf8.toByteArray());
        }
        // a lone surrogate is no character: escaped (where Jackson would write broken UTF-8), also in a long string
        bytes.reset();
        bytes.string("abcdefgh\ud800ijk\udc00");
        assertThat(text(bytes)).isEqualTo("\"abcdefgh\\uD800ijk\\uDC00\"");
    }

    /** JSON text copied as UTF-8 (floats, json, jsonb): the ASCII fast path and the slow path write the same bytes. */
    @Test
    void rawJsonIsItsUtf8() {
        String[] pieces = {"{\"a\": [1, 2.50]}", "?", " ", "é", "日本", "🔑", "\\\"", "x".repeat(70_000)};
        Random random = new Random(9);
        JsonBytes bytes = new JsonBytes(8);
        for (int round = 0; round < 2000; round++) {
            StringBuilder s = new StringBuilder();
            for (int i = random.nextInt(6); i > 0; i--) {
                String piece = pieces[random.nextInt(pieces.length)];
                s.append(piece.length() > 1000 && random.nextInt(10) > 0 ? "plain" : piece);
            }
            bytes.reset();
            bytes.utf8(s.toString());
            assertThat(bytes.toByteArray()).as("round %d", round).isEqualTo(s.toString().getBytes(StandardCharsets.UTF_8));
        }
        // a lone surrogate keeps its three bytes, as before the fast path (the JDK's encoder would put a '?')
        bytes.reset();
        bytes.utf8("abcdefgh?\ud800");
        assertThat(bytes.toByteArray()).isEqualTo(new byte[] {'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', '?', (byte) 0xED,
                (byte) 0xA0, (byte) 0x80});
    }
}
