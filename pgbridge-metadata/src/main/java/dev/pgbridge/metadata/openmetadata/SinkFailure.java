package dev.pgbridge.metadata.openmetadata;

import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;

/**
 * A failure after which a sink cannot go on (the server is unreachable, the token is refused): the run ends with it
 * as an error of the sink step. A failure of one request is not one of these; the sink records it and goes on.
 */
public final class SinkFailure extends PgBridgeException {
    private static final long serialVersionUID = 1L;

    public SinkFailure(ErrorCode code, String message, String hint) {
        super(code, message, hint);
    }

    public SinkFailure(ErrorCode code, String message, String hint, Throwable cause) {
        super(code, message, hint, cause);
    }
}
