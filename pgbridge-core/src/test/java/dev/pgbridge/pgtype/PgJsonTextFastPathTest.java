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
