package dev.pgbridge.cdc.pgoutput;

/** The bytes are not a valid pgoutput message; {@link #offset()} is where reading stopped. */
public final class MalformedMessageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int offset;

    public MalformedMessageException(String message, int offset) {
        super(message + " (at byte " + offset + ")");
        this.offset = offset;
    }

    public int offset() {
        return offset;
    }
}
