package dev.pgbridge.connection;

import dev.pgbridge.testing.TestDatabase;
import dev.pgbridge.testing.TestRole;
import dev.pgbridge.testing.TestingPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class JdbcTargetIT {
    private static final String PASSWORD = "p@ss:w/rd?#%&=+ é日本🔑";
    private final TestingPostgres server = TestingPostgres.get();

    private ConnectionConfig config(String login, String database, Map<String, ?> extra) {
        return ConnectionConfig.builder().connId("jt").host(server.host()).port(server.port()).database(database)
                .login(login).password(PASSWORD).extra(extra).build();
    }

    // pins the hand-off: the password survives the conversion to URL + properties under scram
    @Test
    void specialPasswordAuthenticatesThroughDriverManager() throws SQLException {
        try (TestRole role = server.createRole(TestingPostgres.uniqueName("pgb_jt"), PASSWORD)) {
            JdbcTarget target = JdbcTarget.of(config(role.name(), "postgres", Map.of()));
            assertThat(target.url()).doesNotContain("p@ss").doesNotContain("%40");
            try (Connection c = DriverManager.getConnection(target.url(), target.properties());
                 Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT current_user, current_setting('application_name')")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo(role.name());
                assertThat(rs.getString(2)).isEqualTo("pgbridge");
            }
            try (Connection c = server.connect(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT rolpassword LIKE 'SCRAM-SHA-256$%' FROM pg_authid WHERE rolname = '"
                         + role.name() + "'")) {
                rs.next();
                assertThat(rs.getBoolean(1)).as("role has a scram verifier").isTrue();
            }
        }
    }

    @Test
    void databaseWithUrlSyntaxInItsNameIsReached() throws SQLException {
        String name = "we ird+db?x=1&é " + TestingPostgres.uniqueName("d");
        try (TestRole role = server.createRole(TestingPostgres.uniqueName("pgb_jt"), PASSWORD);
             TestDatabase db = server.createDatabase(name, null)) {
            JdbcTarget target = JdbcTarget.of(config(role.name(), db.name(), Map.of("application_name", "etl job",
                    "search_path", "pg_catalog")));
            try (Connection c = target.connect(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT current_database(), current_setting('application_name'), "
                         + "current_schema()")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo(name);
                assertThat(rs.getString(2)).isEqualTo("etl job");
                assertThat(rs.getString(3)).isEqualTo("pg_catalog");
            }
        }
    }
}
