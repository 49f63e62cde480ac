package dev.pgbridge.metadata.openmetadata;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.secret.Secret;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@code metadata-rest} sink against the stand-in server: what it sends, how it finds ids, how it retries, and
 * the one-line error (code, message, hint) of each way a server refuses. The workflow on a real PostgreSQL is
 * {@code MetadataRestSinkIT}.
 */
@Timeout(60)
class RestSinkTest {
    static final String TOKEN = "eyJhbGciOiJSUzI1NiJ9.test-bot-token.c2lnbmF0dXJl";
    private static final RestSink.Timing FAST = new RestSink.Timing(Duration.ofSeconds(5), Duration.ofSeconds(5),
            Duration.ofMillis(10), Duration.ofSeconds(2));
    private static final String SCHEMA = "svc.shop.sales";

    private final OpenMetadataTestServer server = OpenMetadataTestServer.start(TOKEN);
    private final List<String> warnings = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();

    @AfterEach
    void stop() {
        server.close();
    }

    private ServerConfig config(String token) {
        return new ServerConfig(URI.create(server.hostPort()), "openmetadata", Secret.of(token), "no-ssl", null);
    }

    private RestSink connect() {
        return RestSink.connect(config(TOKEN), new RestSink.Report(warnings::add, errors::add), FAST);
    }

    private static void sendSchema(RestSink sink) {
        sink.send(Requests.Request.put(new Requests.CreateDatabaseService("svc", "Postgres", null)));
        sink.send(Requests.Request.put(new Requests.CreateDatabase("shop", null, "svc")));
        sink.send(Requests.Request.put(new Requests.CreateDatabaseSchema("sales", null, "svc.shop")));
    }

    private static Requests.Request table(String name, EntityRef owner) {
        return Requests.Request.put(new Requests.CreateTable(name, null, "Regular", List.of(new Requests.Column("id",
                "INT", null, 1, null, null, "integer", null, "NOT_NULL", 1)), null, SCHEMA, null, owner));
    }

    @Test
    void sendsInOrderAndNamesEntitiesByTheIdsTheServerGave() {
        try (RestSink sink = connect()) {
            assertThat(sink.serverVersion()).isEqualTo("1.4.0");
            sendSchema(sink);
            sink.send(table("orders", null));
            sink.send(Requests.Request.usage(SCHEMA + ".orders", new Requests.UsageRequest("2026-12-06", 3)));
        }
        assertThat(errors).isEmpty();
        assertThat(server.calls().get(0).path()).isEqualTo("/v1/system/version");
        String id = EntityRef.Ids.NAME_BASED.id(EntityRef.table(SCHEMA + ".orders"));
        assertThat(server.transcript()).extracting(l -> l.get("method").asText() + " " + l.get("path").asText())
                .containsExactly("PUT /v1/services/databaseServices", "PUT /v1/databases", "PUT /v1/databaseSchemas",
                        "PUT /v1/tables", "POST /v1/usage/table/" + id);
        assertThat(server.calls()).as("the table's id came from the create's answer, not a lookup")
                .noneMatch(c -> c.path().contains("/name/"));
        assertThat(server.entity("table", SCHEMA + ".orders")).get()
                .extracting(t -> t.get("version").asDouble()).isEqualTo(0.1);
    }

    @Test
    void anEntityFromAnotherRunIsLookedUpByName() {
        try (RestSink sink = connect()) {
            sendSchema(sink);
            sink.send(table("orders", null));
        }
        server.clearCalls();
        try (RestSink sink = connect()) {
            sink.send(Requests.Request.joins(SCHEMA + ".orders", new Requests.TableJoins("2026-12-06", 1, List.of(),
                    null)));
            sink.send(Requests.Request.usage(SCHEMA + ".missing", new Requests.UsageRequest("2026-12-06", 1)));
        }
        assertThat(server.calls()).extracting(OpenMetadataTestServer.Call::path).contains(
                "/v1/tables/name/svc.shop.sales.orders", "/v1/tables/name/svc.shop.sales.missing");
        assertThat(errors).singleElement().asString().isEqualTo("POST /v1/usage/table/{id} (svc.shop.sales.missing): "
                + "table svc.shop.sales.missing is not in OpenMetadata (hint: ingest it first: run the "
                + "DatabaseMetadata workflow of its service)");
    }

