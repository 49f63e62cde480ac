package dev.pgbridge.cdc.event;

import dev.pgbridge.cdc.event.PgType.Kind;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PgTextValuesTest {
    private static String json(String typeName, String text) {
        PgType type = switch (typeName) {
            case "int4" -> PgType.builtIn(23).orElseThrow();
            case "int8" -> PgType.builtIn(20).orElseThrow();
            case "numeric" -> PgType.builtIn(1700).orElseThrow();
            case "float4" -> PgType.builtIn(700).orElseThrow();
            case "float8" -> PgType.builtIn(701).orElseThrow();
            case "bool" -> PgType.builtIn(16).orElseThrow();
            case "jsonb" -> PgType.builtIn(3802).orElseThrow();
            case "json" -> PgType.builtIn(114).orElseThrow();
            case "bytea" -> PgType.builtIn(17).orElseThrow();
            case "date" -> PgType.builtIn(1082).orElseThrow();
            case "time" -> PgType.builtIn(1083).orElseThrow();
            case "timetz" -> PgType.builtIn(1266).orElseThrow();
            case "timestamp" -> PgType.builtIn(1114).orElseThrow();
            case "timestamptz" -> PgType.builtIn(1184).orElseThrow();
            case "interval" -> PgType.builtIn(1186).orElseThrow();
            case "uuid" -> PgType.builtIn(2950).orElseThrow();
            case "inet" -> PgType.builtIn(869).orElseThrow();
            case "text" -> PgType.builtIn(25).orElseThrow();
            case "_int4" -> PgType.builtIn(1007).orElseThrow();
            case "_text" -> PgType.builtIn(1009).orElseThrow();
            case "_numeric" -> PgType.builtIn(1231).orElseThrow();
            case "_jsonb" -> PgType.builtIn(3807).orElseThrow();
            case "_bytea" -> PgType.builtIn(1001).orElseThrow();
            case "_timestamptz" -> PgType.builtIn(1185).orElseThrow();
            case "enum" -> PgType.scalar(16500, "mood", Kind.TEXT);
            default -> throw new IllegalArgumentException(typeName);
        };
        return EventJson.write(PgTextValues.toJson(type, text));
    }

    @Test
    void integersAndNumericsKeepTheirExactDigits() {
        assertThat(json("int4", "-2147483648")).isEqualTo("-2147483648");
        assertThat(json("int8", "9223372036854775807")).isEqualTo("9223372036854775807");
        assertThat(json("numeric", "12345678901234567890.123456789012345678901"))
                .isEqualTo("12345678901234567890.123456789012345678901");
        assertThat(json("numeric", "1.50")).isEqualTo("1.50");
        assertThat(json("numeric", "0.00000001")).isEqualTo("0.00000001");
        assertThat(json("numeric", "1000")).isEqualTo("1000");
        assertThat(json("numeric", "-0.5")).isEqualTo("-0.5");
    }

    @Test
    void specialNumbersAreStrings() {
        assertThat(json("numeric", "NaN")).isEqualTo("\"NaN\"");
        assertThat(json("numeric", "Infinity")).isEqualTo("\"Infinity\"");
        assertThat(json("numeric", "-Infinity")).isEqualTo("\"-Infinity\"");
        assertThat(json("float8", "NaN")).isEqualTo("\"NaN\"");
        assertThat(json("float4", "-Infinity")).isEqualTo("\"-Infinity\"");
        assertThat(json("float8", "Infinity")).isEqualTo("\"Infinity\"");
    }

    @Test
    void floatsAreNumbers() {
        assertThat(json("float8", "1.5")).isEqualTo("1.5");
        assertThat(json("float8", "0.1")).isEqualTo("0.1");
        assertThat(json("float4", "1.1")).isEqualTo("1.1");
        assertThat(json("float8", "1e+300")).isEqualTo("1.0E300");
        assertThat(json("float8", "-0")).isEqualTo("-0.0");
    }

    @Test
    void booleans() {
        assertThat(json("bool", "t")).isEqualTo("true");
        assertThat(json("bool", "f")).isEqualTo("false");
        assertThatThrownBy(() -> json("bool", "yes")).hasMessageContaining("not a boolean");
    }

    @Test
    void jsonIsNested() {
        assertThat(json("jsonb", "{\"a\": [1, 2.50, null], \"é日本🔑\": {\"b\": true}}"))
                .isEqualTo("{\"a\":[1,2.50,null],\"é日本🔑\":{\"b\":true}}");
        assertThat(json("json", "null")).isEqualTo("null");
        assertThat(json("json", "\"s\"")).isEqualTo("\"s\"");
        assertThat(json("jsonb", "123456789012345678901234567890")).isEqualTo("123456789012345678901234567890");
    }

    @Test
    void byteaIsBase64() {
        assertThat(json("bytea", "\\x00ff10")).isEqualTo("\"AP8Q\"");
        assertThat(json("bytea", "\\x")).isEqualTo("\"\"");
        // escape format: "a", 0x00, "\"
        assertThat(json("bytea", "a\\000\\\\")).isEqualTo("\"YQBc\"");
    }

    @Test
    void datesAndTimestampsAreIso8601() {
        assertThat(json("date", "2024-01-31")).isEqualTo("\"2024-01-31\"");
        assertThat(json("date", "0044-03-15 BC")).isEqualTo("\"-0043-03-15\"");
        assertThat(json("date", "0001-01-01 BC")).isEqualTo("\"0000-01-01\"");
        assertThat(json("date", "infinity")).isEqualTo("\"infinity\"");
        assertThat(json("date", "-infinity")).isEqualTo("\"-infinity\"");
        assertThat(json("timestamp", "2024-01-31 13:45:00.123456")).isEqualTo("\"2024-01-31T13:45:00.123456\"");
        assertThat(json("timestamp", "-infinity")).isEqualTo("\"-infinity\"");
        assertThat(json("timestamptz", "2024-01-31 13:45:00+01")).isEqualTo("\"2024-01-31T13:45:00+01:00\"");
        assertThat(json("timestamptz", "2024-01-31 13:45:00.5-03:30")).isEqualTo("\"2024-01-31T13:45:00.5-03:30\"");
        assertThat(json("timestamptz", "1850-01-01 00:00:00+00:01:15")).isEqualTo("\"1850-01-01T00:00:00+00:01:15\"");
        assertThat(json("timestamptz", "0010-06-01 12:00:00+00 BC")).isEqualTo("\"-0009-06-01T12:00:00+00:00\"");
        assertThat(json("timestamptz", "infinity")).isEqualTo("\"infinity\"");
        assertThat(json("time", "13:45:00.5")).isEqualTo("\"13:45:00.5\"");
        assertThat(json("timetz", "13:45:00+05:30")).isEqualTo("\"13:45:00+05:30\"");
        assertThat(json("timetz", "13:45:00-08")).isEqualTo("\"13:45:00-08:00\"");
    }

    @Test
    void intervalsAreIso8601Durations() {
        assertThat(json("interval", "1 year 2 mons 3 days 04:05:06.5")).isEqualTo("\"P1Y2M3DT4H5M6.5S\"");
        assertThat(json("interval", "00:00:00")).isEqualTo("\"PT0S\"");
        assertThat(json("interval", "-1 days +02:00:00")).isEqualTo("\"P-1DT2H\"");
        assertThat(json("interval", "-1 years -2 mons +3 days -04:05:06")).isEqualTo("\"P-1Y-2M3DT-4H-5M-6S\"");
        assertThat(json("interval", "10 days")).isEqualTo("\"P10D\"");
        assertThat(json("interval", "100:00:00.000001")).isEqualTo("\"PT100H0.000001S\"");
        assertThat(json("interval", "P1Y2M")).isEqualTo("\"P1Y2M\"");
    }

    @Test
    void arraysOfAnyDimension() {
        assertThat(json("_int4", "{1,2,NULL}")).isEqualTo("[1,2,null]");
        assertThat(json("_int4", "{{1,2},{3,4}}")).isEqualTo("[[1,2],[3,4]]");
        assertThat(json("_int4", "{{{1},{2}},{{3},{4}}}")).isEqualTo("[[[1],[2]],[[3],[4]]]");
        assertThat(json("_int4", "{}")).isEqualTo("[]");
        assertThat(json("_int4", "[0:1]={7,8}")).isEqualTo("[7,8]");
        assertThat(json("_text", "{\"a b\",\"c\\\"d\",\"NULL\",NULL,é日本🔑,\"x,y\",\"{}\",\"back\\\\slash\"}"))
                .isEqualTo("[\"a b\",\"c\\\"d\",\"NULL\",null,\"é日本🔑\",\"x,y\",\"{}\",\"back\\\\slash\"]");
        assertThat(json("_numeric", "{1.50,NaN}")).isEqualTo("[1.50,\"NaN\"]");
        assertThat(json("_jsonb", "{\"{\\\"a\\\": 1}\",\"[1, 2]\"}")).isEqualTo("[{\"a\":1},[1,2]]");
        assertThat(json("_bytea", "{\"\\\\x00ff\"}")).isEqualTo("[\"AP8=\"]");
        assertThat(json("_timestamptz", "{\"2024-01-31 13:45:00+00\",infinity}"))
                .isEqualTo("[\"2024-01-31T13:45:00+00:00\",\"infinity\"]");
        assertThatThrownBy(() -> json("_int4", "{1,2")).hasMessageContaining("array ends early");
    }

    @Test
    void textLikeTypesAreStrings() {
        assertThat(json("uuid", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")).isEqualTo("\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\"");
        assertThat(json("inet", "192.168.0.1/24")).isEqualTo("\"192.168.0.1/24\"");
        assertThat(json("enum", "happy")).isEqualTo("\"happy\"");
        assertThat(json("text", "é日本🔑 \"q\"")).isEqualTo("\"é日本🔑 \\\"q\\\"\"");
        assertThat(json("text", null)).isEqualTo("null");
    }
}
