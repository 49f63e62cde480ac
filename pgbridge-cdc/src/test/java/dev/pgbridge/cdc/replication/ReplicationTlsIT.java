package dev.pgbridge.cdc.replication;

import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.connection.JdbcTarget;
import dev.pgbridge.connection.TlsVerificationException;
import dev.pgbridge.testing.TestRole;
import dev.pgbridge.testing.TestingPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Replication connections are opened through the connection model, so their TLS is libpq's too. */
@Timeout(120)
class ReplicationTlsIT {
    private static final String PASSWORD = "replication-tls-pw";
    private final TestingPostgres server = TestingPostgres.get();

    @TempDir
    Path home;

    private ConnectionConfig config(TestRole role, String sslmode, Path rootCertificate) {
        return ConnectionConfig.builder().connId("repl_tls").host(server.host()).port(server.port())
                .database("postgres").login(role.name()).password(PASSWORD)
                .extra(Map.of("sslmode", sslmode, "sslrootcert", rootCertificate.toString())).build();
    }

    // issue 8: capture connections bypassed the connection model, so sslmode=require with sslrootcert never verified
    @Test
    void aReplicationConnectionVerifiesTheCertificateAsLibpqDoes() throws SQLException {
        assumeTrue(server.tls() && server.certificate() != null, "the embedded test server with its own CA");
        try (TestRole role = server.createRole(TestingPostgres.uniqueName("pgb_rtls"), PASSWORD, "REPLICATION")) {
            Map<String, String> env = Map.of("HOME", home.toString());
            JdbcTarget verified = JdbcTarget.of(config(role, "verify-full", server.certificate()), env);
            try (Connection c = verified.with(JdbcTarget.Session.LOGICAL_REPLICATION).connect();
                 Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("IDENTIFY_SYSTEM")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString("systemid")).isNotBlank();
            }
            JdbcTarget wrongCa = JdbcTarget.of(config(role, "require", server.unrelatedCertificate()), env);
            assertThatThrownBy(() -> wrongCa.with(JdbcTarget.Session.LOGICAL_REPLICATION).connect().close())
                    .isInstanceOfSatisfying(TlsVerificationException.class, e ->
                            assertThat(e.reason()).isEqualTo(TlsVerificationException.Reason.NOT_TRUSTED));
        }
    }
}
