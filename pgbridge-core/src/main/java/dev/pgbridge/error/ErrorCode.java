package dev.pgbridge.error;

/** Closed set of failure classes; each has its own message and hint where it is raised. */
public enum ErrorCode {
    INVALID_URI,
    INVALID_CONFIG,
    INVALID_CONN_ID,
    CONNECTION_NOT_FOUND,
    CONNECTION_EXISTS,
    UNKNOWN_HOST,
    CONNECTION_REFUSED,
    TIMEOUT,
    TLS_REQUIRED_BY_SERVER,
    TLS_NOT_SUPPORTED_BY_SERVER,
    TLS_VERIFY_FAILED,
    AUTHENTICATION_FAILED,
    NO_PG_HBA_ENTRY,
    DATABASE_NOT_FOUND,
    PRIVILEGE_MISSING,
    SERVER_SHUTDOWN,
    CONNECTION_FAILED,
    TOO_MANY_CONNECTIONS,
    POOL_CLOSED,
    UNSUPPORTED_SERVER,
    SQL_ERROR,
    /** A schema, table or column named by the user does not exist. */
    NOT_FOUND,
    /** A schema or table name that PostgreSQL could not read (unterminated quote, empty part, too many parts). */
    INVALID_NAME,
    /** Another live process already runs this capture's replication slot. */
    CAPTURE_LOCKED,
    /** The capture's replication slot was dropped or invalidated: changes since its position are gone. */
    SLOT_LOST,
    /** The source is not ready for change data capture (wal_level, privileges, replica identity, publication). */
    REPLICATION_SETUP,
    /** A running statement was canceled on request (Ctrl-C, {@code cancel()}). */
    CANCELED,
    /** Input data that cannot be loaded (a bad value, a malformed CSV or JSON line), with its line and column. */
    INVALID_DATA,
    /**
     * A capture's sink refused or lost what it was given (a Kafka broker's error, a failed write into a sink) for a
     * reason no more specific code names; the capture stops and resumes from its checkpoint when started again.
     */
    SINK_FAILED,
    /**
     * What was captured cannot be shown to match the source (e.g. a row read back for its unchanged TOAST values
     * was gone, and the stream passed the point by which its delete had to come without it).
     */
    DATA_INTEGRITY,
    /** No valid credentials came with a request to the server (no session, no token, a wrong password). */
    UNAUTHENTICATED,
    /** The caller's role or tenant may not do this. */
    FORBIDDEN,
    /** A Bearer token whose expiry has passed. */
    TOKEN_EXPIRED,
    /** Too many failed logins from one address for one user: wait, then try again. */
    RATE_LIMITED,
    /** A connection secret was asked for over plain HTTP: the server sends secrets over TLS only. */
    INSECURE_CHANNEL,
    /** The pgbridge server cannot be reached, or its certificate does not verify. */
    SERVER_UNREACHABLE,
    MASTER_KEY,
    STORE,
    IO,
    INTERNAL
}
