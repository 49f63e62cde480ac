package dev.pgbridge.doctor;

import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * One step of a connection test: a stable {@code name} ({@link #DNS}, {@link #TCP}, …), its status, what was found
 * (for a failure, the translated error's message), the hint and error code of a failure, and how long it took.
 */
public record TestStep(String name, Status status, String detail, String hint, ErrorCode errorCode, Duration duration) {
    public static final String DNS = "dns";
    public static final String TCP = "tcp";
    public static final String TLS = "tls";
    public static final String AUTHENTICATION = "authentication";
    public static final String DATABASE = "database";
    public static final String SERVER_VERSION = "server_version";

    /** The outcome of a step. */
    public enum Status { OK, FAIL, SKIPPED }

    public TestStep {
        requireNonNull(name, "name is null");
        requireNonNull(status, "status is null");
        requireNonNull(detail, "detail is null");
        requireNonNull(duration, "duration is null");
    }

    static TestStep ok(String name, String detail, Duration duration) {
        return new TestStep(name, Status.OK, detail, null, null, duration);
    }

    static TestStep fail(String name, PgBridgeException error, Duration duration) {
        return new TestStep(name, Status.FAIL, error.getMessage(), error.hint(), error.code(), duration);
    }

    static TestStep skipped(String name, String why) {
        return new TestStep(name, Status.SKIPPED, why, null, null, Duration.ZERO);
    }
}
