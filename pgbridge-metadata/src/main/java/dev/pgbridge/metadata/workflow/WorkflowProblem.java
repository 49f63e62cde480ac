package dev.pgbridge.metadata.workflow;

import static java.util.Objects.requireNonNull;

/**
 * One thing wrong in a workflow file.
 *
 * @param path    where, as a path in the file: {@code source.sourceConfig.config.tableFilterPattern.includes[1]}
 * @param message what is wrong
 * @param hint    what to write instead (valid choices, "did you mean"); null when there is nothing to offer
 */
public record WorkflowProblem(String path, String message, String hint) {
    public WorkflowProblem {
        requireNonNull(path, "path is null");
        requireNonNull(message, "message is null");
    }

    /** {@code path: message}. */
    public String describe() {
        return path.isEmpty() ? message : path + ": " + message;
    }
}
