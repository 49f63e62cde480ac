package dev.pgbridge.metadata.lineage;

import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;

/**
 * A statement whose lineage cannot be derived: JSqlParser cannot parse it, or it uses a construct lineage does not
 * understand. The message names the statement (its start, literals masked: {@link StatementText}) and why.
 */
public final class LineageException extends PgBridgeException {
    private static final long serialVersionUID = 1L;

    LineageException(String sql, String why, String hint) {
        this(sql, why, hint, null);
    }

    LineageException(String sql, String why, String hint, Throwable cause) {
        super(ErrorCode.INVALID_DATA, "cannot parse " + StatementText.excerpt(sql) + ": "
                + StatementText.maskLiterals(why), hint, cause);
    }

}
