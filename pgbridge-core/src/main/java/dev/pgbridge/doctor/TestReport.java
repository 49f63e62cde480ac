package dev.pgbridge.doctor;

import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** The steps of a connection test in the order they ran; the test stops at the first failure. */
public record TestReport(List<TestStep> steps) {
    public TestReport {
        steps = List.copyOf(requireNonNull(steps, "steps is null"));
    }

    /** True when no step failed. */
    public boolean ok() {
        return steps.stream().noneMatch(s -> s.status() == TestStep.Status.FAIL);
    }

    /** The failed step, if any. */
    public Optional<TestStep> failure() {
        return steps.stream().filter(s -> s.status() == TestStep.Status.FAIL).findFirst();
    }

    public Optional<TestStep> step(String name) {
        return steps.stream().filter(s -> s.name().equals(name)).findFirst();
    }
}
