package dev.pgbridge.connection;

import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLHandshakeException;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SqlErrorsTest {
    private static final String PASSWORD = "s3cr3t-Pa55";

    private static ConnectionConfig target(String sslmode) {
        return ConnectionConfig.builder().connId("c1").host("db.example.com").port(5433).database("sales")
                .login("alice").password(PASSWORD).extra(sslmode == null ? null : Map.of("sslmode", sslmode)).build();
    }

    private static PgBridgeException translate(SQLException e) {
        return SqlErrors.translate(e, target(null));
    }

    @Test
    void decidesBySqlstateNotByText() {
        assertThat(translate(new SQLException("whatever the locale says", "28P01")).code())
                .isEqualTo(ErrorCode.AUTHENTICATION_FAILED);
        assertThat(translate(new SQLException("x", "3D000")).code()).isEqualTo(ErrorCode.DATABASE_NOT_FOUND);
        assertThat(translate(new SQLException("x", "42501")).code()).isEqualTo(ErrorCode.PRIVILEGE_MISSING);
        assertThat(translate(new SQLException("x", "53300")).code()).isEqualTo(ErrorCode.TOO_MANY_CONNECTIONS);
        assertThat(translate(new SQLException("x", "57014")).code()).isEqualTo(ErrorCode.TIMEOUT);
        assertThat(translate(new SQLException("x", "23505")).code()).isEqualTo(ErrorCode.SQL_ERROR);
    }

    @Test
    void shutdownAndStartingHaveTheirOwnHints() {
        PgBridgeException admin = translate(new SQLException("terminating connection due to administrator command", "57P01"));
        PgBridgeException crash = translate(new SQLException("terminating connection because of crash", "57P02"));
        PgBridgeException starting = translate(new SQLException("the database system is starting up", "57P03"));
        assertThat(admin.code()).isEqualTo(ErrorCode.SERVER_SHUTDOWN);
        assertThat(admin.hint()).contains("pg_terminate_backend");
        assertThat(crash.hint()).contains("crashed");
        assertThat(starting.getMessage()).contains("is not accepting connections now");
        assertThat(starting.hint()).contains("starting up");
    }

    @Test
    void tooManyConnectionsNamesTheWayOut() {
        PgBridgeException e = translate(new SQLException("sorry, too many clients already", "53300"));
        assertThat(e.getMessage()).isEqualTo(
                "the server at db.example.com:5433 refused a new session for \"alice\": sorry, too many clients already");
        assertThat(e.hint()).contains("max_connections");
    }

    @Test
    void connectionFailuresAreDecidedByTheCauseChain() {
        assertThat(translate(new SQLException("The connection attempt failed.", "08001",
                new UnknownHostException("nosuch.invalid"))).getMessage())
                .startsWith("unknown host \"nosuch.invalid\"");
        assertThat(translate(new SQLException("refused", "08001", new ConnectException("Connection refused"))).code())
                .isEqualTo(ErrorCode.CONNECTION_REFUSED);
        assertThat(translate(new SQLException("failed", "08001", new SocketTimeoutException("Read timed out"))).code())
                .isEqualTo(ErrorCode.TIMEOUT);
        assertThat(translate(new SQLTimeoutException("login did not finish", "08001",
                new SQLException("Connection attempt timed out.", "08001"))).code())
                .isEqualTo(ErrorCode.TIMEOUT);
        assertThat(translate(new SQLException("SSL error", "08006", new SSLHandshakeException("PKIX path building failed")
                .initCause(new CertificateException("unable to find valid certification path")))).code())
                .isEqualTo(ErrorCode.TLS_VERIFY_FAILED);
        assertThat(translate(new SQLException("Could not open SSL root certificate file", "08006",
                new FileNotFoundException("/nope/root.crt"))).code())
                .isEqualTo(ErrorCode.TLS_VERIFY_FAILED);
        assertThat(translate(new SQLException("SSL error", "08006", new SSLHandshakeException("Remote host terminated")))
                .code()).isEqualTo(ErrorCode.TLS_NOT_SUPPORTED_BY_SERVER);
        assertThat(translate(new SQLException("I/O error", "08006", new IOException("Broken pipe"))).code())
                .isEqualTo(ErrorCode.CONNECTION_FAILED);
    }

    @Test
    void tlsRejectionDependsOnSslmode() {
        SQLException noEntry = new SQLException("pg_hba.conf rejects connection", "28000");
        assertThat(SqlErrors.translate(noEntry, target("disable")).code()).isEqualTo(ErrorCode.TLS_REQUIRED_BY_SERVER);
        assertThat(SqlErrors.translate(noEntry, target("verify-full")).code()).isEqualTo(ErrorCode.NO_PG_HBA_ENTRY);
        assertThat(SqlErrors.translate(noEntry, target("verify-full")).getMessage()).contains("over TLS");
        assertThat(SqlErrors.translate(noEntry, target(null)).getMessage()).contains("with or without TLS");
        SQLException noSsl = new SQLException("The server does not support SSL.", "08004");
        assertThat(SqlErrors.translate(noSsl, target("require")).code())
                .isEqualTo(ErrorCode.TLS_NOT_SUPPORTED_BY_SERVER);
    }

    @Test
    void hikariWrappersAreSeenThrough() {
        SQLException original = new SQLException("password authentication failed for user \"alice\"", "28P01");
        SQLException wrapped = new SQLTransientConnectionException(
                "pgbridge-default-c1-v1 - Connection is not available, request timed out after 10001ms", "28P01", original);
        PgBridgeException e = translate(wrapped);
        assertThat(e.code()).isEqualTo(ErrorCode.AUTHENTICATION_FAILED);
        assertThat(e.getCause()).isSameAs(wrapped);
        PgBridgeException exhausted = translate(new SQLTransientConnectionException(
                "pgbridge-default-c1-v1 - Connection is not available, request timed out after 10001ms (total=5, active=5)"));
        assertThat(exhausted.code()).isEqualTo(ErrorCode.TIMEOUT);
        assertThat(exhausted.getMessage()).contains("total=5, active=5");
    }

    @Test
    void messagesNameTheTargetButNeverThePassword() {
        for (String state : new String[] {"28P01", "28000", "3D000", "42501", "57P01", "53300", "08001", "08004", "XX000"}) {
            PgBridgeException e = translate(new SQLException("boom", state));
            assertThat(e.getMessage()).as(state).doesNotContain(PASSWORD);
            assertThat(String.valueOf(e.hint())).as(state).doesNotContain(PASSWORD);
        }
        PgBridgeException e = translate(new SQLException("password authentication failed for user \"alice\"", "28P01"));
        assertThat(e.getMessage()).isEqualTo("cannot log in to db.example.com:5433 (database \"sales\", login \"alice\"): "
                + "password authentication failed for user \"alice\"");
    }
}
