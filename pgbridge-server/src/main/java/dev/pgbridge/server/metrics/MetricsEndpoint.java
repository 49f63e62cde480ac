package dev.pgbridge.server.metrics;

import dev.pgbridge.server.auth.Principal;
import io.javalin.http.Context;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.StateSetSnapshot;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import io.prometheus.metrics.model.snapshots.UnknownSnapshot;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * {@code GET /metrics} in Prometheus' text format. It needs a Bearer token (any role): connection ids, capture names
 * and workflow names are tenant data, so a series labelled {@code tenant} is shown only to a token of that tenant;
 * series without a tenant label (HTTP requests by route template) are shown to every token. No metric carries a secret.
 */
public final class MetricsEndpoint {
    /** The label that scopes a series to one tenant. */
    public static final String TENANT_LABEL = "tenant";

    private final PrometheusRegistry registry;
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    public MetricsEndpoint(PrometheusRegistry registry) {
        this.registry = requireNonNull(registry, "registry is null");
    }

    public void handle(Context ctx, Principal principal) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            writer.write(out, forTenant(registry.scrape(), principal.tenant()));
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ctx.contentType(writer.getContentType());
        ctx.result(out.toByteArray());
    }

    /** The snapshots with every data point of another tenant left out. */
    static MetricSnapshots forTenant(MetricSnapshots all, String tenant) {
        List<MetricSnapshot> kept = new ArrayList<>();
        for (MetricSnapshot snapshot : all) {
            kept.add(filter(snapshot, tenant));
        }
        return new MetricSnapshots(kept);
    }

    private static MetricSnapshot filter(MetricSnapshot s, String tenant) {
        return switch (s) {
            case CounterSnapshot c -> new CounterSnapshot(c.getMetadata(), keep(c.getDataPoints(), tenant));
            case GaugeSnapshot g -> new GaugeSnapshot(g.getMetadata(), keep(g.getDataPoints(), tenant));
            case HistogramSnapshot h -> new HistogramSnapshot(h.isGaugeHistogram(), h.getMetadata(), keep(h.getDataPoints(), tenant));
            case SummarySnapshot m -> new SummarySnapshot(m.getMetadata(), keep(m.getDataPoints(), tenant));
            case InfoSnapshot i -> new InfoSnapshot(i.getMetadata(), keep(i.getDataPoints(), tenant));
            case StateSetSnapshot st -> new StateSetSnapshot(st.getMetadata(), keep(st.getDataPoints(), tenant));
            case UnknownSnapshot u -> new UnknownSnapshot(u.getMetadata(), keep(u.getDataPoints(), tenant));
            default -> throw new IllegalStateException("unknown metric snapshot type " + s.getClass().getName());
        };
    }

    private static <T extends DataPointSnapshot> List<T> keep(List<T> points, String tenant) {
        List<T> kept = new ArrayList<>();
        for (T p : points) {
            String owner = p.getLabels().get(TENANT_LABEL);
            if (owner == null || owner.equals(tenant)) {
                kept.add(p);
            }
        }
        return kept;
    }
}
