package dev.pgbridge.cdc.replication;

import static java.util.Objects.requireNonNull;

/** A prerequisite that does not hold: what is wrong, and the exact SQL (or step) that fixes it. */
public record SetupProblem(String problem, String fix) {
    public SetupProblem {
        requireNonNull(problem, "problem is null");
        requireNonNull(fix, "fix is null");
    }

    @Override
    public String toString() {
        return problem + "\n    fix: " + fix.replace("\n", "\n         ");
    }
}
