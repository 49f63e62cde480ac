package dev.pgbridge.copy;

import com.fasterxml.jackson.core.JsonParser;
import dev.pgbridge.pgtype.BadValue;
import dev.pgbridge.pgtype.PgJson;
import dev.pgbridge.pgtype.PgType;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** JSON → PostgreSQL input text as a load sends it: core's {@link PgJson#readText} into the load's row buffer. */
class LoadJsonInputTest {
    private static final PgType INT = PgType.scalar(0, PgType.Kind.INTEGER, "integer");
    private static final PgType NUMERIC = PgType.scalar(0, PgType.Kind.NUMERIC, "numeric");
    private static final PgType FLOAT = PgType.scalar(0, PgType.Kind.FLOAT, "double precision");
    private static final PgType BOOL = PgType.scalar(0, PgType.Kind.BOOLEAN, "boolean");
    private static final PgType TEXT = PgType.scalar(0, PgType.Kind.TEXT, "text");
    private static final PgType BYTEA = PgType.scalar(0, PgType.Kind.BYTEA, "bytea");
    private static final PgType JSONB = PgType.scalar(0, PgType.Kind.JSONB, "jsonb");
    private static final PgType DATE = PgType.scalar(0, PgType.Kind.DATE, "date");
    private static final PgType TIMESTAMPTZ = PgType.scalar(0, PgType.Kind.TIMESTAMPTZ, "timestamp with time zone");
    private static final PgType INTERVAL = PgType.scalar(0, PgType.Kind.INTERVAL, "interval");

    private static PgType arrayOf(PgType element) {
        return PgType.arrayOf(0, element, ',');
    }

    /** PostgreSQL's text input for a JSON value (given as JSON text) in a column of {@code type}; null for NULL. */
    private static String copy(String json, PgType type) throws IOException {
        LoadTextBuffer out = new LoadTextBuffer(8);
        boolean value;
        try (JsonParser p = JsonLinesRecordReader.FACTORY.createParser(json)) {
            p.nextToken();
            value = PgJson.readText(p, type, out);
            assertThat(p.nextToken()).as("the whole value is consumed").isNull();
        }
        return value ? new String(out.array(), 0, out.size(), StandardCharsets.UTF_8) : null;
    }

    @Test
    void nullIsNullForEveryTypeIncludingJson() throws IOException {
        for (PgType type : new PgType[] {INT, TEXT, JSONB, BYTEA, arrayOf(INT)}) {
            assertThat(copy("null", type)).as(type.name()).isNull();
        }
    }

    @Test
    void numbersKeepTheirExactDigits() throws IOException {
        assertThat(copy("-9223372036854775808", INT)).isEqualTo("-9223372036854775808");
        assertThat(copy("12345678901234567890.123456789012345678901234567890", NUMERIC))
                .isEqualTo("12345678901234567890.123456789012345678901234567890");
        assertThat(copy("1.50", NUMERIC)).isEqualTo("1.50");
        assertThat(copy("1.7976931348623157E308", FLOAT)).isEqualTo("1.7976931348623157E308");
        assertThat(copy("-0.0", FLOAT)).isEqualTo("-0.0");
        assertThat(copy("0.1", TEXT)).isEqualTo("0.1");
    }

    @Test
    void specialNumbersAndInfiniteDatesArePassedAsTheirStrings() throws IOException {
        assertThat(copy("\"NaN\"", NUMERIC)).isEqualTo("NaN");
        assertThat(copy("\"Infinity\"", FLOAT)).isEqualTo("Infinity");
        assertThat(copy("\"-Infinity\"", NUMERIC)).isEqualTo("-Infinity");
        assertThat(copy("\"infinity\"", DATE)).isEqualTo("infinity");
        assertThat(copy("\"-infinity\"", TIMESTAMPTZ)).isEqualTo("-infinity");
    }

    @Test
    void booleansAreTAndFForBooleanColumnsAndWordsForText() throws IOException {
        assertThat(copy("true", BOOL)).isEqualTo("t");
        assertThat(copy("false", BOOL)).isEqualTo("f");
        assertThat(copy("true", TEXT)).isEqualTo("true");
        assertThat(copy("false", JSONB)).isEqualTo("false");
    }

    @Test
    void textIsUnescapedAndMultiByteSurvives() throws IOException {
        assertThat(copy("\"tab\\there\\nline\\\\back\\r\"", TEXT)).isEqualTo("tab\there\nline\\back\r");
        assertThat(copy("\"é日本🔑\"", TEXT)).isEqualTo("é日本🔑");
        assertThat(copy("\"\\u00e9\\ud83d\\udd11\"", TEXT)).isEqualTo("é🔑");
    }

