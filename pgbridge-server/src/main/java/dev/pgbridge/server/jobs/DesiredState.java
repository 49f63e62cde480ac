package dev.pgbridge.server.jobs;

import java.util.Locale;

/**
 * What a user asked a job to be: a capture {@code running} runs (and is resumed when the server starts), a workflow
 * {@code running} fires on its schedule; {@code stopped} does neither. What a job actually does is its
 * {@link JobRunner.CaptureState} or its last run.
 */
public enum DesiredState {
    RUNNING, STOPPED;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    static DesiredState ofId(String id) {
        return valueOf(id.toUpperCase(Locale.ROOT));
    }
}
