package dev.pgbridge.server.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgbridge.cdc.backfill.BackfillProgress;
import dev.pgbridge.cdc.checkpoint.Checkpoint;
import dev.pgbridge.cdc.checkpoint.CheckpointStore;
import dev.pgbridge.cdc.engine.CaptureConfig;
import dev.pgbridge.cdc.engine.CaptureDirectory;
import dev.pgbridge.cdc.engine.CaptureEngine;
import dev.pgbridge.cdc.engine.CaptureStatus;
import dev.pgbridge.cdc.event.TableId;
import dev.pgbridge.cdc.replication.SourceStatus;
import dev.pgbridge.cdc.sink.ChangeSink;
import dev.pgbridge.cdc.sink.SinkFactory;
import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.connection.JdbcTarget;
import dev.pgbridge.connection.SqlErrors;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.metadata.ingest.StepStatus;
import dev.pgbridge.metadata.workflow.Workflow;
import dev.pgbridge.metadata.workflow.WorkflowReader;
import dev.pgbridge.metadata.workflow.WorkflowRunner;
import dev.pgbridge.store.ConnectionResolver;
import dev.pgbridge.store.ConnectionStore;
import dev.pgbridge.store.PgBridgeHome;
import dev.pgbridge.store.StoreDatabase;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * Runs the managed jobs of every tenant inside the server: captures on their own threads (the engine, checkpoint store
 * and state directory exactly as {@code pgbridge capture run} uses them, under
 * {@code PGBRIDGE_HOME/captures/server/<tenant>/<name>}), and metadata workflows now or on their cron schedule (UTC).
 * {@link #start()} resumes every capture whose desired state is running, from its checkpoint; {@link #close()} stops
 * them cleanly (flushed, checkpointed, confirmed) without changing what is desired, so the next start resumes them.
 *
 * <p>Connections named in a config ({@code connection:}, {@code sink.connection},
 * {@code serviceConnection.config.connection}) resolve in the job's tenant, from the server's store only — never from
 * the server's environment. Configs hold no secret: an inline password is refused when the job is registered.
 */
public final class JobRunner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);

    /** What a capture does now. */
    public enum CaptureState {
        STARTING, RUNNING, STOPPING, STOPPED, FAILED;

        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * Timings; tests shorten them.
     *
     * @param tick           how often the schedule is checked
     * @param sampleInterval how often a running capture's rate and slot lag are sampled
     * @param stopTimeout    how long a stop waits for the capture to flush and checkpoint
     */
    public record Settings(CaptureEngine.Settings engine, Duration tick, Duration sampleInterval, Duration stopTimeout) {
        public static final Settings DEFAULT = new Settings(CaptureEngine.Settings.DEFAULT, Duration.ofSeconds(1),
                Duration.ofSeconds(5), Duration.ofSeconds(60));

        public Settings {
            requireNonNull(engine, "engine is null");
            requireNonNull(tick, "tick is null");
            requireNonNull(sampleInterval, "sampleInterval is null");
            requireNonNull(stopTimeout, "stopTimeout is null");
        }
    }

    private final JobStore jobs;
    private final ConnectionStore connections;
    private final StoreDatabase db;
    private final Path capturesRoot;
    private final Clock clock;
    private final Settings settings;
    private final Map<String, ManagedCapture> captures = new ConcurrentHashMap<>();
    private final Map<String, Instant> runningWorkflows = new ConcurrentHashMap<>();
    private final Map<String, Long> processed = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer;
    private final ExecutorService workflowThreads;
    private volatile boolean closed;

    public JobRunner(JobStore jobs, ConnectionStore connections, StoreDatabase db, PgBridgeHome home,
                     PrometheusRegistry metrics, Clock clock, Settings settings) {
        this.jobs = requireNonNull(jobs, "jobs is null");
        this.connections = requireNonNull(connections, "connections is null");
        this.db = requireNonNull(db, "db is null");
        this.capturesRoot = requireNonNull(home, "home is null").capturesDir().resolve("server");
        this.clock = requireNonNull(clock, "clock is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.timer = Executors.newScheduledThreadPool(2, Thread.ofPlatform().daemon().name("pgbridge-jobs-timer-", 0)
                .factory());
        this.workflowThreads = Executors.newThreadPerTaskExecutor(Thread.ofPlatform().daemon()
                .name("pgbridge-workflow-", 0).factory());
        registerMetrics(requireNonNull(metrics, "metrics is null"));
    }

    private void registerMetrics(PrometheusRegistry metrics) {
        CounterWithCallback.builder().name("pgbridge_capture_events")
                .help("Change events a managed capture handed to its sink (backfill rows included), counted across "
                        + "restarts; rate() of it is the capture's events/s")
                .labelNames("tenant", "capture")
                .callback(cb -> captures.values().forEach(m -> cb.call(m.events(), m.tenant, m.name)))
                .register(metrics);
        GaugeWithCallback.builder().name("pgbridge_capture_slot_lag_bytes")
                .help("WAL the source keeps for the capture's replication slot: pg_current_wal_lsn() - "
                        + "confirmed_flush_lsn, at the last sample")
                .labelNames("tenant", "capture")
                .callback(cb -> captures.values().forEach(m -> {
                    SourceStatus s = m.source;
                    if (s != null && s.lagBytes() != null) {
                        cb.call(s.lagBytes(), m.tenant, m.name);
                    }
                }))
                .register(metrics);
        GaugeWithCallback.builder().name("pgbridge_capture_running")
                .help("1 while a managed capture runs, else 0")
                .labelNames("tenant", "capture")
                .callback(cb -> captures.values().forEach(m -> cb.call(m.state == CaptureState.RUNNING ? 1 : 0,
                        m.tenant, m.name)))
                .register(metrics);
    }

    /** Resumes the captures whose desired state is running and starts the schedule. */
    public void start() {
        for (Job job : jobs.listAll(JobKind.CAPTURE)) {
            if (job.desired() == DesiredState.RUNNING) {
                try {
                    launch(job);
                }
                catch (PgBridgeException e) {
                    LOG.warn("capture {}/{} cannot resume: {}", job.tenant(), job.name(), e.oneLine());
                    jobs.recordRun(job.tenant(), JobKind.CAPTURE, job.name(), null, "failed", e.oneLine());
                }
            }
        }
        long tick = settings.tick().toMillis();
        timer.scheduleWithFixedDelay(this::tickQuietly, tick, tick, TimeUnit.MILLISECONDS);
        long sample = settings.sampleInterval().toMillis();
        timer.scheduleWithFixedDelay(this::sampleQuietly, sample, sample, TimeUnit.MILLISECONDS);
    }

    // ---- captures

    /**
     * Registers a capture from its config text (as {@code pgbridge capture run --config} reads it); {@code name} null
     * takes the config's {@code name} (default: its slot name). Starts it when {@code start}.
     */
    public CaptureView registerCapture(String tenant, String name, String configText, boolean start) {
        CaptureConfig config = checkCapture(configText);
        Job job = jobs.add(tenant, name == null || name.isBlank() ? config.name() : name, JobKind.CAPTURE, configText,
                null, start ? DesiredState.RUNNING : DesiredState.STOPPED);
        if (start) {
            launch(job);
        }
        return capture(job.tenant(), job.name());
    }

    /** Parses a capture config and refuses what a server job cannot hold or use. */
    static CaptureConfig checkCapture(String configText) {
        CaptureConfig config = CaptureConfig.parse(requireNonNull(configText, "configText is null"));
        if (config.password() != null) {
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "the capture config has an inline password; the "
                    + "server keeps job configs as they are and stores secrets only encrypted, in connections",
                    "save the source as a connection of this tenant and write 'connection: <conn_id>' instead of "
                            + "address, user and password");
        }
        if (config.sink().url() != null) {
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "the capture config has sink.url, which may hold a "
                    + "password; the server stores secrets only encrypted, in connections",
                    "save the target as a connection of this tenant and write 'sink.connection: <conn_id>'");
        }
        if (config.sink().type().equals("stdout")) {
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "sink.type stdout has no reader in the server",
                    "use the jsonl, kafka or postgres sink");
        }
        return config;
    }

    public List<CaptureView> captures(String tenant) {
        return jobs.list(tenant, JobKind.CAPTURE).stream().map(j -> view(j, false)).toList();
    }

    /** One capture; asks the source for the slot's lag when no sample of a running capture is fresh. */
    public CaptureView capture(String tenant, String name) {
        return view(jobs.require(tenant, JobKind.CAPTURE, name), true);
    }

    /** Sets the capture's desired state to running and starts it (a running capture stays as it is). */
    public CaptureView startCapture(String tenant, String name) {
        Job job = jobs.require(tenant, JobKind.CAPTURE, name);
        jobs.setDesired(job.tenant(), JobKind.CAPTURE, job.name(), DesiredState.RUNNING);
        launch(job);
        return capture(job.tenant(), job.name());
    }

    /** Sets the capture's desired state to stopped and stops it: flushed, checkpointed, confirmed, then returns. */
    public CaptureView stopCapture(String tenant, String name) {
        Job job = jobs.require(tenant, JobKind.CAPTURE, name);
        jobs.setDesired(job.tenant(), JobKind.CAPTURE, job.name(), DesiredState.STOPPED);
        ManagedCapture m = captures.get(key(job));
        if (m != null) {
            m.stop(settings.stopTimeout());
        }
        return capture(job.tenant(), job.name());
    }

    /**
     * Stops and removes a capture with its state directory (checkpoint). The replication slot and publication on the
     * source stay (the message of the API says so): {@code pgbridge capture drop} removes them.
     */
    public void deleteCapture(String tenant, String name) {
        Job job = jobs.require(tenant, JobKind.CAPTURE, name);
        ManagedCapture m = captures.get(key(job));
        if (m != null) {
            m.stop(settings.stopTimeout());
            if (m.alive()) {
                throw new PgBridgeException(ErrorCode.CAPTURE_LOCKED, "capture " + job.name() + " did not stop within "
                        + settings.stopTimeout().toSeconds() + " s", "try again; see the server log");
            }
        }
        jobs.delete(job.tenant(), JobKind.CAPTURE, job.name());
        captures.remove(key(job));
        try {
            directory(job).delete();
        }
        catch (IOException e) {
            throw new PgBridgeException(ErrorCode.IO, "capture " + job.name() + " is deleted, but its state directory "
                    + directory(job).dir() + " is not: " + e.getMessage(), "delete the directory by hand", e);
        }
    }

    private synchronized void launch(Job job) {
        if (closed) {
            throw new PgBridgeException(ErrorCode.SERVER_SHUTDOWN, "the server is shutting down", "start it again");
        }
        String key = key(job);
        ManagedCapture existing = captures.get(key);
        if (existing != null && existing.alive()) {
            return;
        }
        CaptureConfig config = checkCapture(job.config());
        ManagedCapture m = new ManagedCapture(job.tenant(), job.name(), config, directory(job));
        if (existing != null) {
            m.inherit(existing);
        }
        captures.put(key, m);
        jobs.recordRun(job.tenant(), JobKind.CAPTURE, job.name(), clock.instant(), "running", null);
        m.thread = Thread.ofPlatform().name("pgbridge-capture-" + job.tenant() + "-" + job.name()).start(() -> run(m));
    }

    private void run(ManagedCapture m) {
        ChangeSink sink = null;
        try {
            ConnectionConfig source = m.config.connection() != null ? connection(m.config.connection(), m.tenant)
                    : m.config.sourceConnection().orElseThrow();
            m.sourceConfig = source;
            try {
                m.directory.prepare();
            }
            catch (IOException e) {
                throw new PgBridgeException(ErrorCode.IO, "cannot prepare the capture's state directory "
                        + m.directory.dir() + ": " + e.getMessage(), "check PGBRIDGE_HOME and its permissions", e);
            }
            CheckpointStore checkpoints = new CheckpointStore(m.directory.checkpoint());
            m.baseline = checkpoints.load().map(JobRunner::events).orElse(0L);
            sink = SinkFactory.open(m.config.sink().settings(), new SinkFactory.Context(m.config.name(), source,
                    id -> connection(id, m.tenant), NO_STDOUT));
            CaptureEngine engine = new CaptureEngine(m.config, source, sink, checkpoints, m.directory.spill(),
                    settings.engine());
            synchronized (m) {
                if (m.stopRequested) {
                    m.state = CaptureState.STOPPED;
                    sink.close();
                    return;
                }
                m.engine = engine;
                m.state = CaptureState.RUNNING;
            }
            sink = null; // the engine closes it
            LOG.info("capture {}/{} starting: {}", m.tenant, m.name, m.config);
            engine.run();
            m.finalEvents = m.events();
            m.state = CaptureState.STOPPED;
            m.rate = 0;
            LOG.info("capture {}/{} stopped", m.tenant, m.name);
            jobs.recordRun(m.tenant, JobKind.CAPTURE, m.name, null, "stopped", null);
        }
        catch (PgBridgeException e) {
            failed(m, e.oneLine(), sink);
        }
        catch (RuntimeException e) {
            LOG.error("capture {}/{} failed unexpectedly", m.tenant, m.name, e);
            failed(m, "internal error: " + e.getClass().getSimpleName() + ": " + e.getMessage()
                    + " (hint: see the server log)", sink);
        }
    }

    private void failed(ManagedCapture m, String error, ChangeSink sink) {
        if (sink != null) {
            try {
                sink.close();
            }
            catch (RuntimeException e) {
                LOG.warn("capture {}/{}: closing the sink failed: {}", m.tenant, m.name, e.getMessage());
            }
        }
        m.finalEvents = m.events();
        m.error = error;
        m.rate = 0;
        m.state = CaptureState.FAILED;
        LOG.warn("capture {}/{} failed: {}", m.tenant, m.name, error);
        try {
            jobs.recordRun(m.tenant, JobKind.CAPTURE, m.name, null, "failed", error);
        }
        catch (PgBridgeException e) {
            LOG.warn("capture {}/{}: cannot record the failure: {}", m.tenant, m.name, e.oneLine());
        }
    }

    private CaptureView view(Job job, boolean lookAtSource) {
        ManagedCapture m = captures.get(key(job));
        CaptureConfig config;
        try {
            config = CaptureConfig.parse(job.config());
        }
        catch (PgBridgeException e) {
            config = null;
        }
        CaptureDirectory dir = directory(job);
        Checkpoint checkpoint = new CheckpointStore(dir.checkpoint()).load().orElse(null);
        CaptureStatus live = m == null || m.engine == null ? null : m.engine.status();
        SourceStatus source = m == null ? null : m.source;
        if (lookAtSource && config != null && (source == null || m.sourceAt == null
                || m.sourceAt.isBefore(clock.instant().minus(settings.sampleInterval().multipliedBy(3))))) {
            source = lookAtSource(job, config, m).orElse(source);
        }
        CaptureState state = m == null ? (job.lastResult() != null && job.lastResult().equals("failed")
                ? CaptureState.FAILED : CaptureState.STOPPED) : m.state;
        String error = m != null && m.error != null ? m.error : job.lastError();
        long events = m != null ? m.events() : checkpoint == null ? 0 : events(checkpoint);
        return new CaptureView(job.tenant(), job.name(), state.id(), job.desired().id(),
                config == null ? null : config.slotName(), config == null ? null : config.publicationName(),
                config == null ? null : config.sink().type(), events, m == null ? 0 : m.rate,
                source == null ? null : source.lagBytes(), source == null ? null : source.active(),
                checkpoint == null ? null : checkpoint.commitLsn().toString(),
                checkpoint == null ? null : checkpoint.updatedAt(), tables(config, checkpoint, live, source),
                job.lastRunAt(), error, job.config());
    }

    /** Per table: the live status of a running capture, else the checkpoint (as {@code capture status} reads it). */
    private static List<CaptureView.TableProgress> tables(CaptureConfig config, Checkpoint checkpoint,
                                                          CaptureStatus live, SourceStatus source) {
        Map<TableId, JsonNode> backfill = byTable(checkpoint == null || checkpoint.backfill() == null ? null
                : checkpoint.backfill().get("tables"));
        Map<TableId, JsonNode> stats = byTable(checkpoint == null ? null : checkpoint.tables());
        SortedSet<TableId> known = new TreeSet<>(backfill.keySet());
        known.addAll(stats.keySet());
        if (config != null) {
            known.addAll(config.bindings());
        }
        if (live != null) {
            known.addAll(live.backfill().keySet());
            known.addAll(live.tables().keySet());
        }
        List<CaptureView.TableProgress> out = new ArrayList<>();
        for (TableId t : known) {
            Long estimate = source == null ? null : source.estimatedRows().get(t);
            BackfillProgress p = live == null ? null : live.backfill().get(t);
            CaptureStatus.TableStat s = live == null ? null : live.tables().get(t);
            JsonNode b = backfill.get(t);
            JsonNode st = stats.get(t);
            String state;
            String mode;
            long rows;
            if (p != null) {
                state = p.state().label();
                mode = p.mode().label();
                rows = p.rows();
            }
            else {
                state = b == null ? (checkpoint == null ? "not started" : "pending") : b.path("state").asText();
                mode = b == null ? null : b.path("mode").asText(null);
                rows = b == null ? 0 : b.path("rows").asLong();
            }
            long events = s != null ? s.events() : st == null ? 0 : st.path("events").asLong();
            String lastCommit = s != null && s.lastCommitTime() != null ? s.lastCommitTime().toString()
                    : st == null || !st.hasNonNull("last_commit_time") ? null : st.get("last_commit_time").asText();
            out.add(new CaptureView.TableProgress(t.toString(), state, mode, rows, estimate,
                    SourceStatus.progress(state, rows, estimate), events, lastCommit));
        }
        return out;
    }

    private static Map<TableId, JsonNode> byTable(JsonNode node) {
        Map<TableId, JsonNode> out = new TreeMap<>();
        if (node != null) {
            for (JsonNode n : node) {
                out.put(new TableId(n.get("schema").asText(), n.get("table").asText()), n);
            }
        }
        return out;
    }

    /** Events of every table in a checkpoint (what the engine counts on from after a restart). */
    private static long events(Checkpoint checkpoint) {
        long sum = 0;
        if (checkpoint.tables() != null) {
            for (JsonNode n : checkpoint.tables()) {
                sum += n.path("events").asLong();
            }
        }
        return sum;
    }

    /** Asks the source about the slot and the tables (a stopped capture's slot still holds WAL). */
    private Optional<SourceStatus> lookAtSource(Job job, CaptureConfig config, ManagedCapture m) {
        ConnectionConfig source;
        try {
            source = m != null && m.sourceConfig != null ? m.sourceConfig : config.connection() != null
                    ? connection(config.connection(), job.tenant())
                    : config.sourceConnection().orElseThrow();
        }
        catch (PgBridgeException e) {
            return Optional.empty();
        }
        try (Connection c = JdbcTarget.of(source).connect()) {
            SourceStatus s = SourceStatus.read(c, config.slotName(), config.bindings());
            if (m != null) {
                m.source = s;
                m.sourceAt = clock.instant();
            }
            return Optional.of(s);
        }
        catch (SQLException e) {
            LOG.debug("capture {}/{}: cannot ask the source: {}", job.tenant(), job.name(),
                    SqlErrors.translate(e, source).getMessage());
            return Optional.empty();
        }
        catch (PgBridgeException e) {
            LOG.debug("capture {}/{}: cannot ask the source: {}", job.tenant(), job.name(), e.getMessage());
            return Optional.empty();
        }
    }

    private void sampleQuietly() {
        try {
            sample();
        }
        catch (RuntimeException e) {
            LOG.warn("sampling the captures failed", e);
        }
    }

    /** Each running capture's event rate and its slot's lag. */
    void sample() {
        for (ManagedCapture m : captures.values()) {
            if (m.state != CaptureState.RUNNING || closed) {
                continue;
            }
            Instant now = Instant.now();
            long events = m.events();
            if (m.sampledAt != null) {
                double seconds = Duration.between(m.sampledAt, now).toMillis() / 1000.0;
                if (seconds > 0) {
                    m.rate = Math.max(0, events - m.sampledEvents) / seconds;
                }
            }
            m.sampledAt = now;
            m.sampledEvents = events;
            jobs.find(m.tenant, JobKind.CAPTURE, m.name).ifPresent(job -> lookAtSource(job, m.config, m));
        }
    }

    // ---- workflows

    /** Registers a workflow (the YAML {@code pgbridge metadata run --config} reads) with an optional cron schedule. */
    public WorkflowView registerWorkflow(String tenant, String name, String configText, String schedule) {
        Workflow workflow = readWorkflow(configText, name);
        String cron = schedule == null || schedule.isBlank() ? null : CronSchedule.parse(schedule).toString();
        Job job = jobs.add(tenant, name == null || name.isBlank() ? workflow.serviceName() : name, JobKind.WORKFLOW,
                configText, cron, DesiredState.RUNNING);
        return workflow(job.tenant(), job.name());
    }

    /** Reads a workflow without the environment ({@code ${VAR}} is not filled from the server's) and refuses secrets. */
    static Workflow readWorkflow(String configText, String name) {
        Workflow workflow = new WorkflowReader(Map.of()).read(requireNonNull(configText, "configText is null"),
                name == null ? "workflow" : name);
        if (workflow.connection().password() != null) {
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "the workflow has an inline password; the server "
                    + "keeps job configs as they are and stores secrets only encrypted, in connections",
                    "save the source as a connection of this tenant and write serviceConnection.config.connection: "
                            + "<conn_id> instead of the password");
        }
        if (workflow.sink().server() != null && workflow.sink().server().jwtToken() != null) {
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "the workflow has an inline jwtToken; the server "
                    + "does not store secrets in job configs", "run metadata-rest workflows with 'pgbridge metadata "
                    + "run', or use the pgbridge (local catalog) or file sink here");
        }
        return workflow;
    }

    public List<WorkflowView> workflows(String tenant) {
        return jobs.list(tenant, JobKind.WORKFLOW).stream().map(this::view).toList();
    }

    public WorkflowView workflow(String tenant, String name) {
        return view(jobs.require(tenant, JobKind.WORKFLOW, name));
    }

    /** Runs the workflow now, in the background; CAPTURE_LOCKED (409) while a run of it is going on. */
    public WorkflowView runWorkflow(String tenant, String name) {
        Job job = jobs.require(tenant, JobKind.WORKFLOW, name);
        if (!trigger(job)) {
            throw new PgBridgeException(ErrorCode.CAPTURE_LOCKED, "workflow " + job.name() + " is running already",
                    "wait for it to finish (GET /api/v1/workflows/" + job.name() + ")");
        }
        return view(jobs.require(tenant, JobKind.WORKFLOW, name));
    }

    public void deleteWorkflow(String tenant, String name) {
        Job job = jobs.require(tenant, JobKind.WORKFLOW, name);
        jobs.delete(job.tenant(), JobKind.WORKFLOW, job.name());
        processed.remove(key(job));
    }

    private WorkflowView view(Job job) {
        String type;
        try {
            type = readWorkflow(job.config(), job.name()).pipelineType();
        }
        catch (PgBridgeException e) {
            type = null;
        }
        Instant next = job.schedule() == null || job.desired() != DesiredState.RUNNING ? null
                : CronSchedule.parse(job.schedule()).next(since(job));
        return new WorkflowView(job.tenant(), job.name(), type, job.schedule(), job.desired().id(), next,
                runningWorkflows.containsKey(key(job)), job.lastRunAt(), job.lastResult(), job.lastError(),
                processed.get(key(job)), job.config());
    }

    /** The last run, or (before the first) when the workflow was registered or last changed. */
    private static Instant since(Job job) {
        return job.lastRunAt() != null && job.lastRunAt().isAfter(job.updatedAt()) ? job.lastRunAt() : job.updatedAt();
    }

    private void tickQuietly() {
        try {
            tick();
        }
        catch (RuntimeException e) {
            LOG.warn("checking the workflow schedules failed", e);
        }
    }

    /** Starts every scheduled workflow that is due on the runner's clock (and not running). */
    void tick() {
        Instant now = clock.instant();
        for (Job job : jobs.listAll(JobKind.WORKFLOW)) {
            if (closed || job.schedule() == null || job.desired() != DesiredState.RUNNING) {
                continue;
            }
            try {
                if (CronSchedule.parse(job.schedule()).due(since(job), now)) {
                    trigger(job);
                }
            }
            catch (PgBridgeException e) {
                jobs.recordRun(job.tenant(), JobKind.WORKFLOW, job.name(), now, "failed", e.oneLine());
            }
        }
    }

    /** Starts a run in the background; false when one is running. */
    private boolean trigger(Job job) {
        String key = key(job);
        Instant now = clock.instant();
        if (closed || runningWorkflows.putIfAbsent(key, now) != null) {
            return false;
        }
        try {
            jobs.recordRun(job.tenant(), JobKind.WORKFLOW, job.name(), now, "running", null);
            workflowThreads.execute(() -> runWorkflow(job, key));
        }
        catch (RuntimeException e) {
            runningWorkflows.remove(key);
            throw e;
        }
        return true;
    }

    private void runWorkflow(Job job, String key) {
        String result;
        String error = null;
        try {
            Workflow workflow = readWorkflow(job.config(), job.name());
            LOG.info("workflow {}/{} running", job.tenant(), job.name());
            WorkflowRunner.Result r = new WorkflowRunner(resolver(), job.tenant(), () -> db, clock).run(workflow);
            result = r.failed() ? "failed" : "ok";
            processed.put(key, r.steps().get(0).processedCount());
            if (r.failed()) {
                error = r.steps().stream().flatMap(s -> s.errors().stream().map(e -> s.step() + ": " + e))
                        .limit(3).reduce((a, b) -> a + "; " + b).orElse(null);
            }
            else {
                List<String> warnings = r.steps().stream().map(StepStatus::warnings).flatMap(List::stream).toList();
                if (!warnings.isEmpty()) {
                    LOG.info("workflow {}/{}: {} warnings, the first: {}", job.tenant(), job.name(), warnings.size(),
                            warnings.get(0));
                }
            }
        }
        catch (PgBridgeException e) {
            result = "failed";
            error = e.oneLine();
        }
        catch (RuntimeException e) {
            LOG.error("workflow {}/{} failed unexpectedly", job.tenant(), job.name(), e);
            result = "failed";
            error = "internal error: " + e.getClass().getSimpleName() + " (hint: see the server log)";
        }
        try {
            LOG.info("workflow {}/{} finished: {}{}", job.tenant(), job.name(), result, error == null ? "" : ": " + error);
            if (jobs.find(job.tenant(), JobKind.WORKFLOW, job.name()).isPresent()) {
                jobs.recordRun(job.tenant(), JobKind.WORKFLOW, job.name(), null, result, error);
            }
        }
        finally {
            runningWorkflows.remove(key);
        }
    }

    // ----

    /** The tenant's saved connections, never the server's environment. */
    private ConnectionResolver resolver() {
        return new ConnectionResolver(Map.of(), () -> connections);
    }

    /** A connection of the job's tenant; not found says where a job looks. */
    private ConnectionConfig connection(String connId, String tenant) {
        try {
            return resolver().resolve(connId, tenant).config();
        }
        catch (PgBridgeException e) {
            if (e.code() != ErrorCode.CONNECTION_NOT_FOUND) {
                throw e;
            }
            throw new PgBridgeException(ErrorCode.CONNECTION_NOT_FOUND, "no connection '" + connId + "' in tenant '"
                    + tenant + "'", "save it under Connections in tenant " + tenant + ": a job's connections resolve in "
                    + "its own tenant, from the server's store only", e);
        }
    }

    private CaptureDirectory directory(Job job) {
        return CaptureDirectory.of(capturesRoot.resolve(job.tenant()), job.name());
    }

    private static String key(Job job) {
        return job.tenant() + "/" + job.name();
    }

    /** Stops every capture cleanly (their desired state stays: the next start resumes them) and the schedule. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        timer.shutdownNow();
        List<ManagedCapture> all = new ArrayList<>(captures.values());
        all.sort(Comparator.comparing(m -> m.name));
        for (ManagedCapture m : all) {
            m.requestStop();
        }
        for (ManagedCapture m : all) {
            m.await(settings.stopTimeout());
        }
        workflowThreads.shutdown();
        try {
            if (!workflowThreads.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("workflows still running at shutdown: {}", runningWorkflows.keySet());
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The stdout sink is refused for server jobs; this stream is never written. */
    private static final PrintStream NO_STDOUT = new PrintStream(OutputStream.nullOutputStream(), false,
            StandardCharsets.UTF_8);
}
