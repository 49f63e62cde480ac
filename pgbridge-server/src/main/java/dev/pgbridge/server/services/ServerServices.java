package dev.pgbridge.server.services;

import dev.pgbridge.pool.PoolRegistry;
import dev.pgbridge.server.auth.AuditLog;
import dev.pgbridge.server.auth.SecretChannel;
import dev.pgbridge.server.auth.TokenStore;
import dev.pgbridge.server.auth.UserStore;
import dev.pgbridge.server.connections.ConnectionService;
import dev.pgbridge.server.jobs.JobRunner;
import dev.pgbridge.store.ConnectionStore;
import dev.pgbridge.store.PgBridgeHome;
import dev.pgbridge.store.StoreDatabase;

import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.time.Clock;

/**
 * What the API and UI modules share, built once by {@code PgBridgeServer} (the composition root): the control store,
 * the tenant-scoped services, the server's policies and its metrics registry (served at {@code /metrics}). Modules take what they need in their constructors.
 * {@code jobs} runs the managed captures and workflows.
 */
public record ServerServices(ConnectionStore connections, StoreDatabase db, PgBridgeHome home,
                             ConnectionService connectionService, UserStore users, TokenStore tokens, AuditLog audit,
                             PoolRegistry pools, SecretChannel secretChannel, PrometheusRegistry metrics, Clock clock,
                             String version, JobRunner jobs) {}
