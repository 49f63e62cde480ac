package dev.pgbridge.query;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgbridge.query.ValueType.Kind;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QueryJsonValuesTest {
    private static final ValueType INT8 = ValueType.builtIn(20).orElseThrow();
    private static final ValueType NUMERIC = ValueType.builtIn(1700).orElseThrow();
    private static final ValueType FLOAT8 = ValueType.builtIn(701).orElseThrow();
    private static final ValueType BOOL = ValueType.builtIn(16).orElseThrow();
    private static final ValueType DATE = ValueType.builtIn(1082).orElseThrow();
    private static final ValueType TIMESTAMP = ValueType.builtIn(1114).orElseThrow();
    private static final ValueType TIMESTAMPTZ = ValueType.builtIn(1184).orElseThrow();
    private static final ValueType TIMETZ = ValueType.builtIn(1266).orElseThrow();
    private static final ValueType JSON = ValueType.builtIn(114).orElseThrow();
    private static final ValueType JSONB = ValueType.builtIn(3802).orElseThrow();
    private static final ValueType BYTEA = ValueType.builtIn(17).orElseThrow();
    private static final ValueType INT4_ARRAY = ValueType.builtIn(1007).orElseThrow();
    private static final ValueType TEXT_ARRAY = ValueType.builtIn(1009).orElseThrow();
    private static final ValueType FLOAT8_ARRAY = ValueType.builtIn(1022).orElseThrow();
    private static final ValueType JSONB_ARRAY = ValueType.builtIn(3807).orElseThrow();
    private static final ValueType TEXT = ValueType.builtIn(25).orElseThrow();

    private static String json(ValueType type, String text) {
        return JsonValues.toJsonText(type, text);
    }

    @Test
    void numbersKeepEveryDigit() {
        assertThat(json(INT8, "9223372036854775807")).isEqualTo("9223372036854775807");
        assertThat(json(NUMERIC, "12345678901234567890.123456789012345678900")).isEqualTo("12345678901234567890.123456789012345678900");
        assertThat(json(NUMERIC, "-0.00100")).isEqualTo("-0.00100");
        assertThat(json(FLOAT8, "1.5e+300")).isEqualTo("1.5e+300");
        assertThat(json(FLOAT8, "0.1")).isEqualTo("0.1");
        JsonNode exact = JsonValues.toJson(NUMERIC, "12345678901234567890.123450");
        assertThat(exact.decimalValue()).isEqualTo(new BigDecimal("12345678901234567890.123450"));
        assertThat(exact.decimalValue().scale()).isEqualTo(6);
    }

    @Test
    void specialNumbersAreStrings() {
        for (String special : new String[] {"NaN", "Infinity", "-Infinity"}) {
            assertThat(json(NUMERIC, special)).isEqualTo("\"" + special + "\"");
            assertThat(json(FLOAT8, special)).isEqualTo("\"" + special + "\"");
        }
        assertThat(json(FLOAT8_ARRAY, "{NaN,Infinity,-Infinity,1e+300}")).isEqualTo("[\"NaN\",\"Infinity\",\"-Infinity\",1e+300]");
    }

    @Test
    void nullIsNullWhateverTheType() {
        assertThat(json(INT8, null)).isEqualTo("null");
        assertThat(json(JSONB, null)).isEqualTo("null");
        // a JSON null inside jsonb prints the same at the top level: documented
        assertThat(json(JSONB, "null")).isEqualTo("null");
    }

    @Test
    void booleans() {
        assertThat(json(BOOL, "t")).isEqualTo("true");
        assertThat(json(BOOL, "f")).isEqualTo("false");
    }

    @Test
    void datesAndTimestampsBecomeIso8601() {
        assertThat(JsonValues.isoDate("2024-02-29")).isEqualTo("2024-02-29");
        assertThat(JsonValues.isoDate("0044-03-15 BC")).isEqualTo("-0043-03-15");
        assertThat(JsonValues.isoDate("0001-01-01 BC")).isEqualTo("0000-01-01");
        assertThat(JsonValues.isoDate("10000-01-01")).isEqualTo("+10000-01-01");
        assertThat(JsonValues.isoTimestamp("2024-02-29 13:45:00.123456")).isEqualTo("2024-02-29T13:45:00.123456");
        assertThat(JsonValues.isoTimestamptz("2024-02-29 13:45:00+01")).isEqualTo("2024-02-29T13:45:00+01:00");
        assertThat(JsonValues.isoTimestamptz("2024-02-29 13:45:00.5-03:30")).isEqualTo("2024-02-29T13:45:00.5-03:30");
        assertThat(JsonValues.isoTimestamptz("1900-01-01 00:00:00+00:19:32")).isEqualTo("1900-01-01T00:00:00+00:19:32");
        assertThat(JsonValues.isoTimestamptz("0044-03-15 12:19:32+00:19:32 BC")).isEqualTo("-0043-03-15T12:19:32+00:19:32");
        assertThat(JsonValues.isoTimetz("12:00:00+05")).isEqualTo("12:00:00+05:00");
        assertThat(JsonValues.isoTimetz("12:00:00-05:30")).isEqualTo("12:00:00-05:30");
        for (String infinity : new String[] {"infinity", "-infinity"}) {
            assertThat(json(DATE, infinity)).isEqualTo("\"" + infinity + "\"");
            assertThat(json(TIMESTAMP, infinity)).isEqualTo("\"" + infinity + "\"");
            assertThat(json(TIMESTAMPTZ, infinity)).isEqualTo("\"" + infinity + "\"");
        }
        assertThat(json(TIMETZ, "23:59:59.999999+14")).isEqualTo("\"23:59:59.999999+14:00\"");
    }

    @Test
    void isoDatesGoBackToWhatPostgresReads() {
        assertThat(JsonValues.postgresDateTime("2024-02-29T13:45:00+01:00")).isEqualTo("2024-02-29 13:45:00+01:00");
        assertThat(JsonValues.postgresDateTime("-0043-03-15")).isEqualTo("0044-03-15 BC");
        assertThat(JsonValues.postgresDateTime("0000-01-01T00:00:00")).isEqualTo("0001-01-01 00:00:00 BC");
        assertThat(JsonValues.postgresDateTime("+10000-01-01")).isEqualTo("10000-01-01");
        assertThat(JsonValues.postgresDateTime("-infinity")).isEqualTo("-infinity");
        assertThat(JsonValues.postgresDateTime("epoch")).isEqualTo("epoch");
        for (String text : new String[] {"0044-03-15 12:19:32+00:19:32 BC", "10000-01-01 00:00:00", "2024-02-29 13:45:00.5-03:30"}) {
            assertThat(JsonValues.postgresDateTime(JsonValues.isoTimestamptz(text))).isEqualTo(text);
        }
    }

    @Test
    void jsonIsNestedAndStaysOnOneLine() {
        assertThat(json(JSONB, "{\"a\": [1, 2.50, null], \"b\": \"x\\ny\"}")).isEqualTo("{\"a\": [1, 2.50, null], \"b\": \"x\\ny\"}");
        // json keeps the input's line breaks; JSON lines must not
        assertThat(json(JSON, "{\n  \"a\": 12345678901234567890.10,\n  \"b\": [true, false, null]\n}"))
                .isEqualTo("{\"a\":12345678901234567890.10,\"b\":[true,false,null]}");
        assertThat(json(JSON, " [1] ")).isEqualTo("[1]");
    }

    @Test
    void byteaIsBase64InBothOutputStyles() {
        assertThat(json(BYTEA, "\\x0102ff")).isEqualTo("\"AQL/\"");
        assertThat(json(BYTEA, "\\x")).isEqualTo("\"\"");
        // bytea_output = escape: printable bytes as is, \\ for a backslash, \ooo octal for the rest
        assertThat(JsonValues.bytea("a\\\\\\001\\377")).containsExactly('a', '\\', 1, 0xff);
    }

    @Test
    void arraysNestPerDimensionAndMapTheirElements() {
        assertThat(json(INT4_ARRAY, "{{1,2},{3,NULL}}")).isEqualTo("[[1,2],[3,null]]");
        assertThat(json(TEXT_ARRAY, "{\"a b\",NULL,\"NULL\",é日本🔑}")).isEqualTo("[\"a b\",null,\"NULL\",\"é日本🔑\"]");
        assertThat(json(JSONB_ARRAY, "{\"{\\\"a\\\": null}\",NULL}")).isEqualTo("[{\"a\": null},null]");
        assertThat(json(INT4_ARRAY, "[0:1]={7,8}")).isEqualTo("[7,8]");
        assertThat(json(INT4_ARRAY, "{}")).isEqualTo("[]");
    }

    @Test
    void textIsEscapedAsJson() {
        assertThat(json(TEXT, "a\"b\\c\n\u0001é🔑")).isEqualTo("\"a\\\"b\\\\c\\n\\u0001é🔑\"");
    }

    @Test
    void toTextReadsBackWhatWriteWrote() {
        String[][] cases = {
                {"numeric", "1700", "12345678901234567890.123450"},
                {"numeric", "1700", "NaN"},
                {"float8", "701", "0.1"},
                {"int8", "20", "-9223372036854775808"},
                {"bool", "16", "t"},
                {"bytea", "17", "\\x0001feff"},
                {"int4[]", "1007", "{{\"1\",\"2\"},{\"3\",NULL}}"},
                {"text[]", "1009", "{\"a \\\"b\\\"\",NULL,\"NULL\",\"\"}"},
                {"date", "1082", "0044-03-15 BC"},
                {"timestamptz", "1184", "2024-02-29 13:45:00+01:00"},
                {"interval", "1186", "P1Y2M3DT4H5M6.5S"},
        };
        for (String[] c : cases) {
            ValueType type = ValueType.builtIn(Integer.parseInt(c[1])).orElseThrow();
            JsonNode node = JsonValues.parseExact(JsonValues.toJsonText(type, c[2]));
            assertThat(JsonValues.toText(type, node)).as(c[0]).isEqualTo(c[2]);
        }
        assertThat(JsonValues.toText(FLOAT8, JsonValues.parseExact("1.5e+300"))).isEqualTo("1.5E+300");
        assertThat(JsonValues.toText(NUMERIC, JsonValues.parseExact("0.00000010"))).isEqualTo("0.00000010");
        assertThat(JsonValues.toText(BOOL, JsonValues.parseExact("false"))).isEqualTo("f");
        assertThat(JsonValues.toText(JSONB, JsonValues.parseExact("{\"a\":[1,2.50]}"))).isEqualTo("{\"a\":[1,2.50]}");
        assertThat(JsonValues.toText(JSONB, JsonValues.parseExact("null"))).isNull();
        // for jsonb[] a JSON array inside is a value, not a dimension
        assertThat(JsonValues.toText(JSONB_ARRAY, JsonValues.parseExact("[[1,2],{\"a\":1}]")))
                .isEqualTo("{\"[1,2]\",\"{\\\"a\\\":1}\"}");
    }

    @Test
    void toTextRefusesValuesOfTheWrongShape() {
        assertThatThrownBy(() -> JsonValues.toText(INT8, JsonValues.parseExact("{\"a\":1}")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("object").hasMessageContaining("int8");
        assertThatThrownBy(() -> JsonValues.toText(INT4_ARRAY, JsonValues.parseExact("1")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> JsonValues.toText(BYTEA, JsonValues.parseExact("\"not base64!\"")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("base64");
    }

    @Test
    void domainsMapAsTheirBaseTypeAndUnknownTypesAsText() {
        ValueType domain = new ValueType(Kind.NUMERIC, "money_amount", null, ',');
        assertThat(json(domain, "1.10")).isEqualTo("1.10");
        assertThat(json(ValueType.text("mood"), "happy")).isEqualTo("\"happy\"");
    }
}
