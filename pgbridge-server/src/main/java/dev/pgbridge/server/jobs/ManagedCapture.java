package dev.pgbridge.server.jobs;

import dev.pgbridge.cdc.engine.CaptureConfig;
import dev.pgbridge.cdc.engine.CaptureDirectory;
import dev.pgbridge.cdc.engine.CaptureEngine;
import dev.pgbridge.cdc.engine.CaptureStatus;
import dev.pgbridge.cdc.replication.SourceStatus;
import dev.pgbridge.connection.ConnectionConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;

import static java.util.Objects.requireNonNull;

/**
 * A capture started in this process by the {@link JobRunner}: its engine on its own thread, what it does now, its last
 * error, and its sampled event rate and slot status (read by the API, the pages and the metrics from any thread).
 */
final class ManagedCapture {
    private static final Logger LOG = LoggerFactory.getLogger(ManagedCapture.class);

    final String tenant;
    final String name;
    final CaptureConfig config;
    final CaptureDirectory directory;
    volatile Thread thread;
    volatile CaptureEngine engine;
    volatile JobRunner.CaptureState state = JobRunner.CaptureState.STARTING;
    volatile String error;
    volatile boolean stopRequested;
    volatile ConnectionConfig sourceConfig;
    volatile long baseline;
    volatile long finalEvents = -1;
    volatile double rate;
    volatile SourceStatus source;
    volatile Instant sourceAt;
    Instant sampledAt;
    long sampledEvents;

    ManagedCapture(String tenant, String name, CaptureConfig config, CaptureDirectory directory) {
        this.tenant = requireNonNull(tenant, "tenant is null");
        this.name = requireNonNull(name, "name is null");
        this.config = requireNonNull(config, "config is null");
        this.directory = requireNonNull(directory, "directory is null");
    }

    /** The metrics of an earlier run (so the lag stays known until the next sample). */
    void inherit(ManagedCapture earlier) {
        source = earlier.source;
        sourceAt = earlier.sourceAt;
        baseline = earlier.events();
    }

    boolean alive() {
        Thread t = thread;
        return t != null && t.isAlive();
    }

    /** Events across restarts: the engine's table counts (restored from the checkpoint), or what was known. */
    long events() {
        CaptureEngine e = engine;
        if (e == null || finalEvents >= 0) {
            return finalEvents >= 0 ? finalEvents : baseline;
        }
        long live = 0;
        for (CaptureStatus.TableStat s : e.status().tables().values()) {
            live += s.events();
        }
        return Math.max(live, baseline);
    }

    synchronized void requestStop() {
        stopRequested = true;
        if (alive()) {
            state = JobRunner.CaptureState.STOPPING;
        }
        CaptureEngine e = engine;
        if (e != null) {
            e.stop();
        }
    }

    void await(Duration timeout) {
        Thread t = thread;
        if (t == null) {
            return;
        }
        try {
            if (!t.join(timeout)) {
                LOG.warn("capture {}/{} did not stop within {} s", tenant, name, timeout.toSeconds());
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void stop(Duration timeout) {
        requestStop();
        await(timeout);
    }
}
