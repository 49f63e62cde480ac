package dev.pgbridge.server.api;

import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;

import java.util.LinkedHashMap;
import java.util.Map;

/** The one mapping of pgbridge's errors to HTTP: a status by error code and the body {@code {error, message, hint}}. */
public final class ErrorResponses {
    private ErrorResponses() {}

    public static int status(ErrorCode code) {
        return switch (code) {
            case UNAUTHENTICATED, TOKEN_EXPIRED -> 401;
            case FORBIDDEN, INSECURE_CHANNEL -> 403;
            case CONNECTION_NOT_FOUND, NOT_FOUND -> 404;
            case CONNECTION_EXISTS, CAPTURE_LOCKED, CANCELED -> 409;
            case RATE_LIMITED -> 429;
            case INVALID_URI, INVALID_CONFIG, INVALID_CONN_ID, INVALID_NAME, INVALID_DATA, SQL_ERROR -> 400;
            case TIMEOUT -> 504;
            case STORE, MASTER_KEY, IO, INTERNAL -> 500;
            default -> 502; // the database behind a connection failed: a bad gateway from the server's point of view
        };
    }

    public static Map<String, Object> body(PgBridgeException e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", e.code().name());
        body.put("message", e.getMessage());
        if (e.hint() != null) {
            body.put("hint", e.hint());
        }
        return body;
    }
}
