package dev.pgbridge.pgtype;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ArrayLiteralTest {
    @Test
    void parsesFlatArraysWithNullsAndQuotes() {
        assertThat(ArrayLiteral.parse("{1,2,NULL}")).containsExactly("1", "2", null);
        assertThat(ArrayLiteral.parse("{\"a b\",\"x\\\"y\",\"NULL\",\"\",\" \",null}"))
                .containsExactly("a b", "x\"y", "NULL", "", " ", null);
        assertThat(ArrayLiteral.parse("{}")).isEmpty();
    }

    @Test
    void parsesSeveralDimensions() {
        assertThat(ArrayLiteral.parse("{{1,2},{3,NULL}}"))
                .isEqualTo(List.of(List.of("1", "2"), Arrays.asList("3", null)));
        assertThat(ArrayLiteral.parse("{{{a}},{{b}}}")).isEqualTo(List.of(List.of(List.of("a")), List.of(List.of("b"))));
    }

    @Test
    void dropsExplicitBoundsAndBlanksAroundUnquotedElements() {
        assertThat(ArrayLiteral.parse("[0:1]={7,8}")).containsExactly("7", "8");
        assertThat(ArrayLiteral.parse("[1:2][1:1]={{a},{b}}")).isEqualTo(List.of(List.of("a"), List.of("b")));
        assertThat(ArrayLiteral.parse(" { a b , c } ")).containsExactly("a b", "c");
    }

    @Test
    void readsBackslashEscapesInUnquotedElements() {
        assertThat(ArrayLiteral.parse("{a\\,b,\\NULL}")).containsExactly("a,b", "NULL");
    }

    @Test
    void multiByteTextSurvives() {
        assertThat(ArrayLiteral.parse("{é日本🔑,\"🔑 x\"}")).containsExactly("é日本🔑", "🔑 x");
    }

    @Test
    void boxArraysUseSemicolons() {
        assertThat(ArrayLiteral.parse("{(1,1),(0,0);(2,2),(1,1)}", ';')).containsExactly("(1,1),(0,0)", "(2,2),(1,1)");
    }

    @Test
    void rejectsMalformedText() {
        assertThatThrownBy(() -> ArrayLiteral.parse("{1,2")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ArrayLiteral.parse("{\"a}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ArrayLiteral.parse("{1,,2}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ArrayLiteral.parse("{1} x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ArrayLiteral.parse("1,2")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void formatQuotesEveryElementSoParseGivesItBack() {
        List<Object> value = List.of(List.of("a\"b", "c\\d"), Arrays.asList(null, "NULL"), List.of("", "{x,y}"));
        String literal = ArrayLiteral.format(value);
        assertThat(literal).isEqualTo("{{\"a\\\"b\",\"c\\\\d\"},{NULL,\"NULL\"},{\"\",\"{x,y}\"}}");
        assertThat(ArrayLiteral.parse(literal)).isEqualTo(value);
        assertThat(ArrayLiteral.format(List.of())).isEqualTo("{}");
    }
}
