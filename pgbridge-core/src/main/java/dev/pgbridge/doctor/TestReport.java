package dev.pgbridge.doctor;

import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The steps of a connection test in the order they ran; the test stops at the first failure. {@code tls} is the
 * short verdict on the session's TLS when every step passed ("TLSv1.3, the certificate is verified against /etc/ca.crt
 * (CA chain and host name)", "not encrypted"), else null.
 */
public record TestReport(List<TestStep> steps, String tls) {
    public TestReport {
        steps = List.copyOf(requireNonNull(steps, "steps is null"));
    }

    public TestReport(List<TestStep> steps) {
        this(steps, null);
    }

    /** The short TLS verdict of a passed test. */
    public Optional<String> tlsVerdict() {
        return Optional.ofNullable(tls);
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
