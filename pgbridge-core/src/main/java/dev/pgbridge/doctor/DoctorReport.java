package dev.pgbridge.doctor;

import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** Every check the doctor ran, general ones first, then per capability. */
public record DoctorReport(List<DoctorCheck> checks) {
    public DoctorReport {
        checks = List.copyOf(requireNonNull(checks, "checks is null"));
    }

    /** True when no check failed (warnings allowed). */
    public boolean ok() {
        return checks.stream().noneMatch(c -> c.status() == DoctorCheck.Status.FAIL);
    }

    public Optional<DoctorCheck> check(String name) {
        return checks.stream().filter(c -> c.name().equals(name)).findFirst();
    }
}
