package dev.pgbridge.server.jobs;

import dev.pgbridge.secret.MasterKey;
import dev.pgbridge.server.auth.ServerSchema;
import dev.pgbridge.store.PgBridgeHome;
import dev.pgbridge.store.SqlConnectionStore;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The schedule of workflows on the runner's own clock (no waiting for a real minute): a workflow with {@code * * * * *}
 * runs once per minute, not before its first minute came, not twice in one minute, and not while paused. The store is
 * the SQLite control store; the workflow names a connection the tenant lacks, so each run ends at once (failed).
 */
@Timeout(60)
class JobRunnerScheduleTest {
    private static final String WORKFLOW = """
            source:
              type: postgres
              serviceName: sched
              serviceConnection:
                config: {type: Postgres, connection: nowhere}
              sourceConfig:
                config: {type: DatabaseMetadata}
            """;

    /** A clock the test moves. */
    static final class MovingClock extends Clock {
        volatile Instant now;

        MovingClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @TempDir
    Path home;
    private SqlConnectionStore store;
    private JobRunner runner;
    private JobStore jobs;
    private final MovingClock clock = new MovingClock(Instant.parse("2026-12-07T10:15:20Z"));

    @BeforeEach
    void open() {
        MasterKey key = MasterKey.generate();
        store = SqlConnectionStore.sqlite(home.resolve("pgbridge.db"), () -> key);
        store.database().migrate(ServerSchema.COMPONENT, ServerSchema.MIGRATIONS);
        jobs = new JobStore(store.database(), clock);
        runner = new JobRunner(jobs, store, store.database(), PgBridgeHome.of(home), new PrometheusRegistry(), clock,
                JobRunner.Settings.DEFAULT);
    }

    @AfterEach
    void close() {
        runner.close();
        store.close();
    }

    private Job job() {
        return jobs.require("default", JobKind.WORKFLOW, "every_minute");
    }

    private void awaitFinished() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (runner.workflow("default", "every_minute").running() || "running".equals(job().lastResult())) {
            assertThat(System.nanoTime()).as("the run to finish").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    @Test
    void aWorkflowRunsOncePerMinuteOfItsScheduleOnTheRunnersClock() throws Exception {
        runner.registerWorkflow("default", "every_minute", WORKFLOW, "* * * * *");
        assertThat(runner.workflow("default", "every_minute").nextRun()).isEqualTo(Instant.parse("2026-12-07T10:16:00Z"));

        runner.tick();
        assertThat(job().lastRunAt()).as("not due before 10:16").isNull();

        clock.now = Instant.parse("2026-12-07T10:16:00.250Z");
        runner.tick();
        awaitFinished();
        assertThat(job().lastRunAt()).isEqualTo(clock.now);
        assertThat(job().lastResult()).isEqualTo("failed");
        assertThat(job().lastError()).contains("no connection 'nowhere' in tenant 'default'");

        clock.now = Instant.parse("2026-12-07T10:16:59Z");
        runner.tick();
        awaitFinished();
        assertThat(job().lastRunAt()).as("once per minute").isEqualTo(Instant.parse("2026-12-07T10:16:00.250Z"));
        assertThat(runner.workflow("default", "every_minute").nextRun()).isEqualTo(Instant.parse("2026-12-07T10:17:00Z"));

        clock.now = Instant.parse("2026-12-07T10:17:00Z");
        runner.tick();
        awaitFinished();
        assertThat(job().lastRunAt()).isEqualTo(Instant.parse("2026-12-07T10:17:00Z"));

        jobs.setDesired("default", JobKind.WORKFLOW, "every_minute", DesiredState.STOPPED);
        clock.now = Instant.parse("2026-12-07T10:30:00Z");
        runner.tick();
        assertThat(job().lastRunAt()).as("paused").isEqualTo(Instant.parse("2026-12-07T10:17:00Z"));
        assertThat(runner.workflow("default", "every_minute").nextRun()).isNull();
    }

    @Test
    void aWorkflowWithoutScheduleRunsOnlyWhenAskedTo() throws Exception {
        runner.registerWorkflow("default", "every_minute", WORKFLOW, "");
        clock.now = Instant.parse("2026-12-08T00:00:00Z");
        runner.tick();
        assertThat(job().lastRunAt()).isNull();
        runner.runWorkflow("default", "every_minute");
        awaitFinished();
        assertThat(job().lastRunAt()).isEqualTo(clock.now);
    }
}
