package dev.pgbridge.connection;

import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;

/**
 * The errors of the connection codecs. Messages name the part of the input that is wrong (the port, the query
 * parameter {@code sslmode}, character 17) but never quote a value, because a value may be — or contain a piece
 * of — a password.
 */
final class CodecErrors {
    static final String ENCODE_PASSWORD_HINT = "percent-encode special characters in the login and password "
            + "(/ as %2F, # as %23, ? as %3F, @ as %40, : as %3A, % as %25, space as %20)";
    static final String PORT_HINT = "give the port as a number from 1 to 65535; if the password contains / # ? or @, "
            + ENCODE_PASSWORD_HINT;

    private CodecErrors() {}

    static PgBridgeException invalidUri(String message, String hint) {
        return new PgBridgeException(ErrorCode.INVALID_URI, message, hint);
    }

    static PgBridgeException invalidConfig(String message, String hint) {
        return new PgBridgeException(ErrorCode.INVALID_CONFIG, message, hint);
    }
}
