package dev.pgbridge.copy;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

class CsvTextTest {
    @Test
    void quotesOnlyWhatCopyQuotes() {
        assertThat(CsvText.line(Arrays.asList("plain", "a,b", "say \"hi\"", "two\nlines", "cr\r", "", null, " space ", "é🔑")))
                .isEqualTo("plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\r\",\"\",, space ,é🔑\n");
    }

    @Test
    void theEndOfDataMarkerIsQuoted() {
        // a line holding only \. ends COPY FROM data: COPY quotes it, so must we
        assertThat(CsvText.line(Arrays.asList("\\."))).isEqualTo("\"\\.\"\n");
        assertThat(CsvText.line(Arrays.asList("a\\.", "\\"))).isEqualTo("a\\.,\\\n");
    }

    @Test
    void nullAndEmptyDiffer() {
        assertThat(CsvText.line(Arrays.asList(null, null))).isEqualTo(",\n");
        assertThat(CsvText.line(Arrays.asList("", ""))).isEqualTo("\"\",\"\"\n");
    }
}
