package dev.pgbridge.pgtype;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * PostgreSQL text → JSON through each of the three writers — a Jackson generator (query, export), raw bytes (capture
 * events), a tree node written by Jackson (spilled and re-read events) — which must give the same bytes.
 */
class PgJsonWritersTest {
    private static final ObjectMapper MAPPER = JsonMapper.builder(PgJson.newFactory())
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN).build();
    private static final Map<String, Integer> OIDS = Map.ofEntries(Map.entry("int4", 23), Map.entry("int8", 20),
            Map.entry("numeric", 1700), Map.entry("float4", 700), Map.entry("float8", 701), Map.entry("bool", 16),
            Map.entry("jsonb", 3802), Map.entry("json", 114), Map.entry("bytea", 17), Map.entry("date", 1082),
            Map.entry("timestamp", 1114), Map.entry("timestamptz", 1184), Map.entry("time", 1083),
            Map.entry("timetz", 1266), Map.entry("interval", 1186), Map.entry("uuid", 2950), Map.entry("inet", 869),
            Map.entry("text", 25), Map.entry("_int4", 1007), Map.entry("_text", 1009), Map.entry("_numeric", 1231),
            Map.entry("_jsonb", 3807), Map.entry("_bytea", 1001), Map.entry("_timestamptz", 1185),
            Map.entry("_float8", 1022));

    /** The JSON of {@code text}, after checking that all three writers agree on its bytes. */
    private static String json(String typeName, String text) {
        PgType type = typeName.equals("enum") ? PgType.text(16500, "mood")
                : PgType.builtIn(OIDS.get(typeName)).orElseThrow();
        String generator = PgJson.toJsonText(type, text);
        JsonBytes bytes = new JsonBytes();
        PgJson.write(bytes, type, text);
        assertThat(new String(bytes.toByteArray(), StandardCharsets.UTF_8)).as("bytes of %s", typeName).isEqualTo(generator);
        try {
            assertThat(MAPPER.writeValueAsString(PgJson.node(type, text))).as("node of %s", typeName).isEqualTo(generator);
        }
        catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new AssertionError(e);
        }
        return generator;
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
        assertThat(json("float8", "1e+300")).isEqualTo("1e+300");
        assertThat(json("float8", "1.2345678901234567e-300")).isEqualTo("1.2345678901234567e-300");
        assertThat(json("float4", "3.4028235e+38")).isEqualTo("3.4028235e+38");
        assertThat(json("float8", "-0")).isEqualTo("-0");
        assertThat(json("_float8", "{-0,1e+300,NaN}")).isEqualTo("[-0,1e+300,\"NaN\"]");
    }

    @Test
    void booleans() {
        assertThat(json("bool", "t")).isEqualTo("true");
        assertThat(json("bool", "f")).isEqualTo("false");
        assertThatThrownBy(() -> json("bool", "yes")).hasMessageContaining("not a PostgreSQL boolean");
    }

    @Test
    void jsonIsNested() {
        assertThat(json("jsonb", "{\"a\": [1, 2.50, null], \"é日本🔑\": {\"b\": true}}"))
                .isEqualTo("{\"a\": [1, 2.50, null], \"é日本🔑\": {\"b\": true}}");
        // json keeps duplicate keys and spaces, as stored
        assertThat(json("json", "{\"a\":1,  \"a\": 2}")).isEqualTo("{\"a\":1,  \"a\": 2}");
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
        assertThat(json("_jsonb", "{\"{\\\"a\\\": 1}\",\"[1, 2]\"}")).isEqualTo("[{\"a\": 1},[1, 2]]");
        assertThat(json("_bytea", "{\"\\\\x00ff\"}")).isEqualTo("[\"AP8=\"]");
        assertThat(json("_timestamptz", "{\"2024-01-31 13:45:00+00\",infinity}"))
                .isEqualTo("[\"2024-01-31T13:45:00+00:00\",\"infinity\"]");
        assertThatThrownBy(() -> json("_int4", "{1,2")).hasMessageContaining("malformed array literal");
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
