package dev.pgbridge.error;

import static java.util.Objects.requireNonNull;

/**
 * The one exception type of pgbridge: what failed and why ({@link #getMessage()}), what to do ({@link #hint()}),
 * and a code for machines. Messages and hints never carry a secret.
 */
public class PgBridgeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final String hint;

    public PgBridgeException(ErrorCode code, String message, String hint) {
        this(code, message, hint, null);
    }

    public PgBridgeException(ErrorCode code, String message, String hint, Throwable cause) {
        super(requireNonNull(message, "message is null"), cause);
        this.code = requireNonNull(code, "code is null");
        this.hint = hint;
    }

    public ErrorCode code() {
        return code;
    }

    /** What the user can do about it; may be null. */
    public String hint() {
        return hint;
    }

    /** One line for people: {@code message (hint: …)}. */
    public String oneLine() {
        return hint == null ? getMessage() : getMessage() + " (hint: " + hint + ")";
    }
}
