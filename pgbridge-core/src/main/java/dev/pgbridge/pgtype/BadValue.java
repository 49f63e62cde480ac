package dev.pgbridge.pgtype;

/** A JSON value that cannot be a value of its column's type; the message names the type, never the value. */
public final class BadValue extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    BadValue(String message) {
        super(message);
    }

    BadValue(String message, Throwable cause) {
        super(message, cause);
    }
}
