package dev.pgbridge.cdc.replication;

import dev.pgbridge.pgtype.Lsn;
import dev.pgbridge.connection.JdbcTarget;
import org.postgresql.PGConnection;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;
import org.postgresql.replication.fluent.logical.ChainedLogicalStreamBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * A pgoutput logical replication stream over pgjdbc: protocol version 2 with {@code streaming 'on'} and
 * {@code messages 'true'} on PostgreSQL 14 and newer, protocol version 1 below.
 *
 * <p>Nothing is confirmed on its own: pgjdbc's automatic flush is off, and the server learns a position only from
 * {@link #confirm(Lsn)}, which the caller calls once everything up to that LSN is durable in its sink. pgjdbc's
 * periodic status updates (every {@code statusInterval}, and whenever the server asks) repeat the last confirmed
 * position; they are sent while {@link #readPending()} is being called, so call it regularly.
 *
 * <p>Not thread-safe: one reader thread.
 */
public final class ReplicationStream implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicationStream.class);

    private final Connection connection;
    private final PGReplicationStream stream;
    private final int protocolVersion;
    private final int serverVersionNum;
    private Lsn confirmed;

    private ReplicationStream(Connection connection, PGReplicationStream stream, int protocolVersion,
                              int serverVersionNum, Lsn confirmed) {
        this.connection = connection;
        this.stream = stream;
        this.protocolVersion = protocolVersion;
        this.serverVersionNum = serverVersionNum;
        this.confirmed = confirmed;
    }

    /**
     * Opens a replication connection and starts streaming {@code slot} from {@code start} ({@link Lsn#INVALID}: from
     * the slot's confirmed position). Errors are pgjdbc's, untranslated.
     */
    public static ReplicationStream open(JdbcTarget target, String slot, String publication, Lsn start,
                                         Duration statusInterval) throws SQLException {
        requireNonNull(target, "target is null");
        Connection connection = target.with(JdbcTarget.Session.LOGICAL_REPLICATION).connect();
        try {
            String versionText = connection.unwrap(org.postgresql.core.BaseConnection.class)
                    .getParameterStatus("server_version");
            int version = serverVersionNum(versionText);
            int protocol = version >= 140000 ? 2 : 1;
            ChainedLogicalStreamBuilder builder = connection.unwrap(PGConnection.class).getReplicationAPI()
                    .replicationStream().logical()
                    .withSlotName(slot)
                    .withStartPosition(LogSequenceNumber.valueOf(start.asLong()))
                    .withAutomaticFlush(false)
                    .withStatusInterval((int) statusInterval.toMillis(), TimeUnit.MILLISECONDS)
                    .withSlotOption("proto_version", Integer.toString(protocol))
                    .withSlotOption("publication_names", quotePublication(publication));
            if (protocol >= 2) {
                builder.withSlotOption("streaming", "on").withSlotOption("messages", "true");
            }
            PGReplicationStream stream = builder.start();
            LOG.info("streaming slot {} from {} with pgoutput protocol {} (server {})", slot, start, protocol, version);
            return new ReplicationStream(connection, stream, protocol, version, start);
        }
        catch (SQLException | RuntimeException e) {
            try {
                connection.close();
            }
            catch (SQLException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    /** {@code 18.1 (Debian …)} or {@code 12.22} → 180001, 120022 (major × 10000 + minor). */
    static int serverVersionNum(String serverVersion) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)(?:\\.(\\d+))?").matcher(serverVersion);
        if (!m.lookingAt()) {
            throw new IllegalStateException("cannot read the server version '" + serverVersion + "'");
        }
        return Integer.parseInt(m.group(1)) * 10000 + (m.group(2) == null ? 0 : Integer.parseInt(m.group(2)));
    }

    /** publication_names is a comma-separated list of identifiers; a name is quoted so commas and case survive. */
    static String quotePublication(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    public int protocolVersion() {
        return protocolVersion;
    }

    public int serverVersionNum() {
        return serverVersionNum;
    }

    /** The next message, or null when none is waiting; also sends due status updates. */
    public ByteBuffer readPending() throws SQLException {
        return stream.readPending();
    }

    /** The WAL position of the last message received, or of the last keepalive when that is further. */
    public Lsn lastReceiveLsn() {
        return Lsn.of(stream.getLastReceiveLSN().asLong());
    }

    /** Tells the server that everything up to {@code lsn} is durable (flushed and applied); sent at once. */
    public void confirm(Lsn lsn) throws SQLException {
        if (!lsn.isAfter(confirmed)) {
            return;
        }
        LogSequenceNumber value = LogSequenceNumber.valueOf(lsn.asLong());
        stream.setFlushedLSN(value);
        stream.setAppliedLSN(value);
        stream.forceUpdateStatus();
        confirmed = lsn;
    }

    /** The last position confirmed through this stream (or its start). */
    public Lsn confirmed() {
        return confirmed;
    }

    public boolean isClosed() {
        return stream.isClosed();
    }

    @Override
    public void close() throws SQLException {
        try {
            if (!stream.isClosed()) {
                stream.close();
            }
        }
        finally {
            connection.close();
        }
    }

    /** Closes the socket without the orderly goodbye (as a crash would). */
    public void abort() {
        try {
            connection.abort(Runnable::run);
        }
        catch (SQLException e) {
            LOG.debug("abort of the replication connection: {}", e.getMessage());
        }
    }
}
