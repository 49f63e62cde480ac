package dev.pgbridge.cdc.engine;

import dev.pgbridge.cdc.sink.SinkFailure;
import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.connection.SqlErrors;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;
import org.postgresql.util.ServerErrorMessage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The capture's one retry-or-stop decision, on the exceptions pgjdbc really throws: {@link PSQLException}s carrying
 * a server {@code ErrorResponse} (severity, SQLSTATE, message) or a client-side {@link PSQLState}, bare and wrapped
 * the way the capture's own code wraps them.
 */
class CaptureFailuresTest {
    private static final ConnectionConfig SOURCE = ConnectionConfig.builder().connId("src").host("db.example.com")
            .port(5432).database("shop").login("capture").password("s3cret pw").build();

    /** What the server sends: an ErrorResponse of fields S (severity), C (SQLSTATE), M (message). */
    private static PSQLException server(String severity, String sqlState, String message) {
        return new PSQLException(new ServerErrorMessage("S" + severity + "\0V" + severity + "\0C" + sqlState + "\0M"
                + message + "\0"));
    }

    /** What pgjdbc throws when the socket breaks under it. */
    private static PSQLException ioError() {
        return new PSQLException("An I/O error occurred while sending to the backend.", PSQLState.CONNECTION_FAILURE,
                new SocketException("Connection reset"));
    }

    @Test
    void theServerEndingOrRestartingTheSessionIsRetried() {
        assertThat(CaptureFailures.retriable(server("FATAL", "57P01",
                "terminating connection due to administrator command"))).isTrue();
        assertThat(CaptureFailures.retriable(server("FATAL", "57P02",
                "terminating connection because of crash of another server process"))).isTrue();
        assertThat(CaptureFailures.retriable(server("FATAL", "57P03", "the database system is starting up")))
                .isTrue();
        assertThat(CaptureFailures.retriable(server("FATAL", "53300", "sorry, too many clients already"))).isTrue();
    }

    @Test
    void connectionLossAndSocketErrorsAreRetried() {
        assertThat(CaptureFailures.retriable(ioError())).isTrue();
        assertThat(CaptureFailures.retriable(new PSQLException("Database connection failed when reading from copy",
                PSQLState.CONNECTION_FAILURE, new java.io.EOFException()))).isTrue();
        assertThat(CaptureFailures.retriable(new PSQLException("Connection to db:5432 refused.",
                PSQLState.CONNECTION_UNABLE_TO_CONNECT, new java.net.ConnectException("Connection refused")))).isTrue();
        assertThat(CaptureFailures.retriable(new RuntimeException("read", new SocketTimeoutException("Read timed out"))))
                .isTrue();
    }

    @Test
    void serializationFailuresAndABusySlotAreRetried() {
        assertThat(CaptureFailures.retriable(server("ERROR", "40001",
                "could not serialize access due to concurrent update"))).isTrue();
        assertThat(CaptureFailures.retriable(server("ERROR", "40P01", "deadlock detected"))).isTrue();
        assertThat(CaptureFailures.retriable(server("ERROR", "55006",
                "replication slot \"flow_slot\" is active for PID 4242"))).isTrue();
    }

    @Test
    void aMissingPrivilegeStopsTheCaptureAsAPrivilegeErrorWithItsHint() {
        PSQLException denied = server("ERROR", "42501", "permission denied for table orders");
        assertThat(CaptureFailures.retriable(denied)).isFalse();
        RuntimeException typed = CaptureFailures.typed(denied, "orders_cdc", SOURCE, "/state");
        assertThat(typed).isInstanceOf(PgBridgeException.class).hasCause(denied)
                .hasMessageContaining("capture orders_cdc").hasMessageContaining("permission denied for table orders");
        PgBridgeException p = (PgBridgeException) typed;
        assertThat(p.code()).isEqualTo(ErrorCode.PRIVILEGE_MISSING);
        assertThat(p.hint()).contains("GRANT");
        assertThat(p.getMessage() + p.hint()).doesNotContain("s3cret");
    }

