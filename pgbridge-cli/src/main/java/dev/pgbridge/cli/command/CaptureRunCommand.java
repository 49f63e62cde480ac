package dev.pgbridge.cli.command;

import dev.pgbridge.cdc.backfill.BackfillProgress;
import dev.pgbridge.cdc.checkpoint.CheckpointStore;
import dev.pgbridge.cdc.engine.CaptureConfig;
import dev.pgbridge.cdc.engine.CaptureDirectory;
import dev.pgbridge.cdc.engine.CaptureEngine;
import dev.pgbridge.cdc.engine.CaptureStatus;
import dev.pgbridge.cdc.sink.SinkFactory;
import dev.pgbridge.cdc.sink.ChangeSink;
import dev.pgbridge.cli.output.Figures;
import dev.pgbridge.cli.output.Progress;
import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run a capture until stopped: backfill, then stream changes into the config's sink.",
                "SIGTERM or Ctrl-C stops it cleanly: the sink is flushed, the checkpoint written and the position "
                        + "confirmed to PostgreSQL. After any stop, even kill -9, a new run goes on from the checkpoint.",
                "Progress goes to stderr as a short status line; the backfill shows progress on a terminal and one summary "
                        + "line when done (--quiet: none); the log is under PGBRIDGE_HOME/logs."})
final class CaptureRunCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(CaptureRunCommand.class);
    private final CliEnvironment environment;

    @Spec
    CommandSpec spec;

    @Mixin
    CaptureConfigOption options;

    @Option(names = "--status-every", paramLabel = "SECONDS", defaultValue = "10",
            description = "Seconds between status lines on stderr; 0 for none (default: ${DEFAULT-VALUE}).")
    int statusSeconds;

    @Mixin
    QuietOption quiet;

    CaptureRunCommand(CliEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        CaptureConfig config = options.load(err);
        if (config == null) {
            return CaptureConfigOption.CONFIG_ERROR;
        }
        ConnectionConfig source = options.source(environment, config);
        CaptureDirectory state = CaptureConfigOption.directory(environment, config);
        try {
            state.prepare();
        }
        catch (IOException e) {
            throw new PgBridgeException(ErrorCode.IO, "cannot prepare the capture's state directory " + state.dir()
                    + ": " + e.getMessage(), "check PGBRIDGE_HOME and its permissions", e);
        }
        // fails with a SinkFailure that says what to do (a full disk, a missing privilege, an unknown broker)
        ChangeSink sink = SinkFactory.open(config.sink().settings(), new SinkFactory.Context(config.name(), source,
                id -> environment.resolver().resolve(id, options.tenant).config(), System.out));
        CaptureEngine engine = new CaptureEngine(config, source, sink, new CheckpointStore(state.checkpoint()),
                state.spill(), CaptureEngine.Settings.DEFAULT);
        err.println("capture " + config.name() + ": starting (slot " + config.slotName() + ", publication "
                + config.publicationName() + ", sink " + config.sink().type() + ", state " + state.dir() + ")");
        err.flush();
        LOG.info("capture {} starting: {}", config.name(), config);
        Signals trapped = Signals.trap(List.of("INT", "TERM"), signal -> {
            err.println("capture " + config.name() + ": SIG" + signal + " received, stopping after the current "
                    + "checkpoint");
            err.flush();
            engine.stop();
        });
        Progress backfill = quiet.progress(err);
        Thread reporter = null;
        if (statusSeconds > 0) {
            reporter = Thread.ofPlatform().daemon().name("capture-status").start(() -> report(engine, config, err, backfill));
        }
        Thread backfillWatch = Thread.ofPlatform().daemon().name("capture-backfill-progress")
                .start(() -> watchBackfill(engine, err, backfill));
        try {
            engine.run();
        }
        finally {
            backfillWatch.interrupt();
            if (reporter != null) {
                reporter.interrupt();
            }
            trapped.close();
            synchronized (err) {
                backfill.interrupt();
            }
        }
        CaptureStatus status = engine.status();
        err.println("capture " + config.name() + ": stopped; " + line(status));
        err.flush();
        LOG.info("capture {} stopped: {}", config.name(), line(status));
        return 0;
    }

    /**
     * The backfill's progress line on a terminal, and once every table is backfilled one summary line
     * ({@code backfilled 5,000 rows in 2.0 s, 2,500 rows/s; 2 tables}); nothing when this run has no rows to backfill.
     */
    private static void watchBackfill(CaptureEngine engine, PrintWriter err, Progress progress) {
        Instant began = Instant.now();
        try {
            while (!Thread.currentThread().isInterrupted()) {
                Thread.sleep(250);
                CaptureStatus s = engine.status();
                if (s.backfill().isEmpty()) {
                    continue; // not started yet
                }
                if (!s.backfillDone()) {
                    long rows = s.backfill().values().stream().mapToLong(BackfillProgress::rows).sum();
                    synchronized (err) {
                        progress.update(rows, -1);
                    }
                    continue;
                }
                // the tables this run backfilled (a fast one may have come and gone between two looks)
                List<BackfillProgress> done = s.backfill().values().stream()
                        .filter(p -> p.state() == BackfillProgress.State.DONE && p.finishedAt() != null
                                && !p.finishedAt().isBefore(began)).toList();
                if (!done.isEmpty()) {
                    Instant from = done.stream().map(p -> p.startedAt() == null || p.startedAt().isBefore(began)
                            ? began : p.startedAt()).min(Instant::compareTo).orElseThrow();
                    Instant to = done.stream().map(BackfillProgress::finishedAt).max(Instant::compareTo).orElseThrow();
                    long rows = done.stream().mapToLong(BackfillProgress::rows).sum();
                    synchronized (err) {
                        progress.finish(Figures.summary("backfilled", rows, -1, null, Duration.between(from, to))
                                + "; " + Figures.count(done.size(), "table"));
                    }
                }
                return;
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void report(CaptureEngine engine, CaptureConfig config, PrintWriter err, Progress backfill) {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                Thread.sleep(statusSeconds * 1000L);
                synchronized (err) {
                    backfill.interrupt();
                    err.println("capture " + config.name() + ": " + line(engine.status()));
                    err.flush();
                }
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code 1,200 events, backfill 1/2 tables (5,000 rows read), checkpoint 0/16B3748, last commit …}. */
    static String line(CaptureStatus s) {
        long done = s.backfill().values().stream().filter(p -> p.state() == BackfillProgress.State.DONE).count();
        long total = s.backfill().values().stream().filter(p -> p.state() != BackfillProgress.State.SKIPPED).count();
        long rows = s.backfill().values().stream().mapToLong(BackfillProgress::rows).sum();
        return Figures.count(s.events(), "event") + ", backfill " + done + "/" + total + " tables ("
                + Figures.count(rows, "row") + " read), checkpoint "
                + s.lastDurableCommitLsn() + (s.lastCommitTime() == null ? "" : ", last commit " + s.lastCommitTime())
                + (s.reconnects() == 0 ? "" : ", " + s.reconnects() + " reconnects");
    }
}
