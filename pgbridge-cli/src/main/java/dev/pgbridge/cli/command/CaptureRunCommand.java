package dev.pgbridge.cli.command;

import dev.pgbridge.cdc.backfill.BackfillProgress;
import dev.pgbridge.cdc.checkpoint.CheckpointStore;
import dev.pgbridge.cdc.engine.CaptureConfig;
import dev.pgbridge.cdc.engine.CaptureDirectory;
import dev.pgbridge.cdc.engine.CaptureEngine;
import dev.pgbridge.cdc.engine.CaptureStatus;
import dev.pgbridge.cdc.sink.SinkFactory;
import dev.pgbridge.cdc.sink.ChangeSink;
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
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run a capture until stopped: backfill, then stream changes into the config's sink.",
                "SIGTERM or Ctrl-C stops it cleanly: the sink is flushed, the checkpoint written and the position "
                        + "confirmed to PostgreSQL. After any stop, even kill -9, a new run goes on from the checkpoint.",
                "Progress goes to stderr as a short status line; the log is under PGBRIDGE_HOME/logs."})
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
        Thread reporter = null;
        if (statusSeconds > 0) {
            reporter = Thread.ofPlatform().daemon().name("capture-status").start(() -> report(engine, config, err));
        }
        try {
            engine.run();
        }
        finally {
            if (reporter != null) {
                reporter.interrupt();
            }
            trapped.close();
        }
        CaptureStatus status = engine.status();
        err.println("capture " + config.name() + ": stopped; " + line(status));
        err.flush();
        LOG.info("capture {} stopped: {}", config.name(), line(status));
        return 0;
    }

    private void report(CaptureEngine engine, CaptureConfig config, PrintWriter err) {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                Thread.sleep(statusSeconds * 1000L);
                synchronized (err) {
                    err.println("capture " + config.name() + ": " + line(engine.status()));
                    err.flush();
                }
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code 1200 events, backfill 1/2 tables (5000 rows), checkpoint 0/16B3748, last commit …}. */
    static String line(CaptureStatus s) {
        long done = s.backfill().values().stream().filter(p -> p.state() == BackfillProgress.State.DONE).count();
        long total = s.backfill().values().stream().filter(p -> p.state() != BackfillProgress.State.SKIPPED).count();
        long rows = s.backfill().values().stream().mapToLong(BackfillProgress::rows).sum();
        return s.events() + " events, backfill " + done + "/" + total + " tables (" + rows + " rows read), checkpoint "
                + s.lastDurableCommitLsn() + (s.lastCommitTime() == null ? "" : ", last commit " + s.lastCommitTime())
                + (s.reconnects() == 0 ? "" : ", " + s.reconnects() + " reconnects");
    }
}
