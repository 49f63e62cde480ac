package dev.pgbridge.server.jobs;

import java.util.Locale;

/** What a managed job runs: a capture (until stopped) or a metadata workflow (now, or on its cron schedule). */
public enum JobKind {
    CAPTURE, WORKFLOW;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    static JobKind ofId(String id) {
        return valueOf(id.toUpperCase(Locale.ROOT));
    }
}
