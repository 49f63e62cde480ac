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

/** A text value copied as one block (no byte needs an escape) is written exactly as the escaping path writes it. */
class PgJsonTextFastPathTest {
    private static final PgType TEXT = PgType.text(25, "text");

    @Test
    void theBlockCopyWritesWhatTheEscapingPathWrites() throws IOException {
        List<String> values = new ArrayList<>(List.of("", "a", "plain ascii text of some length", "tab\there",
                "quote \" in the middle", "back\\slash", "newline\nat 9", "12345678\"", "1234567\u0001", "\u007f del",
                "é日本🔑 and more é日本🔑", " ".repeat(84), "x".repeat(8) + "\\", "\u001f" + "y".repeat(15)));
        Random random = new Random(42);
        for (int i = 0; i < 5_000; i++) {
            StringBuilder b = new StringBuilder();
            int length = random.nextInt(40);
            for (int j = 0; j < length; j++) {
                int kind = random.nextInt(20);
                b.append(kind == 0 ? (char) random.nextInt(0x20) : kind == 1 ? '"' : kind == 2 ? '\\'
                        : kind == 3 ? 'é' : kind == 4 ? "日" : kind == 5 ? "🔑" : (char) (0x20 + random.nextInt(0x5f)));
            }
            values.add(b.toString());
        }
        int blockCopied = 0;
        for (String value : values) {
            byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
            if (PgJson.needsNoEscape(utf8)) {
                blockCopied++;
            }
            assertThat(written(g -> PgJson.writeUtf8(g, TEXT, utf8)))
                    .as("value %s", value.codePoints().mapToObj(Integer::toHexString).toList())
                    .isEqualTo(written(g -> g.writeUTF8String(utf8, 0, utf8.length)));
        }
        assertThat(blockCopied).isGreaterThan(100).isLessThan(values.size() - 100); // both paths ran
    }

    @Test
    void everyByteThatNeedsAnEscapeIsFoundAtEveryPosition() {
        for (int b = 0; b < 256; b++) {
            boolean escaped = b < 0x20 || b == '"' || b == '\\';
            for (int position = 0; position < 17; position++) {
                byte[] utf8 = "abcdefghijklmnopq".getBytes(StandardCharsets.US_ASCII);
                utf8[position] = (byte) b;
                assertThat(PgJson.needsNoEscape(utf8)).as("byte %02x at %d", b, position).isEqualTo(!escaped);
            }
        }
    }

    /**
     * Bytes that are not UTF-8 (a SQL_ASCII database sends them as they are) are never copied into the JSON: the
     * check agrees with the JDK's strict decoder on every kind of malformation, and such a value is written as its
     * decoded text (U+FFFD for what is not UTF-8), to a generator and to JSON bytes alike.
     */
    @Test
    void bytesThatAreNotUtf8AreDecodedNeverCopied() throws IOException {
        List<byte[]> cases = new ArrayList<>(List.of(new byte[] {(byte) 0xE9}, new byte[] {'a', (byte) 0xC3},
                new byte[] {(byte) 0xC0, (byte) 0x80}, new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, new byte[] {(byte) 0x80},
                new byte[] {(byte) 0xE0, (byte) 0x80, (byte) 0xAF}, "é日本🔑".getBytes(StandardCharsets.UTF_8)));
        Random random = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            byte[] b = new byte[random.nextInt(20)];
            for (int j = 0; j < b.length; j++) {
                b[j] = (byte) (random.nextInt(4) == 0 ? 0x80 + random.nextInt(0x80) : 0x20 + random.nextInt(0x5f));
            }
            cases.add(b);
        }
        int malformed = 0;
        for (byte[] b : cases) {
            boolean strict;
            try {
                StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(b));
                strict = true;
            }
            catch (java.nio.charset.CharacterCodingException e) {
                strict = false;
            }
            assertThat(PgJson.isWellFormedUtf8(b)).as("%s", java.util.HexFormat.of().formatHex(b)).isEqualTo(strict);
            if (!strict) {
                malformed++;
                String decoded = new String(b, StandardCharsets.UTF_8);
                for (PgType type : List.of(TEXT, PgType.builtIn(3802).orElseThrow())) {
                    JsonBytes bytes = new JsonBytes();
                    PgJson.writeUtf8(bytes, type, b);
                    JsonBytes expected = new JsonBytes();
                    PgJson.write(expected, type, decoded);
                    assertThat(bytes.toByteArray()).isEqualTo(expected.toByteArray());
                    assertThat(written(g -> PgJson.writeUtf8(g, type, b)))
                            .isEqualTo(new String(expected.toByteArray(), StandardCharsets.UTF_8));
                }
            }
        }
        assertThat(malformed).isGreaterThan(1000);
    }

    private interface Write {
        void to(JsonGenerator g) throws IOException;
    }

    private static String written(Write write) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = PgJson.factory().createGenerator(out)) {
            write.to(g);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