    // regression: an IllegalStateException around an SQLException reached the user as "a bug in pgbridge"
    @Test
    void anSqlExceptionWrappedByTheCapturesOwnCodeIsDecidedAndTypedByItsSqlState() {
        IllegalStateException lost = new IllegalStateException("cannot read the unchanged TOAST columns [body] of "
                + "public.docs from the source: An I/O error occurred while sending to the backend.", ioError());
        assertThat(CaptureFailures.retriable(lost)).isTrue();

        PSQLException denied = server("ERROR", "42501", "permission denied for table docs");
        IllegalStateException wrapped = new IllegalStateException("cannot read the unchanged TOAST columns [body] of "
                + "public.docs from the source: " + denied.getMessage(), denied);
        assertThat(CaptureFailures.retriable(wrapped)).isFalse();
        RuntimeException typed = CaptureFailures.typed(wrapped, "docs_cdc", SOURCE, "/state");
        assertThat(typed).isInstanceOf(PgBridgeException.class).hasCause(wrapped);
        assertThat(((PgBridgeException) typed).code()).isEqualTo(ErrorCode.PRIVILEGE_MISSING);
        assertThat(typed.getMessage()).startsWith("capture docs_cdc: cannot read the unchanged TOAST columns [body] "
                + "of public.docs from the source: permission denied on db.example.com:5432");
    }

    @Test
    void aTranslatedFailureIsDecidedByTheSqlExceptionItCarries() {
        PgBridgeException lost = SqlErrors.translate(ioError(), SOURCE);
        assertThat(lost.code()).isEqualTo(ErrorCode.CONNECTION_FAILED);
        assertThat(CaptureFailures.retriable(lost)).isTrue();
        PgBridgeException shutdown = SqlErrors.translate(server("FATAL", "57P01", "terminating connection"), SOURCE);
        assertThat(CaptureFailures.retriable(shutdown)).isTrue();
        PgBridgeException canceled = SqlErrors.translate(server("ERROR", "57014",
                "canceling statement due to statement timeout"), SOURCE);
        assertThat(canceled.code()).isEqualTo(ErrorCode.TIMEOUT);
        assertThat(CaptureFailures.retriable(canceled)).as("a statement timeout is not a lost connection").isFalse();
        assertThat(CaptureFailures.typed(canceled, "c", SOURCE, "/state")).isSameAs(canceled);
    }

    @Test
    void aDecisionPgbridgeMadeIsFinalWhateverItCarries() {
        PgBridgeException lost = new PgBridgeException(ErrorCode.SLOT_LOST, "replication slot \"s\" was dropped",
                "backfill again");
        assertThat(CaptureFailures.retriable(lost)).isFalse();
        assertThat(CaptureFailures.typed(lost, "c", SOURCE, "/state")).isSameAs(lost);
        PgBridgeException busy = new PgBridgeException(ErrorCode.CAPTURE_LOCKED, "replication slot \"s\" is still in "
                + "use after 60 s", "end the other session", server("ERROR", "55006", "replication slot is active"));
        assertThat(CaptureFailures.retriable(busy)).as("the bounded wait for a busy slot is over").isFalse();
    }

    @Test
    void aSinkFailureStopsTheCaptureEvenWhenItsTargetConnectionWasLost() {
        SinkFailure sink = new SinkFailure(ErrorCode.CONNECTION_FAILED, "postgres sink: applying failed", "start again",
                ioError());
        assertThat(CaptureFailures.retriable(sink)).isFalse();
        assertThat(CaptureFailures.typed(sink, "c", SOURCE, "/state")).isSameAs(sink);
    }

    @Test
    void theMessageTextDecidesNothing() {
        assertThat(CaptureFailures.retriable(server("ERROR", "42P01",
                "connection lost: terminating connection, server closed the connection unexpectedly"))).isFalse();
        assertThat(CaptureFailures.retriable(server("FATAL", "08006", "permission denied"))).isTrue();
        assertThat(CaptureFailures.retriable(new SQLException("An I/O error occurred", (String) null))).isFalse();
    }

    @Test
    void aSpillFileFailureStopsAsAnIoErrorNamingTheStateDirectory() {
        UncheckedIOException full = new UncheckedIOException("cannot read the spill file /state/spill/tx-7",
                new IOException("No space left on device"));
        assertThat(CaptureFailures.retriable(full)).isFalse();
        RuntimeException typed = CaptureFailures.typed(full, "c", SOURCE, "/state");
        assertThat(typed).isInstanceOf(PgBridgeException.class);
        assertThat(((PgBridgeException) typed).code()).isEqualTo(ErrorCode.IO);
        assertThat(((PgBridgeException) typed).hint()).contains("/state");
    }

    @Test
    void aBugStaysABug() {
        IllegalStateException bug = new IllegalStateException("Begin of 7 inside transaction 6");
        assertThat(CaptureFailures.retriable(bug)).isFalse();
        assertThat(CaptureFailures.typed(bug, "c", SOURCE, "/state")).isSameAs(bug);
    }
}
