package dev.pgbridge.cdc.sink;

import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;

/**
 * A sink refused or lost what it was given: what failed, why, and what to do, with the code of the cause (a missing
 * privilege in the target, a full disk, a Kafka ACL). A sink that failed refuses everything after it, so the capture
 * stops rather than retrying; started again it resumes from its checkpoint.
 */
public final class SinkFailure extends PgBridgeException {
    private static final long serialVersionUID = 1L;

    public SinkFailure(ErrorCode code, String message, String hint, Throwable cause) {
        super(code, message, hint, cause);
    }

    public SinkFailure(ErrorCode code, String message, String hint) {
        super(code, message, hint, null);
    }
}
