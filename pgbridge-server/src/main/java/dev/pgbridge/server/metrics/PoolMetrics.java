package dev.pgbridge.server.metrics;

import dev.pgbridge.pool.PoolRegistry;
import dev.pgbridge.pool.PoolStats;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import java.util.List;
import java.util.function.ToIntFunction;

import static java.util.Objects.requireNonNull;

/**
 * The connection pools' use, read from the {@link PoolRegistry} at each scrape (HikariCP's own counts, named as
 * HikariCP's Prometheus tracker names them), labelled {@code tenant} and {@code conn_id}.
 */
public final class PoolMetrics implements MultiCollector {
    private final PoolRegistry pools;

    public PoolMetrics(PoolRegistry pools) {
        this.pools = requireNonNull(pools, "pools is null");
    }

    @Override
    public MetricSnapshots collect() {
        List<PoolStats> stats = pools.stats();
        return MetricSnapshots.of(
                gauge("pgbridge_pool_active_connections", "Connections lent out, per pool", stats, PoolStats::active),
                gauge("pgbridge_pool_idle_connections", "Idle connections in the pool", stats, PoolStats::idle),
                gauge("pgbridge_pool_connections", "Connections of the pool (active + idle)", stats, PoolStats::total),
                gauge("pgbridge_pool_pending_threads", "Threads waiting for a connection", stats, PoolStats::waiting));
    }

    private static GaugeSnapshot gauge(String name, String help, List<PoolStats> stats, ToIntFunction<PoolStats> value) {
        GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
        for (PoolStats s : stats) {
            b.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
                    .labels(Labels.of("tenant", s.tenant(), "conn_id", s.connId()))
                    .value(value.applyAsInt(s))
                    .build());
        }
        return b.build();
    }
}
