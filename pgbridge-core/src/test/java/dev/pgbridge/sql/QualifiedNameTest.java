package dev.pgbridge.sql;

import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class QualifiedNameTest {
    @Test
    void unquotedPartsFoldToLowerCase() {
        assertThat(QualifiedName.parse("Sales.Orders")).isEqualTo(QualifiedName.of("sales", "orders"));
        assertThat(QualifiedName.parse("ORDERS")).isEqualTo(QualifiedName.of(null, "orders"));
        assertThat(QualifiedName.parse("orders").qualified()).isFalse();
        assertThat(QualifiedName.parse("s.orders").qualified()).isTrue();
    }

    @Test
    void quotedPartsKeepCaseDotsAndDoubledQuotes() {
        assertThat(QualifiedName.parse("\"Sales\".\"Orders\"")).isEqualTo(QualifiedName.of("Sales", "Orders"));
        assertThat(QualifiedName.parse("\"a.b\".\"x\"\"y\"")).isEqualTo(QualifiedName.of("a.b", "x\"y"));
        assertThat(QualifiedName.parse("\"\"\"\"")).isEqualTo(QualifiedName.of(null, "\""));
        assertThat(QualifiedName.parse("\"with space\"")).isEqualTo(QualifiedName.of(null, "with space"));
        assertThat(QualifiedName.parse("\"MiXeD\"")).isEqualTo(QualifiedName.of(null, "MiXeD"));
    }

    @Test
    void quotedAndUnquotedPartsMix() {
        assertThat(QualifiedName.parse("Sales.\"Orders\"")).isEqualTo(QualifiedName.of("sales", "Orders"));
        assertThat(QualifiedName.parse("\"Sales\".Orders")).isEqualTo(QualifiedName.of("Sales", "orders"));
    }

    @Test
    void whitespaceAroundPartsIsAllowedAsInSql() {
        assertThat(QualifiedName.parse("  sales . orders\t")).isEqualTo(QualifiedName.of("sales", "orders"));
        assertThat(QualifiedName.parse("\"Sales\" .\"Orders\" ")).isEqualTo(QualifiedName.of("Sales", "Orders"));
    }

    @Test
    void unquotedNamesTakeDigitsDollarsUnderscoresAndNonAscii() {
        assertThat(QualifiedName.parse("_t1$x")).isEqualTo(QualifiedName.of(null, "_t1$x"));
        // only ASCII letters fold, as in a UTF8 database
        assertThat(QualifiedName.parse("Ärger.Été")).isEqualTo(QualifiedName.of("Ärger", "Été"));
        assertThat(QualifiedName.parse("日本.表")).isEqualTo(QualifiedName.of("日本", "表"));
    }

    @Test
    void partsAreTruncatedTo63BytesOnACharacterBoundary() {
        String longAscii = "a".repeat(70);
        assertThat(QualifiedName.parse(longAscii).name()).isEqualTo("a".repeat(63));
        assertThat(QualifiedName.parse("\"" + "B".repeat(64) + "\"").name()).isEqualTo("B".repeat(63));
        // 21 three-byte characters are 63 bytes; the 22nd does not fit
        String kanji = "表".repeat(22);
        String cut = QualifiedName.parse(kanji).name();
        assertThat(cut).isEqualTo("表".repeat(21));
        // 62 ASCII bytes + a 2-byte character would be 64: the character is dropped, not split
        String mixed = "x".repeat(62) + "é";
        assertThat(QualifiedName.parse(mixed).name()).isEqualTo("x".repeat(62));
        assertThat(QualifiedName.parse(mixed).name().getBytes(StandardCharsets.UTF_8)).hasSize(62);
        assertThat(QualifiedName.parse("a".repeat(63)).name()).hasSize(63);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
            "\"Sales\".\"Orders  | never closed | position 9",
            "\"Sales               | never closed | position 1",
            "sales.                | part 2 is empty | ends with a dot",
            ".orders               | part 1 is empty | ",
            "a..b                  | part 2 is empty | ",
            "\"\".x                | quoted part at position 1 is empty | ",
            "a.b.c                 | 3 parts | schema.table",
            "db.sales.orders.x     | 4 parts | ",
            "my-table              | unexpected character '-' at position 3 | ",
            "1abc                  | unexpected character '1' at position 1 | ",
            "$x                    | unexpected character '$' at position 1 | ",
            "sales orders          | unexpected character 'o' at position 7 | ",
            "\"a\"b                | unexpected character 'b' at position 4 | ",
    })
    void malformedNamesFailWithTheReasonAndAHint(String text, String reason, String detail) {
        PgBridgeException e = catchThrowableOfType(PgBridgeException.class, () -> QualifiedName.parse(text));
        assertThat(e).as(text).isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_NAME);
        assertThat(e.getMessage()).startsWith("invalid name '" + text + "': ").contains(reason);
        if (detail != null) {
            assertThat(e.getMessage() + " " + e.hint()).contains(detail);
        }
        assertThat(e.hint()).isNotBlank();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "\t"})
    void emptyTextIsRejected(String text) {
        assertThatThrownBy(() -> QualifiedName.parse(text))
                .isInstanceOf(PgBridgeException.class)
                .hasMessageContaining("it is empty");
    }

    @Test
    void anUnterminatedQuoteHintTellsHowToQuoteInAShell() {
        PgBridgeException e = catchThrowableOfType(PgBridgeException.class, () -> QualifiedName.parse("\"Sales"));
        assertThat(e.hint()).contains("single quotes").contains("'\"Sales\".\"Orders\"'");
    }

    @Test
    void nulIsRejectedQuotedOrNot() {
        assertThatThrownBy(() -> QualifiedName.parse("\"a\0b\"")).isInstanceOf(PgBridgeException.class).hasMessageContaining("NUL");
        assertThatThrownBy(() -> QualifiedName.parse("a\0b")).isInstanceOf(PgBridgeException.class).hasMessageContaining("NUL");
        assertThatThrownBy(() -> QualifiedName.of(null, "a\0b")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void parseIdentifierReadsExactlyOnePart() {
        assertThat(QualifiedName.parseIdentifier("Sales")).isEqualTo("sales");
        assertThat(QualifiedName.parseIdentifier("\"Sales\"")).isEqualTo("Sales");
        assertThat(QualifiedName.parseIdentifier("\"a.b\"")).isEqualTo("a.b");
        assertThatThrownBy(() -> QualifiedName.parseIdentifier("a.b"))
                .isInstanceOf(PgBridgeException.class).hasMessageContaining("2 parts");
    }

    @Test
    void quotedIsTheSqlFormOfEveryPart() {
        assertThat(QualifiedName.of("Sales", "x\"y").quoted()).isEqualTo("\"Sales\".\"x\"\"y\"");
        assertThat(QualifiedName.of(null, "orders").quoted()).isEqualTo("\"orders\"");
    }

    @Test
    void toStringQuotesOnlyWhatNeedsItAndParsesBack() {
        assertThat(QualifiedName.of("sales", "orders")).hasToString("sales.orders");
        assertThat(QualifiedName.of("Sales", "Orders")).hasToString("\"Sales\".\"Orders\"");
        assertThat(QualifiedName.of(null, "order items")).hasToString("\"order items\"");
        assertThat(QualifiedName.of("a.b", "x\"y")).hasToString("\"a.b\".\"x\"\"y\"");
        assertThat(QualifiedName.of(null, "1st")).hasToString("\"1st\"");
        for (QualifiedName n : new QualifiedName[] {QualifiedName.of("Sales", "Orders"), QualifiedName.of("a.b", "x\"y"),
                QualifiedName.of(null, "t$1"), QualifiedName.of("日本", "表"), QualifiedName.of("s", "Ünïcode")}) {
            assertThat(QualifiedName.parse(n.toString())).isEqualTo(n);
        }
    }

    @Test
    void inSchemaQualifiesAnUnqualifiedName() {
        assertThat(QualifiedName.parse("orders").inSchema("public")).isEqualTo(QualifiedName.of("public", "orders"));
    }
}
