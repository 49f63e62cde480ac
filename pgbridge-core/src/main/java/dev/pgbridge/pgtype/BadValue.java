package dev.pgbridge.pgtype;

/** A JSON value that cannot be a value of its column's type; the message names the type, never the value. */
public final class BadValue extends IllegalArgumentException {
    BadValue(String message) {
        super(message);
    }

    BadValue(String message, Throwable cause) {
        super(message, cause);
    }
}
