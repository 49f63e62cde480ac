package dev.pgbridge.metadata.openmetadata;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgbridge.secret.Secret;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where the profiler's results go in OpenMetadata: the table profile and the sample rows as plain {@code PUT}s, tags on
 * columns as a JSON Patch of the table read first (only the tags a column lacks); and the same requests in a
 * {@code file} transcript pass OpenMetadata 1.4's schemas.
 */
@Timeout(60)
class RestSinkProfileTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final RestSink.Timing FAST = new RestSink.Timing(Duration.ofSeconds(5), Duration.ofSeconds(5),
            Duration.ofMillis(10), Duration.ofSeconds(2));
    private static final String TABLE = "svc.shop.sales.customers";

    private final OpenMetadataTestServer server = OpenMetadataTestServer.start(RestSinkTest.TOKEN);
    private final List<String> warnings = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();

    @AfterEach
    void stop() {
        server.close();
    }

    private RestSink connect() {
        return RestSink.connect(new ServerConfig(URI.create(server.hostPort()), "openmetadata",
                Secret.of(RestSinkTest.TOKEN), "no-ssl", null), new RestSink.Report(warnings::add, errors::add), FAST);
    }

    private static Requests.Request tags(Requests.ColumnTag... tags) {
        return Requests.Request.columnTags(TABLE, new Requests.ColumnTags(List.of(tags)));
    }

    private static Requests.ColumnTag tag(String column, String tag) {
        return new Requests.ColumnTag(column, new Requests.TagLabel(tag, "Classification", "Automated", "Suggested"));
    }

    static List<Requests.Request> profilerRequests() {
        Requests.ColumnProfile email = JSON.convertValue(Map.of("name", "email", "timestamp", 1_765_000_000_000L,
                "valuesCount", 2.0, "nullCount", 0.0, "minLength", 7.0, "maxLength", 9.0, "histogram",
                Map.of("boundaries", List.of("7 to 8", "8 and up"), "frequencies", List.of(1, 1))),
                Requests.ColumnProfile.class);
        return List.of(
                Requests.Request.tableProfile(TABLE, new Requests.CreateTableProfile(new Requests.TableProfile(
                        1_765_000_000_000L, 2.0, 2, 8192.0, null, 100.0, "PERCENTAGE"), List.of(email))),
                Requests.Request.sampleData(TABLE, new Requests.TableData(List.of("id", "email"),
                        List.of(List.of(1, "********"), List.of(2, "********")))),
                tags(tag("email", "PII.Sensitive")));
    }

    @Test
    void profileAndSamplesArePutsAndTagsArePatchedOntoTheColumnsThatLackThem() throws Exception {
        try (RestSink sink = connect()) {
            sink.send(Requests.Request.put(new Requests.CreateDatabaseService("svc", "Postgres", null)));
            sink.send(Requests.Request.put(new Requests.CreateDatabase("shop", null, "svc")));
            sink.send(Requests.Request.put(new Requests.CreateDatabaseSchema("sales", null, "svc.shop")));
            sink.send(Requests.Request.put(new Requests.CreateTable("customers", null, "Regular", List.of(
                    new Requests.Column("id", "INT", null, 1, null, null, "integer", null, null, 1),
                    new Requests.Column("email", "TEXT", null, 1, null, null, "text", null, null, 2)), null,
                    "svc.shop.sales", null)));
            server.clearCalls();
            profilerRequests().forEach(sink::send);
            // again: email has PII.Sensitive now; id gets its first tag, email a second one, a missing column a warning
            sink.send(tags(tag("email", "PII.Sensitive"), tag("id", "dbtTags.key"), tag("email", "Tier.Tier1"),
                    tag("gone", "PII.Sensitive")));
            sink.send(tags(tag("email", "Tier.Tier1")));
        }
        assertThat(errors).isEmpty();
        assertThat(warnings).containsExactly("PATCH /v1/tables/{id} (" + TABLE + "): column gone is not a column of "
                + TABLE + " in OpenMetadata; tag PII.Sensitive left out");
        String id = EntityRef.Ids.NAME_BASED.id(EntityRef.table(TABLE));
        assertThat(server.calls()).extracting(c -> c.method() + " " + c.path() + " " + c.status()).containsExactly(
                "PUT /v1/tables/" + id + "/tableProfile 200",
                "PUT /v1/tables/" + id + "/sampleData 200",
                "GET /v1/tables/name/" + TABLE + "?fields=columns,tags 200",
                "PATCH /v1/tables/" + id + " 200",
                "GET /v1/tables/name/" + TABLE + "?fields=columns,tags 200",
                "PATCH /v1/tables/" + id + " 200",
                "GET /v1/tables/name/" + TABLE + "?fields=columns,tags 200");
        List<JsonNode> patches = server.calls().stream().filter(c -> c.method().equals("PATCH"))
                .map(OpenMetadataTestServer.Call::body).toList();
        String sensitive = "{\"tagFQN\":\"PII.Sensitive\",\"source\":\"Classification\",\"labelType\":\"Automated\","
                + "\"state\":\"Suggested\"}";
        assertThat(patches.get(0)).isEqualTo(JSON.readTree(
                "[{\"op\":\"add\",\"path\":\"/columns/1/tags\",\"value\":[" + sensitive + "]}]"));
        assertThat(patches.get(1)).isEqualTo(JSON.readTree(("[{\"op\":\"add\",\"path\":\"/columns/0/tags\",\"value\":"
                + "[%s]},{\"op\":\"add\",\"path\":\"/columns/1/tags/-\",\"value\":%s}]").formatted(
                sensitive.replace("PII.Sensitive", "dbtTags.key"), sensitive.replace("PII.Sensitive", "Tier.Tier1"))));
        JsonNode columns = server.entity("table", TABLE).orElseThrow().get("columns");
        assertThat(columns.get(1).get("tags").findValuesAsText("tagFQN")).containsExactly("PII.Sensitive",
                "Tier.Tier1");
        assertThat(columns.get(0).get("tags").findValuesAsText("tagFQN")).containsExactly("dbtTags.key");
    }

    @Test
    void tagsOnATableOpenMetadataLacksAreAnErrorWithWhatToDo() {
        try (RestSink sink = connect()) {
            sink.send(Requests.Request.put(new Requests.CreateDatabaseService("svc", "Postgres", null)));
            sink.send(tags(tag("email", "PII.Sensitive")));
        }
        assertThat(errors).containsExactly("PATCH /v1/tables/{id} (" + TABLE + "): table " + TABLE + " is not in "
                + "OpenMetadata (hint: ingest it first: run the DatabaseMetadata workflow of its service)");
        assertThat(server.calls()).noneMatch(c -> c.method().equals("PATCH"));
    }

    @Test
    void theFileSinksLinesPassOpenMetadatasSchemas() throws Exception {
        OpenMetadataSchemas schemas = new OpenMetadataSchemas();
        for (Requests.Request request : profilerRequests()) {
            JsonNode line = JSON.readTree(RequestFile.line(request));
            assertThat(schemas.problems(line.get("method").asText(), line.get("path").asText(), line.get("body")))
                    .as(line.toString()).isEmpty();
        }
        String id = EntityRef.Ids.NAME_BASED.id(EntityRef.table(TABLE));
        assertThat(schemas.problems("PATCH", "/v1/tables/" + id, JSON.readTree(
                "{\"columns\": [{\"column\": \"email\", \"tag\": {\"tagFQN\": \"PII.Sensitive\"}}]}")))
                .as("a tag label without source, labelType and state").isNotEmpty();
        assertThat(schemas.problems("PATCH", "/v1/tables/" + id, JSON.readTree(
                "[{\"op\": \"replace\", \"path\": \"/name\", \"value\": \"x\"}]"))).isNotEmpty();
    }
}