    @Test
    void anUnpairedSurrogateIsRejected() {
        assertThatThrownBy(() -> copy("\"a\\ud83d\"", TEXT)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unpaired");
    }

    @Test
    void byteaTakesBase64AndPostgresHex() throws IOException {
        assertThat(copy("\"AP9c\"", BYTEA)).isEqualTo("\\x00ff5c");
        assertThat(copy("\"\"", BYTEA)).isEqualTo("\\x");
        assertThat(copy("\"\\\\x0a0b\"", BYTEA)).isEqualTo("\\x0a0b");
        assertThatThrownBy(() -> copy("\"not base64!\"", BYTEA)).isInstanceOf(BadValue.class)
                .hasMessageContaining("base64");
    }

    @Test
    void jsonValuesBecomeCompactJsonTextWithNestedNullsAndExactNumbers() throws IOException {
        assertThat(copy("{ \"a\" : null, \"b\" : [1, 2.50, \"x\\ty\"], \"c\": {\"d\": true}}", JSONB))
                .isEqualTo("{\"a\":null,\"b\":[1,2.50,\"x\\ty\"],\"c\":{\"d\":true}}");
        assertThat(copy("\"just a string\"", JSONB)).isEqualTo("\"just a string\"");
        assertThat(copy("[1, [2]]", JSONB)).isEqualTo("[1,[2]]");
        assertThat(copy("12.000", JSONB)).isEqualTo("12.000");
    }

    @Test
    void arraysBecomeArrayLiteralsWithDimensionsNullsAndQuoting() throws IOException {
        assertThat(copy("[1, 2, null]", arrayOf(INT))).isEqualTo("{1,2,NULL}");
        assertThat(copy("[[1, 2], [3, 4]]", arrayOf(INT))).isEqualTo("{{1,2},{3,4}}");
        assertThat(copy("[[[1], [2]], [[3], [4]]]", arrayOf(INT))).isEqualTo("{{{1},{2}},{{3},{4}}}");
        assertThat(copy("[]", arrayOf(INT))).isEqualTo("{}");
        assertThat(copy("[\"a\", \"\", null, \"NULL\", \"q\\\"b\\\\s\", \"{,}\"]", arrayOf(TEXT)))
                .isEqualTo("{\"a\",\"\",NULL,\"NULL\",\"q\\\"b\\\\s\",\"{,}\"}");
        assertThat(copy("[true, false]", arrayOf(BOOL))).isEqualTo("{t,f}");
        assertThat(copy("[\"AP8=\", null]", arrayOf(BYTEA))).isEqualTo("{\"\\\\x00ff\",NULL}");
        assertThat(copy("[{\"a\": 1}, [1, 2], \"s\"]", arrayOf(JSONB)))
                .isEqualTo("{\"{\\\"a\\\":1}\",\"[1,2]\",\"\\\"s\\\"\"}");
        assertThat(copy("[\"-0043-03-15\", \"infinity\"]", arrayOf(DATE))).isEqualTo("{\"0044-03-15 BC\",\"infinity\"}");
    }

    @Test
    void isoYearsOutsideOneToNineThousandNineHundredNinetyNineAreRewritten() throws IOException {
        assertThat(copy("\"-0043-03-15\"", DATE)).isEqualTo("0044-03-15 BC");
        assertThat(copy("\"0000-01-01\"", DATE)).isEqualTo("0001-01-01 BC");
        assertThat(copy("\"+10000-01-01\"", DATE)).isEqualTo("10000-01-01");
        assertThat(copy("\"-0043-03-15T10:00:00Z\"", TIMESTAMPTZ)).isEqualTo("0044-03-15 10:00:00Z BC");
        assertThat(copy("\"2024-02-29T03:04:05.123456+05:30\"", TIMESTAMPTZ)).isEqualTo("2024-02-29 03:04:05.123456+05:30");
    }

    @Test
    void aLeadingMinusOnAnIsoDurationNegatesEveryField() throws IOException {
        assertThat(copy("\"-P1DT2H\"", INTERVAL)).isEqualTo("P-1DT-2H");
        assertThat(copy("\"-P1Y-2M\"", INTERVAL)).isEqualTo("P-1Y2M");
        assertThat(copy("\"P1Y2M3DT4H5M6.5S\"", INTERVAL)).isEqualTo("P1Y2M3DT4H5M6.5S");
        assertThat(copy("\"1 day\"", INTERVAL)).isEqualTo("1 day");
    }

    @Test
    void aJsonKindThatCannotBeTheColumnsTypeNamesTheType() {
        assertThatThrownBy(() -> copy("{\"a\": 1}", INT)).isInstanceOf(BadValue.class)
                .hasMessage("an object cannot be loaded into a column of type integer "
                        + "(numbers take a JSON number, or \"NaN\", \"Infinity\", \"-Infinity\")");
        assertThatThrownBy(() -> copy("[1]", TEXT)).isInstanceOf(BadValue.class)
                .hasMessageStartingWith("an array cannot be loaded into a column of type text");
        assertThatThrownBy(() -> copy("1", BOOL)).isInstanceOf(BadValue.class)
                .hasMessageContaining("a number cannot be loaded into a column of type boolean");
        assertThatThrownBy(() -> copy("[{\"a\": 1}]", arrayOf(INT))).isInstanceOf(BadValue.class)
                .hasMessageContaining("object inside the array");
    }
}
