package dev.pgbridge.connection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/**
 * Every case of {@code airflow_connection_vectors.json} (in the test resources; taken from Airflow's own tests and docs) as
 * one test. Where Airflow 2 and 3 differ, pgbridge follows Airflow 3; the cases written for Airflow 2 assert what
 * Airflow 3 does instead, and say so in their name.
 */
class AirflowConnectionVectorsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Beside this class in the test resources, with a README naming each case's source. */
    private static final String VECTORS = "airflow_connection_vectors.json";

    @TestFactory
    Stream<DynamicTest> airflowConnectionVectors() throws IOException {
        List<JsonNode> cases = loadVectors();
        assertThat(cases).hasSize(73);
        return IntStream.range(0, cases.size()).mapToObj(i -> {
            JsonNode c = cases.get(i);
            return DynamicTest.dynamicTest(name(i, c), () -> run(c));
        });
    }

    static List<JsonNode> loadVectors() throws IOException {
        List<JsonNode> cases = new ArrayList<>();
        try (InputStream in = AirflowConnectionVectorsTest.class.getResourceAsStream(VECTORS)) {
            if (in == null) {
                fail("the Airflow connection vectors are missing from the test class path: "
                        + "pgbridge-core/src/test/resources/dev/pgbridge/connection/" + VECTORS);
            }
            JSON.readTree(in).forEach(cases::add);
        }
        return cases;
    }

    private static String name(int index, JsonNode c) {
        JsonNode source = c.get("source");
        String what = source.hasNonNull("description") ? source.get("description").asText()
                : source.hasNonNull("test") ? source.get("test").asText()
                : source.hasNonNull("section") ? source.get("section").asText() : "";
        String name = "#" + index + " " + c.get("direction").asText() + " " + what + " [" + c.get("applies_to").asText()
                + "]";
        if (airflow2Only(c)) {
            name += " -> asserts Airflow 3 behaviour: rejected";
        }
        return name;
    }

    /**
     * Cases whose expectation holds for Airflow 2 only. Airflow 3's {@code Connection._validate_extra} raises
     * ValueError when extra is not JSON or not a JSON object (in 2.x it was a DeprecationWarning), so for these
     * inputs pgbridge, following Airflow 3, must reject the input.
     */
    private static boolean airflow2Only(JsonNode c) {
        return c.get("applies_to").asText().equals("Airflow 2.x only")
                || (c.hasNonNull("notes") && c.get("notes").asText().contains("Airflow 3 rejects"));
    }

    private static void run(JsonNode c) throws IOException {
        switch (c.get("direction").asText()) {
            case "uri->fields" -> uriToFields(c);
            case "fields->uri" -> fieldsToUri(c);
            case "json->fields" -> jsonToFields(c);
            case "fields->json" -> fieldsToJson(c);
            default -> fail("unknown direction " + c.get("direction"));
        }
    }

    private static void uriToFields(JsonNode c) {
        String uri = c.get("uri").asText();
        JsonNode expected = c.get("expected");
        if (expected.has("error") || airflow2Only(c)) {
            assertThatThrownBy(() -> AirflowUri.parse(uri))
                    .isInstanceOfSatisfying(PgBridgeException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_URI));
            return;
        }
        ConnectionConfig parsed = AirflowUri.parse(uri);
        assertFields(parsed, expected, assertedFields(c));
        // Airflow's tests also round-trip these: parse -> get_uri -> parse gives the same connection.
        assertThat(AirflowUri.parse(AirflowUri.build(parsed))).isEqualTo(parsed);
    }

    private static void fieldsToUri(JsonNode c) {
        JsonNode expected = c.get("expected");
        ConnectionConfig fields = config(expected);
        String built = AirflowUri.build(fields);
        String vectorUri = c.get("uri").asText();
        if (c.get("applies_to").asText().startsWith("docs example (Airflow 2.x get_uri shape)")) {
            // Airflow 3's get_uri writes "/?" before the query when there is no schema; the docs show Airflow 2's
            // "host?query". Both shapes must read back as the same connection.
            assertThat(built).isEqualTo("mysql://myname:mypassword@myhost.com/?this_param=some+val"
                    + "&that_param=other+val%2A");
            assertThat(AirflowUri.parse(built)).isEqualTo(AirflowUri.parse(vectorUri));
        }
        else {
            assertThat(built).isEqualTo(vectorUri);
        }
        ConnectionConfig reparsed = AirflowUri.parse(built);
        if (fieldNames(expected).isEmpty()) {
            // Connection().get_uri() is "//": reading it back gives empty text fields and nothing else.
            assertThat(List.of(reparsed.connType(), reparsed.host(), reparsed.database())).containsOnly("");
            assertThat(reparsed.login()).isNull();
            assertThat(reparsed.password()).isNull();
            assertThat(reparsed.port()).isNull();
            assertThat(reparsed.extra()).isNull();
        }
        else {
            assertFields(reparsed, expected, fieldNames(expected));
        }
    }

    private static void jsonToFields(JsonNode c) {
        String json = c.get("json").asText();
        JsonNode expected = c.get("expected");
        if (airflow2Only(c)) {
            assertThatThrownBy(() -> AirflowJson.parse(json))
                    .isInstanceOfSatisfying(PgBridgeException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_URI));
            return;
        }
        ConnectionConfig parsed = AirflowJson.parse(json);
        for (String field : fieldNames(expected)) {
            JsonNode want = expected.get(field);
            switch (field) {
                case "extra" -> {
                    // Airflow compares the extra text (json.dumps of an object, or the string as given).
                    if (want.isNull()) {
                        assertThat(parsed.extra()).isNull();
                    }
                    else {
                        assertThat(parsed.extra()).isEqualTo(want.asText());
                    }
                }
                default -> assertField(parsed, field, want);
            }
        }
    }

    private static void fieldsToJson(JsonNode c) throws IOException {
        JsonNode expected = c.get("expected");
        ConnectionConfig fields = expected.has("uri")
                ? AirflowUri.parse(expected.get("uri").asText())
                : config(expected);
        String built = AirflowJson.build(fields);
        // as_json() output is compared as JSON, as Airflow's test compares dicts.
        assertThat(JSON.readTree(built)).isEqualTo(JSON.readTree(c.get("json").asText()));
    }

    private static List<String> assertedFields(JsonNode c) {
        if (!c.hasNonNull("asserted_fields")) {
            return new ArrayList<>(fieldNames(c.get("expected")));
        }
        List<String> fields = new ArrayList<>();
        c.get("asserted_fields").forEach(f -> fields.add(f.asText()));
        return fields;
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static void assertFields(ConnectionConfig got, JsonNode expected, List<String> fields) {
        assertThat(fields).isNotEmpty();
        for (String field : fields) {
            if (field.equals("extra(extra_dejson)")) {
                JsonNode want = expected.get("extra");
                Map<String, Object> dejson = got.extra() == null ? new LinkedHashMap<>()
                        : PythonJson.objectOrNull(got.extra());
                Object wantValue = want == null || want.isNull() ? Map.of() : JSON.convertValue(want, Object.class);
                assertThat((Object) dejson).as("extra_dejson").isEqualTo(wantValue);
            }
            else if (field.equals("extra")) {
                JsonNode want = expected.get("extra");
                if (want == null || want.isNull()) {
                    assertThat(got.extra()).as("extra").isNull();
                }
                else if (want.isTextual()) {
                    assertThat(got.extra()).as("extra").isEqualTo(want.asText());
                }
                else {
                    assertThat(PythonJson.loads(got.extra())).as("extra")
                            .isEqualTo(JSON.convertValue(want, Object.class));
                }
            }
            else {
                assertField(got, field, expected.get(field));
            }
        }
    }

    private static void assertField(ConnectionConfig got, String field, JsonNode want) {
        String wantText = want == null || want.isNull() ? null : want.asText();
        switch (field) {
            case "conn_type" -> assertThat(got.connType()).as(field).isEqualTo(wantText);
            case "host" -> assertThat(got.host()).as(field).isEqualTo(wantText);
            case "schema" -> assertThat(got.database()).as(field).isEqualTo(wantText);
            case "login" -> assertThat(got.login()).as(field).isEqualTo(wantText);
            case "password" -> assertThat(got.password() == null ? null : got.password().reveal()).as(field)
                    .isEqualTo(wantText);
            case "port" -> assertThat(got.singlePort()).as(field)
                    .isEqualTo(want == null || want.isNull() ? null : want.asInt());
            case "description" -> assertThat(got.description()).as(field).isEqualTo(wantText);
            case "extra" -> {
                if (wantText == null) {
                    assertThat(got.extra()).as(field).isNull();
                }
                else {
                    assertThat(PythonJson.loads(got.extra())).as(field)
                            .isEqualTo(JSON.convertValue(want, Object.class));
                }
            }
            default -> fail("unknown field " + field);
        }
    }

    /** A connection with exactly the given Airflow fields (absent ones stay null, including conn_type). */
    private static ConnectionConfig config(JsonNode fields) {
        JsonNode port = fields.get("port");
        JsonNode extra = fields.get("extra");
        return ConnectionConfig.builder()
                .connType(text(fields, "conn_type"))
                .description(text(fields, "description"))
                .host(text(fields, "host"))
                .login(text(fields, "login"))
                .password(text(fields, "password"))
                .database(text(fields, "schema"))
                .port(port == null || port.isNull() ? null : port.asInt())
                .extra(extra == null || extra.isNull() ? null
                        : extra.isTextual() ? extra.asText() : PythonJson.dumps(JSON.convertValue(extra, Object.class)))
                .build();
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
