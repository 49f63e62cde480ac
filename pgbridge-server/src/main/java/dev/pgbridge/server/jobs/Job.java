package dev.pgbridge.server.jobs;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/**
 * A managed job as the control store keeps it (table {@code server_job}).
 *
 * @param config     the text the CLI takes: a capture config ({@code pgbridge capture run --config}) or a workflow
 *                   YAML ({@code pgbridge metadata run --config}); it holds no secret (the server refuses inline
 *                   passwords: a config names saved connections of its tenant)
 * @param schedule   a 5-field cron expression (workflows only), or null
 * @param lastRunAt  when the job last started (a capture) or ran (a workflow); null before the first time
 * @param lastResult {@code running}, {@code ok}, {@code stopped} or {@code failed}; null before the first run
 * @param lastError  the last failure in one line (message and hint), or null
 */
public record Job(String tenant, String name, JobKind kind, String config, String schedule, DesiredState desired,
                  Instant createdAt, Instant updatedAt, Instant lastRunAt, String lastResult, String lastError) {
    public Job {
        requireNonNull(tenant, "tenant is null");
        requireNonNull(name, "name is null");
        requireNonNull(kind, "kind is null");
        requireNonNull(config, "config is null");
        requireNonNull(desired, "desired is null");
        requireNonNull(createdAt, "createdAt is null");
        requireNonNull(updatedAt, "updatedAt is null");
    }

    @Override
    public String toString() {
        return "Job[" + kind.id() + " " + tenant + "/" + name + ", desired " + desired.id() + "]";
    }
}
