package dev.pgbridge.copy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(10)
class LoadCsvRecordReaderTest {
    /** A record as read: its start line and its fields (null for NULL). */
    private record Row(long line, List<String> fields) {
    }

    private static List<Row> read(String csv, int bufferSize) throws IOException {
        return read(csv.getBytes(StandardCharsets.UTF_8), bufferSize);
    }

    private static List<Row> read(byte[] csv, int bufferSize) throws IOException {
        List<Row> rows = new ArrayList<>();
        try (CsvRecordReader reader = new CsvRecordReader(new ByteArrayInputStream(csv), bufferSize)) {
            while (reader.next()) {
                List<String> fields = new ArrayList<>();
                for (int i = 0; i < reader.fieldCount(); i++) {
                    fields.add(reader.text(i));
                }
                rows.add(new Row(reader.line(), fields));
            }
        }
        return rows;
    }

    private static String copyText(String csv) throws IOException {
        LoadTextBuffer out = new LoadTextBuffer(16);
        try (CsvRecordReader reader = new CsvRecordReader(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)), 4)) {
            while (reader.next()) {
                LoadRowEncoder.Text.INSTANCE.row(reader.data(), reader.starts(), reader.ends(), reader.fieldCount(), out);
            }
        }
        return new String(out.array(), 0, out.size(), StandardCharsets.UTF_8);
    }

    // every buffer size, down to one byte, so every field and line break also straddles a refill
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 7, 65536})
    void unquotedEmptyIsNullAndQuotedEmptyIsTheEmptyString(int bufferSize) throws IOException {
        List<Row> rows = read("a,b,c\n1,,\"\"\n,\"\",x\n", bufferSize);
        assertThat(rows).containsExactly(
                new Row(1, List.of("a", "b", "c")),
                new Row(2, Arrays.asList("1", null, "")),
                new Row(3, Arrays.asList(null, "", "x")));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 5, 65536})
    void quotedFieldsHoldCommasQuotesAndLineBreaksAndLinesKeepCounting(int bufferSize) throws IOException {
        String csv = "id,note\r\n"
                + "1,\"a, b\"\r\n"
                + "2,\"say \"\"hi\"\"\"\r\n"
                + "3,\"two\nlines\r\nand three\"\r\n"
                + "4,after\r\n";
        List<Row> rows = read(csv, bufferSize);
        assertThat(rows).containsExactly(
                new Row(1, List.of("id", "note")),
                new Row(2, List.of("1", "a, b")),
                new Row(3, List.of("2", "say \"hi\"")),
                new Row(4, List.of("3", "two\nlines\r\nand three")),
                new Row(7, List.of("4", "after")));
    }

    @Test
    void crlfLfAndLoneCrAllEndARecordAndTheLastNeedsNoLineBreak() throws IOException {
        assertThat(read("a\r\nb\nc\rd", 3)).containsExactly(
                new Row(1, List.of("a")), new Row(2, List.of("b")), new Row(3, List.of("c")), new Row(4, List.of("d")));
    }

    @Test
    void aTrailingCommaIsALastNullFieldEvenAtTheEndOfTheInput() throws IOException {
        assertThat(read("a,\nb,", 65536)).containsExactly(
                new Row(1, Arrays.asList("a", null)), new Row(2, Arrays.asList("b", null)));
    }

    @Test
    void aQuotedFieldCanEndTheInput() throws IOException {
        assertThat(read("\"x\"", 1)).containsExactly(new Row(1, List.of("x")));
    }

    @Test
    void anEmptyLineIsOneNullFieldAndAnEmptyInputHasNoRecords() throws IOException {
        List<Row> rows = read("a,b\n\n1,2\n", 65536);
        assertThat(rows).containsExactly(new Row(1, List.of("a", "b")), new Row(2, Arrays.asList((String) null)),
                new Row(3, List.of("1", "2")));
        assertThat(read("", 16)).isEmpty();
    }

    @Test
    void aByteOrderMarkIsSkippedAndMultiByteTextSurvivesEveryBufferBoundary() throws IOException {
        byte[] text = "name\né日本🔑,\"🔑,é\"\n".getBytes(StandardCharsets.UTF_8);
        byte[] withBom = new byte[text.length + 3];
        withBom[0] = (byte) 0xEF;
        withBom[1] = (byte) 0xBB;
        withBom[2] = (byte) 0xBF;
        System.arraycopy(text, 0, withBom, 3, text.length);
        for (int size : new int[] {1, 2, 3, 5, 1024}) {
            assertThat(read(withBom, size)).containsExactly(new Row(1, List.of("name")), new Row(2, List.of("é日本🔑", "🔑,é")));
        }
    }

    @Test
    void anUnclosedQuoteNamesTheLineWhereItsRecordStarts() {
        assertThatThrownBy(() -> read("a,b\n1,2\n3,\"never\nclosed\n", 4))
                .isInstanceOfSatisfying(LoadDataException.class, e -> {
                    assertThat(e.line()).isEqualTo(3);
                    assertThat(e.field()).isEqualTo(1);
                    assertThat(e.getMessage()).contains("never closed").contains("line 3");
                });
    }

    @Test
    void aQuoteInsideAnUnquotedFieldIsAnError() {
        assertThatThrownBy(() -> read("a,b\n1,x\"y\n", 65536))
                .isInstanceOfSatisfying(LoadDataException.class, e -> {
                    assertThat(e.line()).isEqualTo(2);
                    assertThat(e.field()).isEqualTo(1);
                    assertThat(e.getMessage()).contains("double quote inside an unquoted field");
                });
    }

    @Test
    void textAfterAClosingQuoteIsAnError() {
        assertThatThrownBy(() -> read("a\n\"x\"y\n", 65536))
                .isInstanceOfSatisfying(LoadDataException.class, e -> {
                    assertThat(e.line()).isEqualTo(2);
                    assertThat(e.field()).isZero();
                    assertThat(e.getMessage()).contains("after the closing quote");
                });
    }

    @Test
    void copyTextKeepsNullAndEmptyApartAndEscapesWhatCopyWouldRead() throws IOException {
        String copy = copyText("1,,\"\"\n\"tab\there\",\"back\\slash\",\"line\nbreak\r\"\n\"\\.\",\"\\N\",x\n");
        assertThat(copy).isEqualTo("1\t\\N\t\n"
                + "tab\\there\tback\\\\slash\tline\\nbreak\\r\n"
                + "\\\\.\t\\\\N\tx\n");
    }
}
