package dev.pgbridge.cli.command;

import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;

/**
 * A usage error found while a command runs (two options that exclude each other, a value only the command can
 * check): printed like a parse error, with the command's usage line, and exit code 2.
 */
public final class UsageError extends PgBridgeException {
    private static final long serialVersionUID = 1L;

    public UsageError(String message, String hint) {
        super(ErrorCode.INVALID_CONFIG, message, hint);
    }
}