    @Test
    void anOwnerWhoIsNotAUserIsLeftOutWithAWarning() {
        server.addUser("alice");
        try (RestSink sink = connect()) {
            sendSchema(sink);
            sink.send(table("orders", EntityRef.of("user", "alice")));
            sink.send(table("refunds", EntityRef.of("user", "bob")));
        }
        assertThat(errors).isEmpty();
        assertThat(warnings).containsExactly("PUT /v1/tables (svc.shop.sales.refunds): owner bob is not a user in "
                + "OpenMetadata; sent without an owner");
        JsonNode orders = server.entity("table", SCHEMA + ".orders").orElseThrow();
        assertThat(orders.at("/owner/id").asText())
                .isEqualTo(EntityRef.Ids.NAME_BASED.id(EntityRef.of("user", "alice")));
        assertThat(server.entity("table", SCHEMA + ".refunds").orElseThrow().has("owner")).isFalse();
    }

    @Test
    void aServerFrom15OnGetsOwnersAsAList() {
        server.version("1.5.3").addUser("alice");
        try (RestSink sink = connect()) {
            assertThat(sink.serverVersion()).isEqualTo("1.5.3");
            sendSchema(sink);
            sink.send(table("orders", EntityRef.of("user", "alice")));
        }
        assertThat(errors).isEmpty();
        JsonNode body = server.transcript().get(3).get("body");
        assertThat(body.has("owner")).isFalse();
        assertThat(body.at("/owners/0/fullyQualifiedName").asText()).isEqualTo("alice");
    }

    @Test
    void aQueryThatExistsIsAWarningNotAFailure() {
        // OpenMetadata #18154: a 409 on /v1/queries (same checksum) failed whole usage runs
        server.answer("PUT", "/v1/queries", 409, "Entity already exists");
        try (RestSink sink = connect()) {
            sendSchema(sink);
            sink.send(Requests.Request.put(new Requests.CreateQuery("select 1", null, null, null, null, null, null,
                    "svc")));
        }
        assertThat(errors).isEmpty();
        assertThat(warnings).singleElement().asString().contains("already in OpenMetadata (409");
    }

    @Test
    void retriesA503ThenGoesOnAndHonoursRetryAfter() {
        try (RestSink sink = connect()) {
            sendSchema(sink);
            server.failNext(2, 503, "1");
            long start = System.nanoTime();
            sink.send(table("orders", null));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("waited Retry-After: 1 twice")
                    .isGreaterThanOrEqualTo(Duration.ofMillis(1900));
        }
        assertThat(errors).isEmpty();
        assertThat(server.calls()).filteredOn(c -> c.path().equals("/v1/tables")).extracting(
                OpenMetadataTestServer.Call::status).containsExactly(503, 503, 201);
    }

