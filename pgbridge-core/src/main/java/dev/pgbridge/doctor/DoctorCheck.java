package dev.pgbridge.doctor;

import static java.util.Objects.requireNonNull;

/**
 * One doctor finding: a stable {@code name} (e.g. {@code cdc.wal_level}), the capability it serves (null for the
 * general {@code connect} and {@code tls} checks), its status, what was found, and the exact SQL or setting that
 * fixes it (null when nothing needs fixing).
 */
public record DoctorCheck(String name, Capability capability, Status status, String found, String fix) {
    /** The outcome of a check. */
    public enum Status { OK, WARN, FAIL }

    public DoctorCheck {
        requireNonNull(name, "name is null");
        requireNonNull(status, "status is null");
        requireNonNull(found, "found is null");
        if (status != Status.OK) {
            requireNonNull(fix, "a check that is not ok needs a fix");
        }
    }

    static DoctorCheck ok(String name, Capability capability, String found) {
        return new DoctorCheck(name, capability, Status.OK, found, null);
    }

    static DoctorCheck warn(String name, Capability capability, String found, String fix) {
        return new DoctorCheck(name, capability, Status.WARN, found, fix);
    }

    static DoctorCheck fail(String name, Capability capability, String found, String fix) {
        return new DoctorCheck(name, capability, Status.FAIL, found, fix);
    }
}
