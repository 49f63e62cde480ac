package dev.pgbridge.metadata.profile;

import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.metadata.ingest.MetadataIngestion;
import dev.pgbridge.metadata.ingest.StepStatus;
import dev.pgbridge.metadata.openmetadata.RequestSink;

import static java.util.Objects.requireNonNull;

/** Runs a Profiler workflow into a sink (placeholder until the pipeline lands). */
public final class Profiler {
    private final String serviceName;
    private final ProfilerSettings settings;
    private final StepStatus source;
    private final StepStatus sink;

    public Profiler(String serviceName, ProfilerSettings settings, StepStatus source, StepStatus sink) {
        this.serviceName = requireNonNull(serviceName, "serviceName is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.source = requireNonNull(source, "source is null");
        this.sink = requireNonNull(sink, "sink is null");
    }

    public void run(MetadataIngestion.Connector connector, RequestSink out) {
        throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "a Profiler workflow is not built yet (service " + serviceName
                + ", " + settings + ", " + source.step() + " → " + sink.step() + ")", "run a DatabaseMetadata workflow");
    }
}
