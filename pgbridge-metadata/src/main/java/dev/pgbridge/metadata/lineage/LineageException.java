package dev.pgbridge.metadata.lineage;

import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;

/**
 * A statement whose lineage cannot be derived: JSqlParser cannot parse it, or it uses a construct lineage does not
 * understand. The message names the statement (its start) and why.
 */
public final class LineageException extends PgBridgeException {
    private static final long serialVersionUID = 1L;
    private static final int SHOWN = 60;

    LineageException(String sql, String why, String hint) {
        this(sql, why, hint, null);
    }

    LineageException(String sql, String why, String hint, Throwable cause) {
        super(ErrorCode.INVALID_DATA, "cannot parse " + start(sql) + ": " + why, hint, cause);
    }

    /** The statement's first characters on one line, for messages. */
    static String start(String sql) {
        String oneLine = sql.strip().replaceAll("\\s+", " ");
        return oneLine.length() <= SHOWN ? "'" + oneLine + "'" : "'" + oneLine.substring(0, SHOWN) + "…'";
    }
}
