package dev.pgbridge.copy;

import com.fasterxml.jackson.core.JsonParser;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LoadTypeInferenceTest {
    /** The type inferred for one CSV column holding these values (null for NULL). */
    private static String csv(String... values) {
        LoadTypeInference inference = LoadTypeInference.forCsv(List.of("c"));
        for (String v : values) {
            inference.csvValue(0, v);
        }
        return inference.columns(180000).getFirst().type();
    }

    /** The type inferred for one JSON key holding these values (JSON texts). */
    private static String json(String... values) throws IOException {
        LoadTypeInference inference = LoadTypeInference.forJson();
        for (String v : values) {
            try (JsonParser p = JsonLinesRecordReader.FACTORY.createParser("{\"c\": " + v + "}")) {
                p.nextToken();
                p.nextToken();
                p.nextToken();
                inference.jsonValue(inference.column("c"), p);
            }
        }
        return inference.columns(180000).getFirst().type();
    }

    @Test
    void csvPicksTheNarrowestTypeThatHoldsEveryValue() {
        assertThat(csv("1", "-42", null)).isEqualTo("bigint");
        assertThat(csv("1", "2.5")).isEqualTo("numeric");
        assertThat(csv("1", "99999999999999999999")).isEqualTo("numeric");
        assertThat(csv("1.5", "NaN", "Infinity")).isEqualTo("numeric");
        assertThat(csv("t", "false", "TRUE")).isEqualTo("boolean");
        assertThat(csv("2024-01-02", "infinity")).isEqualTo("date");
        assertThat(csv("2024-01-02 03:04:05", "2024-01-02T03:04:05.123")).isEqualTo("timestamp");
        assertThat(csv("2024-01-02 03:04:05+00", "2024-01-02T03:04:05.5Z", "2024-01-02T03:04:05-05:30")).isEqualTo("timestamptz");
        assertThat(csv("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")).isEqualTo("uuid");
        assertThat(csv("P1Y2M", "PT5.5S", "-P1D")).isEqualTo("interval");
        assertThat(csv("{\"a\": 1}", "[1, 2]")).isEqualTo("jsonb");
        assertThat(csv("hello")).isEqualTo("text");
    }

    @Test
    void csvNeverPicksATypeThatWouldChangeAValue() {
        assertThat(csv("007", "1")).as("leading zeros").isEqualTo("text");
        assertThat(csv("1", "")).as("the empty string").isEqualTo("text");
        assertThat(csv("2024-01-02", "2024-01-02 03:04:05")).as("dates and timestamps").isEqualTo("text");
        assertThat(csv("2024-01-02 03:04:05", "2024-01-02 03:04:05+02")).as("with and without offset").isEqualTo("text");
        assertThat(csv("2024-02-30")).as("no such day").isEqualTo("text");
        assertThat(csv("{1,2}")).as("an array literal is not JSON").isEqualTo("text");
        assertThat(csv("+5")).isEqualTo("text");
        assertThat(csv((String) null)).as("only NULLs").isEqualTo("text");
        assertThat(csv()).as("no rows").isEqualTo("text");
    }

    @Test
    void numericWithInfinityIsDoublePrecisionBeforePostgres14() {
        LoadTypeInference inference = LoadTypeInference.forCsv(List.of("c"));
        inference.csvValue(0, "1.5");
        inference.csvValue(0, "-Infinity");
        assertThat(inference.columns(130000).getFirst().type()).isEqualTo("double precision");
        assertThat(inference.columns(140000).getFirst().type()).isEqualTo("numeric");
    }

    @Test
    void jsonStringsStayTextUnlessTheyHaveADateTimeUuidOrIntervalForm() throws IOException {
        assertThat(json("\"42\"")).isEqualTo("text");
        assertThat(json("\"2024-01-02\"", "\"-infinity\"")).isEqualTo("date");
        assertThat(json("\"2024-01-02T03:04:05.123456+05:30\"")).isEqualTo("timestamptz");
        assertThat(json("\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\"")).isEqualTo("uuid");
        assertThat(json("\"t\"")).isEqualTo("text");
    }

    @Test
    void jsonNumbersBooleansAndStructures() throws IOException {
        assertThat(json("1", "2", "null")).isEqualTo("bigint");
        assertThat(json("1", "2.0")).isEqualTo("numeric");
        assertThat(json("1", "\"NaN\"", "\"-Infinity\"")).isEqualTo("numeric");
        assertThat(json("12345678901234567890123")).isEqualTo("numeric");
        assertThat(json("true", "false")).isEqualTo("boolean");
        assertThat(json("{\"a\": [1, {\"b\": null}]}", "[1, 2]")).isEqualTo("jsonb");
        assertThat(json("1", "\"one\"")).as("different JSON kinds").isEqualTo("jsonb");
        assertThat(json("\"x\"", "{\"a\": 1}")).isEqualTo("jsonb");
    }

    @Test
    void jsonColumnsComeInFirstSeenKeyOrder() throws IOException {
        LoadTypeInference inference = LoadTypeInference.forJson();
        for (String line : List.of("{\"b\": 1, \"a\": \"x\"}", "{\"c\": true, \"a\": \"y\"}")) {
            try (JsonParser p = JsonLinesRecordReader.FACTORY.createParser(line)) {
                p.nextToken();
                while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    p.nextToken();
                    inference.jsonValue(inference.column(key), p);
                }
            }
        }
        assertThat(inference.columns(180000)).containsExactly(
                new TableCreator.Column("b", "bigint", false),
                new TableCreator.Column("a", "text", false),
                new TableCreator.Column("c", "boolean", false));
        assertThat(Arrays.asList(inference.names().toArray())).containsExactly("b", "a", "c");
    }
}
