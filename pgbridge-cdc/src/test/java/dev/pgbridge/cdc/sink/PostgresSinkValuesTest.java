package dev.pgbridge.cdc.sink;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgbridge.cdc.event.EventJson;
import dev.pgbridge.pgtype.PgJson;
import dev.pgbridge.pgtype.PgType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The PostgreSQL sink's way back from event JSON to input text, checked against the way there. */
class PostgresSinkValuesTest {
    private static PgType type(int oid) {
        return PgType.builtIn(oid).orElseThrow();
    }

    /** The source's text → event JSON → the text the sink binds. */
    private static String roundTrip(int oid, String text) {
        PgType type = type(oid);
        JsonNode json = PgJson.node(type, text);
        String direct = PgJson.toText(type, json);
        // the same event read back from its JSON (a consumer's tree) gives text for the same value
        try {
            assertThat(PgJson.toText(type, EventJson.MAPPER.readTree(EventJson.write(json)))).isNotNull();
        }
        catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new AssertionError(e);
        }
        return direct;
    }

    @Test
    void numbersKeepEveryDigitAndTheirScale() {
        assertThat(roundTrip(1700, "1.50")).isEqualTo("1.50");
        assertThat(roundTrip(1700, "123456789012345678901234567890.000000000000000000001"))
                .isEqualTo("123456789012345678901234567890.000000000000000000001");
        assertThat(roundTrip(1700, "0.0000001")).isEqualTo("0.0000001");
        assertThat(roundTrip(1700, "NaN")).isEqualTo("NaN");
        assertThat(roundTrip(1700, "-Infinity")).isEqualTo("-Infinity");
        assertThat(roundTrip(20, "-9223372036854775808")).isEqualTo("-9223372036854775808");
        assertThat(Double.parseDouble(roundTrip(701, "1.2345678901234567e+300"))).isEqualTo(1.2345678901234567e+300);
        assertThat(roundTrip(701, "Infinity")).isEqualTo("Infinity");
        assertThat(roundTrip(16, "t")).isEqualTo("t");
    }

    @Test
    void byteaGoesBackFromBase64ToHex() {
        assertThat(roundTrip(17, "\\x00ff10")).isEqualTo("\\x00ff10");
        assertThat(roundTrip(17, "\\x")).isEqualTo("\\x");
    }

    @Test
    void bcDatesAndTimestampsGoBackToPostgresNotation() {
        assertThat(roundTrip(1082, "0044-03-15 BC")).isEqualTo("0044-03-15 BC");
        assertThat(roundTrip(1082, "0001-01-01 BC")).isEqualTo("0001-01-01 BC");
        assertThat(roundTrip(1082, "2024-01-31")).isEqualTo("2024-01-31");
        assertThat(roundTrip(1082, "infinity")).isEqualTo("infinity");
        assertThat(roundTrip(1082, "-infinity")).isEqualTo("-infinity");
        assertThat(roundTrip(1184, "0044-03-15 12:00:00+00:01:15 BC")).isEqualTo("0044-03-15 12:00:00+00:01:15 BC");
        assertThat(roundTrip(1184, "2024-01-31 13:45:00.5+01")).isEqualTo("2024-01-31 13:45:00.5+01:00");
        assertThat(roundTrip(1114, "0010-01-01 00:00:00 BC")).isEqualTo("0010-01-01 00:00:00 BC");
    }

    @Test
    void intervalsStayIso8601() {
        assertThat(roundTrip(1186, "1 year 2 mons -3 days -04:05:06.5")).isEqualTo("P1Y2M-3DT-4H-5M-6.5S");
    }

    @Test
    void arraysBecomeLiterals() {
        assertThat(roundTrip(1007, "{{1,2},{3,NULL}}")).isEqualTo("{{1,2},{3,NULL}}");
        assertThat(roundTrip(1009, "{\"a \\\"b\\\"\",\"c\\\\d\",NULL,\"NULL\",é日本🔑}"))
                .isEqualTo("{\"a \\\"b\\\"\",\"c\\\\d\",NULL,\"NULL\",\"é日本🔑\"}");
        assertThat(roundTrip(1001, "{\"\\\\x00ff\",NULL}")).isEqualTo("{\"\\\\x00ff\",NULL}");
        assertThat(roundTrip(1009, "{}")).isEqualTo("{}");
        // jsonb[]: an element that is a JSON array stays one element
        assertThat(roundTrip(3807, "{\"[1, 2]\",\"{\\\"k\\\": null}\"}")).isEqualTo("{\"[1,2]\",\"{\\\"k\\\":null}\"}");
    }

    @Test
    void jsonDocumentsAreWrittenBackAsJsonText() {
        assertThat(roundTrip(3802, "{\"k\": [1, null, 1.50, \"é\"]}")).isEqualTo("{\"k\": [1, null, 1.50, \"é\"]}");
        assertThat(roundTrip(3802, "\"just a string\"")).isEqualTo("\"just a string\"");
        assertThat(PgJson.toText(type(3802), EventJson.MAPPER.nullNode())).isNull();
    }

    @Test
    void aValueOfAnotherShapeThanTheColumnTypeGoesAsItsText() {
        PgType text = type(25);
        assertThat(PgJson.toText(text, EventJson.MAPPER.valueToTree(42))).isEqualTo("42");
        assertThat(PgJson.toText(text, EventJson.MAPPER.createObjectNode().put("a", 1))).isEqualTo("{\"a\":1}");
        assertThat(PgJson.toText(text, null)).isNull();
    }
}
