package dev.pgbridge.cli.output;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;

class RowsTest {
    private static String table(Rows rows, OptionalInt width) {
        StringWriter text = new StringWriter();
        PrintWriter out = new PrintWriter(text);
        rows.printTable(out, width);
        out.flush();
        return text.toString();
    }

    @Test
    void aTableThatFitsIsUnchanged() {
        Rows rows = Rows.of(List.of("id", "name")).with(1, "alpha").with(22, "b");
        String expected = "id | name\n---+------\n1  | alpha\n22 | b\n(2 rows)\n";
        assertThat(table(rows, OptionalInt.empty())).isEqualTo(expected);
        assertThat(table(rows, OptionalInt.of(80))).isEqualTo(expected);
    }

    // bug: capture discover printed a 330-character-wide table whatever the terminal's width
    @Test
    void theWidestColumnsAreCutToFitTheWidth() {
        String problem = "the table has no primary key and REPLICA IDENTITY DEFAULT: its updates and deletes carry no key";
        String fix = "ALTER TABLE \"public\".\"no_key\" REPLICA IDENTITY FULL;  -- or add a primary key";
        Rows rows = Rows.of(List.of("schema", "table", "capturable", "problem", "fix"))
                .with("public", "no_key", "no", problem, fix)
                .with("public", "with_pk", "yes", null, null);
        String text = table(rows, OptionalInt.of(80));
        List<String> lines = text.lines().toList();
        assertThat(lines.subList(0, 4)).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(80));
        // the narrow columns keep their text; the two long ones share the rest and end in …
        assertThat(lines.get(2)).startsWith("public | no_key  | no         | the table has no").contains("… | ALTER TABLE")
                .endsWith("…");
        assertThat(lines.get(3)).startsWith("public | with_pk | yes        |");
        assertThat(text).endsWith("(2 rows)\n(long values are cut with … to fit 80 columns; --format json shows them in full)\n");
    }

    @Test
    void fitSharesTheRestEquallyAndNeverCutsBelowTheMinimum() {
        assertThat(Rows.fit(new int[] {6, 7, 10, 95, 78}, 80)).containsExactly(6, 7, 10, 22, 22);
        assertThat(Rows.fit(new int[] {10, 10}, 23)).containsExactly(10, 10);
        assertThat(Rows.fit(new int[] {10, 10}, 20)).containsExactly(8, 8);
        assertThat(Rows.fit(new int[] {50, 50, 50}, 10)).containsExactly(Rows.MIN_CUT, Rows.MIN_CUT, Rows.MIN_CUT);
    }

    @Test
    void cutCountsCharactersNotUtf16Units() {
        assertThat(Rows.cut("abcdef", 6)).isEqualTo("abcdef");
        assertThat(Rows.cut("abcdefg", 6)).isEqualTo("abcde…");
        assertThat(Rows.cut("🔑🔑🔑🔑🔑🔑🔑", 4)).isEqualTo("🔑🔑🔑…");
    }

    @Test
    void terminalWidthComesFromColumnsWhenUsable() {
        assertThat(TerminalWidth.parse("120")).hasValue(120);
        assertThat(TerminalWidth.parse(" 100\n")).hasValue(100);
        assertThat(TerminalWidth.parse("0")).isEmpty();
        assertThat(TerminalWidth.parse("wide")).isEmpty();
        assertThat(TerminalWidth.parse(null)).isEmpty();
    }
}
