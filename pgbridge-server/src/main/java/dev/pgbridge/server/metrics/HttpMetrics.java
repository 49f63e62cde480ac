package dev.pgbridge.server.metrics;

import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.util.Locale;

import static java.util.Objects.requireNonNull;

/**
 * Requests served, by method, route template (never the raw path: connection ids and names are tenant data and would
 * make one series per id) and status, and their duration. Fed by the server's before/after handlers.
 */
public final class HttpMetrics {
    /** The route label of requests no route matched (404s of unknown paths, static files). */
    static final String UNMATCHED = "unmatched";
    private static final String START = "pgbridge.metrics.start";

    private final Counter requests;
    private final Histogram duration;

    public HttpMetrics(PrometheusRegistry registry) {
        requireNonNull(registry, "registry is null");
        this.requests = Counter.builder()
                .name("pgbridge_http_requests")
                .help("HTTP requests served, by method, route template and status")
                .labelNames("method", "route", "status")
                .register(registry);
        this.duration = Histogram.builder()
                .name("pgbridge_http_request_duration_seconds")
                .help("Time to serve an HTTP request, by method and route template")
                .labelNames("method", "route")
                .classicOnly()
                .classicUpperBounds(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
                .register(registry);
    }

    /** Marks the request's start (a before handler). */
    public void start(Context ctx) {
        ctx.attribute(START, System.nanoTime());
    }

    /** Counts the finished request and records its duration (an after handler: runs after errors are mapped too). */
    public void finish(Context ctx) {
        Long start = ctx.attribute(START);
        String method = ctx.method().name().toUpperCase(Locale.ROOT);
        String route = route(ctx);
        requests.labelValues(method, route, String.valueOf(ctx.statusCode())).inc();
        if (start != null) {
            duration.labelValues(method, route).observe((System.nanoTime() - start) / 1e9);
        }
    }

    private static String route(Context ctx) {
        Endpoint endpoint = ctx.endpoints().matchedHttpEndpoint();
        if (endpoint == null || endpoint.path == null || endpoint.path.equals("*") || endpoint.path.contains("*")) {
            return UNMATCHED;
        }
        return endpoint.path;
    }
}
