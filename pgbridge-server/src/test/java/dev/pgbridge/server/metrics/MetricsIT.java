package dev.pgbridge.server.metrics;

import dev.pgbridge.server.ServerFixture;
import dev.pgbridge.server.auth.Principal;
import dev.pgbridge.server.auth.Role;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code /metrics}: Prometheus text format, behind a token, requests by route template, pools of the token's tenant only. */
@Timeout(120)
class MetricsIT {
    /** One sample line of the text format: name, optional {labels}, value (and an optional timestamp). */
    private static final Pattern SAMPLE = Pattern.compile(
            "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{([a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\.)*\",?)*})? "
                    + "(NaN|[+-]Inf|[+-]?[0-9.eE+-]+)( -?[0-9]+)?");
    private static ServerFixture fixture;

    @BeforeAll
    static void start() {
        fixture = ServerFixture.tls();
        fixture.saveTestPostgres("team_a", "pg_metrics");
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    @Test
    void metricsNeedAToken() {
        HttpResponse<String> response = fixture.get("/metrics", null);
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(ServerFixture.parse(response).path("error").asText()).isEqualTo("UNAUTHENTICATED");
    }

    @Test
    void textFormatHasRequestsByRouteTemplateAndThePoolsOfTheTokensTenant() throws Exception {
        // a pool in use: the connection service's data source, as the catalog and query routes use it
        Principal editor = new Principal("team_a", "test", Role.EDITOR);
        try (Connection c = fixture.server().services().connectionService().dataSource(editor, "pg_metrics").getConnection();
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select 1")) {
            assertThat(rs.next()).isTrue();
        }
        String agent = fixture.token("team_a", Role.AGENT);
        assertThat(fixture.get("/api/v1/execution/connections/pg_metrics", agent).statusCode()).isEqualTo(200);
        assertThat(fixture.get("/api/v1/execution/connections/nope", agent).statusCode()).isEqualTo(404);

        HttpResponse<String> response = fixture.get("/metrics", fixture.token("team_a", Role.VIEWER));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain; version=0.0.4");
        String text = response.body();
        List<String> samples = parse(text);
        assertThat(samples).anyMatch(l -> l.startsWith("pgbridge_http_requests_total{")
                && l.contains("method=\"GET\"") && l.contains("route=\"/api/v1/execution/connections/{connection_id}\"")
                && l.contains("status=\"200\""));
        assertThat(samples).anyMatch(l -> l.startsWith("pgbridge_http_requests_total{")
                && l.contains("route=\"/api/v1/execution/connections/{connection_id}\"") && l.contains("status=\"404\""));
        assertThat(samples).anyMatch(l -> l.startsWith("pgbridge_http_request_duration_seconds_bucket{"));
        // the raw path (a connection id) is never a label value
        assertThat(text).doesNotContain("/execution/connections/nope").doesNotContain("/execution/connections/pg_metrics");
        assertThat(samples).anyMatch(l -> l.startsWith("pgbridge_pool_connections{") && l.contains("conn_id=\"pg_metrics\"")
                && l.contains("tenant=\"team_a\"") && value(l) >= 1);
        assertThat(samples).anyMatch(l -> l.startsWith("pgbridge_pool_active_connections{") && l.contains("conn_id=\"pg_metrics\""));
        assertThat(samples).anyMatch(l -> l.startsWith("pgbridge_pool_idle_connections{") && l.contains("conn_id=\"pg_metrics\""));
        assertThat(samples).anyMatch(l -> l.startsWith("pgbridge_pool_pending_threads{") && l.contains("conn_id=\"pg_metrics\""));

        // another tenant's token sees the request counters but not team_a's pools
        String other = fixture.get("/metrics", fixture.token("team_b", Role.VIEWER)).body();
        assertThat(parse(other)).anyMatch(l -> l.startsWith("pgbridge_http_requests_total{"));
        assertThat(other).doesNotContain("pg_metrics").doesNotContain("team_a");
    }

    /** Every line is a comment (# HELP, # TYPE) or a sample; returns the samples. */
    private static List<String> parse(String text) {
        assertThat(text).endsWith("\n");
        List<String> samples = new java.util.ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertThat(m.matches()).as("a sample line: " + line).isTrue();
            samples.add(line);
        }
        return samples;
    }

    private static double value(String sample) {
        String[] parts = sample.split(" ");
        return Double.parseDouble(parts[parts.length - 1]);
    }
}
