package dev.pgbridge.server.services;

import dev.pgbridge.pool.PoolRegistry;
import dev.pgbridge.server.auth.AuditLog;
import dev.pgbridge.server.auth.SecretChannel;
import dev.pgbridge.server.auth.TokenStore;
import dev.pgbridge.server.auth.UserStore;
import dev.pgbridge.server.connections.ConnectionService;
import dev.pgbridge.server.jobs.JobRunner;
import dev.pgbridge.server.data.RunningQueries;
import dev.pgbridge.store.PgBridgeHome;
import dev.pgbridge.store.StoreDatabase;

import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.time.Clock;

/**
 * What the API and UI modules share, built once by {@code PgBridgeServer} (the composition root): the control store,
 * the tenant-scoped services, the server's policies, its metrics registry (served at {@code /metrics}), the managed
 * jobs ({@code jobs}: captures and workflows) and the console queries that run now (to cancel them). Modules take what
 * they need in their constructors.
 */
public record ServerServices(StoreDatabase db, PgBridgeHome home,
                             ConnectionService connectionService, UserStore users, TokenStore tokens, AuditLog audit,
                             PoolRegistry pools, SecretChannel secretChannel, PrometheusRegistry metrics, Clock clock,
                             String version, JobRunner jobs, RunningQueries runningQueries) {}
