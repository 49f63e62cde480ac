package dev.pgbridge.pgtype;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgbridge.pgtype.PgType.Kind;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PgJsonTest {
    private static final PgType INT8 = PgType.builtIn(20).orElseThrow();
    private static final PgType NUMERIC = PgType.builtIn(1700).orElseThrow();
    private static final PgType FLOAT8 = PgType.builtIn(701).orElseThrow();
    private static final PgType BOOL = PgType.builtIn(16).orElseThrow();
    private static final PgType DATE = PgType.builtIn(1082).orElseThrow();
    private static final PgType TIMESTAMP = PgType.builtIn(1114).orElseThrow();
    private static final PgType TIMESTAMPTZ = PgType.builtIn(1184).orElseThrow();
    private static final PgType TIMETZ = PgType.builtIn(1266).orElseThrow();
    private static final PgType JSON = PgType.builtIn(114).orElseThrow();
    private static final PgType JSONB = PgType.builtIn(3802).orElseThrow();
    private static final PgType BYTEA = PgType.builtIn(17).orElseThrow();
    private static final PgType INT4_ARRAY = PgType.builtIn(1007).orElseThrow();
    private static final PgType TEXT_ARRAY = PgType.builtIn(1009).orElseThrow();
    private static final PgType FLOAT8_ARRAY = PgType.builtIn(1022).orElseThrow();
    private static final PgType JSONB_ARRAY = PgType.builtIn(3807).orElseThrow();
    private static final PgType TEXT = PgType.builtIn(25).orElseThrow();

    private static String json(PgType type, String text) {
        return PgJson.toJsonText(type, text);
    }

    @Test
    void numbersKeepEveryDigit() {
        assertThat(json(INT8, "9223372036854775807")).isEqualTo("9223372036854775807");
        assertThat(json(NUMERIC, "12345678901234567890.123456789012345678900")).isEqualTo("12345678901234567890.123456789012345678900");
        assertThat(json(NUMERIC, "-0.00100")).isEqualTo("-0.00100");
        assertThat(json(FLOAT8, "1.5e+300")).isEqualTo("1.5e+300");
        assertThat(json(FLOAT8, "0.1")).isEqualTo("0.1");
        JsonNode exact = PgJson.node(NUMERIC, "12345678901234567890.123450");
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
        assertThat(PgText.isoDateTime("2024-02-29", false)).isEqualTo("2024-02-29");
        assertThat(PgText.isoDateTime("0044-03-15 BC", false)).isEqualTo("-0043-03-15");
        assertThat(PgText.isoDateTime("0001-01-01 BC", false)).isEqualTo("0000-01-01");
        assertThat(PgText.isoDateTime("10000-01-01", false)).isEqualTo("+10000-01-01");
        assertThat(PgText.isoDateTime("2024-02-29 13:45:00.123456", false)).isEqualTo("2024-02-29T13:45:00.123456");
        assertThat(PgText.isoDateTime("2024-02-29 13:45:00+01", true)).isEqualTo("2024-02-29T13:45:00+01:00");
        assertThat(PgText.isoDateTime("2024-02-29 13:45:00.5-03:30", true)).isEqualTo("2024-02-29T13:45:00.5-03:30");
        assertThat(PgText.isoDateTime("1900-01-01 00:00:00+00:19:32", true)).isEqualTo("1900-01-01T00:00:00+00:19:32");
        assertThat(PgText.isoDateTime("0044-03-15 12:19:32+00:19:32 BC", true)).isEqualTo("-0043-03-15T12:19:32+00:19:32");
        assertThat(PgText.isoTimetz("12:00:00+05")).isEqualTo("12:00:00+05:00");
        assertThat(PgText.isoTimetz("12:00:00-05:30")).isEqualTo("12:00:00-05:30");
        for (String infinity : new String[] {"infinity", "-infinity"}) {
            assertThat(json(DATE, infinity)).isEqualTo("\"" + infinity + "\"");
            assertThat(json(TIMESTAMP, infinity)).isEqualTo("\"" + infinity + "\"");
            assertThat(json(TIMESTAMPTZ, infinity)).isEqualTo("\"" + infinity + "\"");
        }
        assertThat(json(TIMETZ, "23:59:59.999999+14")).isEqualTo("\"23:59:59.999999+14:00\"");
    }

    @Test
    void isoDatesGoBackToWhatPostgresReads() {
        assertThat(PgText.postgresDateTime("2024-02-29T13:45:00+01:00")).isEqualTo("2024-02-29 13:45:00+01:00");
        assertThat(PgText.postgresDateTime("-0043-03-15")).isEqualTo("0044-03-15 BC");
        assertThat(PgText.postgresDateTime("0000-01-01T00:00:00")).isEqualTo("0001-01-01 00:00:00 BC");
        assertThat(PgText.postgresDateTime("+10000-01-01")).isEqualTo("10000-01-01");
        assertThat(PgText.postgresDateTime("-infinity")).isEqualTo("-infinity");
        assertThat(PgText.postgresDateTime("epoch")).isEqualTo("epoch");
        for (String text : new String[] {"0044-03-15 12:19:32+00:19:32 BC", "10000-01-01 00:00:00", "2024-02-29 13:45:00.5-03:30"}) {
            assertThat(PgText.postgresDateTime(PgText.isoDateTime(text, true))).isEqualTo(text);
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
        assertThat(PgText.bytea("a\\\\\\001\\377")).containsExactly('a', '\\', 1, 0xff);
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
                {"int4[]", "1007", "{{1,2},{3,NULL}}"},
                {"text[]", "1009", "{\"a \\\"b\\\"\",NULL,\"NULL\",\"\"}"},
                {"date", "1082", "0044-03-15 BC"},
                {"timestamptz", "1184", "2024-02-29 13:45:00+01:00"},
                {"interval", "1186", "P1Y2M3DT4H5M6.5S"},
        };
        for (String[] c : cases) {
            PgType type = PgType.builtIn(Integer.parseInt(c[1])).orElseThrow();
            JsonNode node = PgJson.parseExact(PgJson.toJsonText(type, c[2]));
            assertThat(PgJson.toText(type, node)).as(c[0]).isEqualTo(c[2]);
        }
        assertThat(PgJson.toText(FLOAT8, PgJson.parseExact("1.5e+300"))).isEqualTo("1.5E+300");
        assertThat(PgJson.toText(NUMERIC, PgJson.parseExact("0.00000010"))).isEqualTo("0.00000010");
        assertThat(PgJson.toText(BOOL, PgJson.parseExact("false"))).isEqualTo("f");
        assertThat(PgJson.toText(JSONB, PgJson.parseExact("{\"a\":[1,2.50]}"))).isEqualTo("{\"a\":[1,2.50]}");
        assertThat(PgJson.toText(JSONB, PgJson.parseExact("null"))).isNull();
        // for jsonb[] a JSON array inside is a value, not a dimension
        assertThat(PgJson.toText(JSONB_ARRAY, PgJson.parseExact("[[1,2],{\"a\":1}]")))
                .isEqualTo("{\"[1,2]\",\"{\\\"a\\\":1}\"}");
    }

    @Test
    void toTextRefusesValuesOfTheWrongShape() {
        assertThatThrownBy(() -> PgJson.toText(INT8, PgJson.parseExact("{\"a\":1}")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("object").hasMessageContaining("int8");
        assertThatThrownBy(() -> PgJson.toText(INT4_ARRAY, PgJson.parseExact("1")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PgJson.toText(BYTEA, PgJson.parseExact("\"not base64!\"")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("base64");
    }

    @Test
    void domainsMapAsTheirBaseTypeAndUnknownTypesAsText() {
        PgType domain = new PgType(0, "money_amount", Kind.NUMERIC, null, ',');
        assertThat(json(domain, "1.10")).isEqualTo("1.10");
        assertThat(json(PgType.text(0, "mood"), "happy")).isEqualTo("\"happy\"");
    }
}
