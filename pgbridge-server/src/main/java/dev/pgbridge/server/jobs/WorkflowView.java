package dev.pgbridge.server.jobs;

import java.time.Instant;

/**
 * A workflow as the API and the pages show it.
 *
 * @param pipelineType {@code DatabaseMetadata}, {@code DatabaseUsage} or {@code DatabaseLineage}
 * @param nextRun      when the schedule fires next (null without a schedule or while paused)
 * @param lastResult   {@code running}, {@code ok} or {@code failed}; null before the first run
 * @param processed    records the last run processed in this server's lifetime (null when not known)
 */
public record WorkflowView(String tenant, String name, String pipelineType, String schedule, String desired,
                           Instant nextRun, boolean running, Instant lastRunAt, String lastResult, String lastError,
                           Long processed, String config) {}