    @Test
    void a5xxAfterTheRetriesIsOneErrorAndThreeInARowEndTheRun() {
        try (RestSink sink = connect()) {
            sendSchema(sink);
            server.failNext(3, 500, null);
            sink.send(table("a", null));
            assertThat(errors).singleElement().asString().isEqualTo("PUT /v1/tables (svc.shop.sales.a): PUT "
                    + "/v1/tables failed with 500: injected failure after 3 attempts (hint: check the OpenMetadata "
                    + "server's log; the run went on with the next request)");
            sink.send(table("b", null));
            assertThat(server.entity("table", SCHEMA + ".b")).isPresent();
            server.failNext(9, 502, null);
            sink.send(table("c", null));
            sink.send(table("d", null));
            assertThatThrownBy(() -> sink.send(table("e", null))).isInstanceOfSatisfying(SinkFailure.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.SINK_FAILED);
                assertThat(e.getMessage()).isEqualTo("OpenMetadata at " + server.hostPort() + " failed 3 requests in "
                        + "a row, the last PUT /v1/tables with 502: injected failure after 3 attempts");
            });
        }
    }

    @Test
    void aRefusedTokenEndsTheRunWithWhatToDo() {
        try (RestSink sink = RestSink.connect(config("not-the-token"), new RestSink.Report(warnings::add,
                errors::add), FAST)) {
            assertThatThrownBy(() -> sendSchema(sink)).isInstanceOfSatisfying(SinkFailure.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.AUTHENTICATION_FAILED);
                assertThat(e.getMessage()).isEqualTo("OpenMetadata at " + server.hostPort() + " refused PUT "
                        + "/v1/services/databaseServices with 401: Not Authorized! Invalid token: the token is "
                        + "invalid or expired");
                assertThat(e.hint()).isEqualTo("set workflowConfig.openMetadataServerConfig.securityConfig.jwtToken "
                        + "to a bot's token (OpenMetadata: Settings → Bots → ingestion-bot), with authProvider: "
                        + "openmetadata");
                assertThat(e.oneLine()).doesNotContain("not-the-token");
            });
        }
    }

    @Test
    void noAuthAgainstAServerThatWantsATokenSaysSo() {
        ServerConfig noAuth = new ServerConfig(URI.create(server.hostPort()), "no-auth", null, "no-ssl", null);
        try (RestSink sink = RestSink.connect(noAuth, new RestSink.Report(warnings::add, errors::add), FAST)) {
            assertThatThrownBy(() -> sendSchema(sink)).isInstanceOfSatisfying(SinkFailure.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.AUTHENTICATION_FAILED);
                assertThat(e.getMessage()).endsWith("with 401: Not Authorized! Token not present: it needs a token");
            });
        }
    }

    @Test
    void aMissingPermissionEndsTheRun() {
        server.answer("PUT", "/v1/databases", 403, "Principal: ingestion-bot operations [Create] not allowed");
        try (RestSink sink = connect()) {
            assertThatThrownBy(() -> sendSchema(sink)).isInstanceOfSatisfying(SinkFailure.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.PRIVILEGE_MISSING);
                assertThat(e.getMessage()).isEqualTo("OpenMetadata at " + server.hostPort() + " refused PUT "
                        + "/v1/databases with 403: Principal: ingestion-bot operations [Create] not allowed: the bot "
                        + "lacks a role or permission");
                assertThat(e.hint()).contains("IngestionBotRole");
            });
        }
    }

    @Test
    void aHostPortWithoutApiIsA404OnTheVersion() {
        ServerConfig noApi = new ServerConfig(URI.create(server.hostPort().replace("/api", "")), "openmetadata",
                Secret.of(TOKEN), "no-ssl", null);
        assertThatThrownBy(() -> RestSink.connect(noApi, new RestSink.Report(warnings::add, errors::add), FAST))
                .isInstanceOfSatisfying(SinkFailure.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIG);
                    assertThat(e.getMessage()).isEqualTo("no OpenMetadata API at " + noApi.hostPort()
                            + ": GET /v1/system/version answered 404");
                    assertThat(e.hint()).isEqualTo("hostPort must be the API's base and end in /api, e.g. "
                            + "http://localhost:8585/api (workflowConfig.openMetadataServerConfig.hostPort)");
                });
    }

    @Test
    void aBadRequestAndAConflictAreErrorsWithTheServersMessageAndTheRunGoesOn() {
        server.answer("PUT", "/v1/tables", 409, "table already exists with another id");
        try (RestSink sink = connect()) {
            sendSchema(sink);
            sink.send(table("orders", null));
            server.clearAnswers();
            // a column the server refuses (VARCHAR without dataLength): 400 with the server's reason
            sink.send(Requests.Request.put(new Requests.CreateTable("bad", null, "Regular", List.of(
                    new Requests.Column("v", "VARCHAR", null, null, null, null, "character varying", null, null, 1)),
                    null, SCHEMA, null)));
            sink.send(table("good", null));
        }
        assertThat(errors).containsExactly(
                "PUT /v1/tables (svc.shop.sales.orders): PUT /v1/tables conflicts with an entity OpenMetadata has "
                        + "(409: table already exists with another id) (hint: another entity already has this name; "
                        + "rename or delete it in OpenMetadata)",
                "PUT /v1/tables (svc.shop.sales.bad): OpenMetadata refused PUT /v1/tables (400: v: VARCHAR needs "
                        + "dataLength) (hint: run the workflow with sink type file to see the request, and report it "
                        + "with the server's version (1.4.0))");
        assertThat(server.entity("table", SCHEMA + ".good")).isPresent();
    }

    @Test
    void aServerThatIsNotThereIsConnectionRefusedAfterTheRetries() throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        ServerConfig nowhere = new ServerConfig(URI.create("http://127.0.0.1:" + port + "/api"), "openmetadata",
                Secret.of(TOKEN), "no-ssl", null);
        assertThatThrownBy(() -> RestSink.connect(nowhere, new RestSink.Report(warnings::add, errors::add), FAST))
                .isInstanceOfSatisfying(SinkFailure.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.CONNECTION_REFUSED);
                    assertThat(e.getMessage()).isEqualTo("cannot connect to OpenMetadata at http://127.0.0.1:" + port
                            + "/api: connection refused (3 attempts)");
                    assertThat(e.hint()).isEqualTo("is OpenMetadata running at hostPort? (workflowConfig."
                            + "openMetadataServerConfig.hostPort, e.g. http://localhost:8585/api)");
                });
    }

    @Test
    void theTokenNeverFollowsARedirectToAnotherHost() throws IOException {
        // a 302 was followed (Redirect.NORMAL) and the JDK sent "Authorization: Bearer" to the host it named
        List<String> authorizations = new CopyOnWriteArrayList<>();
        HttpServer other = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        other.createContext("/", exchange -> {
            authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        other.start();
        String otherBase = "http://127.0.0.1:" + other.getAddress().getPort() + "/api";
        HttpServer redirecting = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        redirecting.createContext("/", exchange -> {
            exchange.getResponseHeaders().add("Location", otherBase + exchange.getRequestURI().getRawPath()
                    .substring("/api".length()));
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        redirecting.start();
        try {
            ServerConfig moved = new ServerConfig(URI.create("http://127.0.0.1:" + redirecting.getAddress().getPort()
                    + "/api"), "openmetadata", Secret.of(TOKEN), "no-ssl", null);
            assertThatThrownBy(() -> RestSink.connect(moved, new RestSink.Report(warnings::add, errors::add), FAST))
                    .isInstanceOfSatisfying(SinkFailure.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIG);
                        assertThat(e.getMessage()).startsWith("hostPort redirects to " + otherBase + " (");
                        assertThat(e.hint()).isEqualTo("set hostPort to " + otherBase
                                + " (workflowConfig.openMetadataServerConfig.hostPort)");
                    });
            assertThat(authorizations).as("the second server never got a request with the token").isEmpty();
        }
        finally {
            redirecting.stop(0);
            other.stop(0);
        }
    }

    @Test
    void aLoginInHostPortIsNeverPrinted() throws IOException {
        // a login in hostPort was echoed by ServerConfig.toString, the INFO log and every error message
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        ServerConfig withLogin = new ServerConfig(URI.create("http://admin:s3cret-pw@127.0.0.1:" + port + "/api"),
                "no-auth", null, "no-ssl", null);
        assertThat(withLogin.toString()).doesNotContain("s3cret-pw").doesNotContain("admin")
                .contains("hostPort=http://127.0.0.1:" + port + "/api");
        assertThatThrownBy(() -> RestSink.connect(withLogin, new RestSink.Report(warnings::add, errors::add), FAST))
                .isInstanceOfSatisfying(SinkFailure.class, e -> assertThat(e.getMessage() + e.hint())
                        .contains("http://127.0.0.1:" + port + "/api").doesNotContain("s3cret-pw"));
    }

    @Test
    void aUsagePostIsNotSentAgainAfterATimeoutButAfterA503() {
        // POST /v1/usage/table/{id} was retried after a time-out, so a server that had applied it counted it twice
        RestSink.Timing shortTimeout = new RestSink.Timing(Duration.ofSeconds(5), Duration.ofSeconds(1),
                Duration.ofMillis(10), Duration.ofSeconds(2));
        String usage = "POST /v1/usage/table/" + EntityRef.Ids.NAME_BASED.id(EntityRef.table(SCHEMA + ".orders"));
        try (RestSink sink = RestSink.connect(config(TOKEN), new RestSink.Report(warnings::add, errors::add),
                shortTimeout)) {
            sendSchema(sink);
            sink.send(table("orders", null));
            server.stallNext(1, Duration.ofSeconds(3));
            sink.send(Requests.Request.usage(SCHEMA + ".orders", new Requests.UsageRequest("2026-12-06", 3)));
            assertThat(errors).singleElement().asString().startsWith("POST /v1/usage/table/{id} (svc.shop.sales.orders)"
                    + ": POST /v1/usage/table/").contains("got no answer (none within 1 s); not sent again");
            assertThat(server.calls()).extracting(c -> c.method() + " " + c.path()).containsOnlyOnce(usage);
            errors.clear();
            server.clearCalls();
            server.failNext(1, 503, null);
            sink.send(Requests.Request.usage(SCHEMA + ".orders", new Requests.UsageRequest("2026-12-07", 1)));
        }
        assertThat(errors).isEmpty();
        assertThat(server.calls()).extracting(c -> c.method() + " " + c.path() + " " + c.status())
                .containsExactly(usage + " 503", usage + " 201");
    }

    @Test
    void markDeletedListsPageByPageAndDeletesOnlyWhatIsGone() {
        server.pageSize(2);
        try (RestSink sink = connect()) {
            sendSchema(sink);
            for (String t : List.of("a", "b", "c", "d", "e")) {
                sink.send(table(t, null));
            }
            RequestSink.StaleTables stale = sink.markDeleted(SCHEMA, Set.of(SCHEMA + ".a", SCHEMA + ".c",
                    SCHEMA + ".e"), false);
            assertThat(stale.deleted()).containsExactlyInAnyOrder(SCHEMA + ".b", SCHEMA + ".d");
            assertThat(stale.refusal()).isNull();
        }
        assertThat(server.calls()).filteredOn(c -> c.path().startsWith("/v1/tables?")).hasSize(3);
        List<JsonNode> deletes = server.transcript().stream().filter(l -> l.get("method").asText().equals("DELETE"))
                .toList();
        assertThat(deletes).extracting(l -> l.get("path").asText()).containsExactly(
                Requests.Request.deleteTable(SCHEMA + ".b").resolve(EntityRef.Ids.NAME_BASED).path(),
                Requests.Request.deleteTable(SCHEMA + ".d").resolve(EntityRef.Ids.NAME_BASED).path());
        assertThat(server.entity("table", SCHEMA + ".b").orElseThrow().get("deleted").asBoolean()).isTrue();
        assertThat(server.entity("table", SCHEMA + ".a").orElseThrow().get("deleted").asBoolean()).isFalse();
    }

    @Test
    void markDeletedRefusesToEmptyASchemaUnlessAllowed() {
        try (RestSink sink = connect()) {
            sendSchema(sink);
            sink.send(table("a", null));
            sink.send(table("b", null));
            RequestSink.StaleTables refused = sink.markDeleted(SCHEMA, Set.of(), false);
            assertThat(refused.deleted()).isEmpty();
            assertThat(refused.refusal()).isEqualTo("would delete every table of svc.shop.sales (2) while the schema "
                    + "has none now; nothing deleted (set allowEmptyingSchema: true if it really is empty)");
            assertThat(server.transcript()).noneMatch(l -> l.get("method").asText().equals("DELETE"));
            assertThat(sink.markDeleted(SCHEMA, Set.of(), true).deleted()).hasSize(2);
        }
    }

    @Test
    void theTokenIsSentOnlyInTheHeaderAndTheLogHasMethodAndPathOnly() {
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(RestSink.class);
        ListAppender<ILoggingEvent> seen = new ListAppender<>();
        seen.start();
        Level before = logger.getLevel();
        logger.setLevel(Level.DEBUG);
        logger.addAppender(seen);
        try (RestSink sink = connect()) {
            sendSchema(sink);
            sink.send(table("orders", null));
        }
        finally {
            logger.detachAppender(seen);
            logger.setLevel(before);
        }
        List<String> lines = seen.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(lines).contains("GET /v1/system/version", "PUT /v1/tables",
                "OpenMetadata 1.4.0 at " + server.hostPort() + ": 1.4's requests");
        assertThat(String.join("\n", lines)).doesNotContain(TOKEN).doesNotContain("\"columns\"");
        assertThat(config(TOKEN).toString()).doesNotContain(TOKEN);
    }
}
