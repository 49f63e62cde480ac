package dev.pgbridge.testing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(120)
class TestingPostgresIT {
    private final TestingPostgres server = TestingPostgres.get();

    @Test
    void serverRunsWithLogicalWalAndRequestedVersion() throws SQLException {
        try (Connection c = server.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW wal_level")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("logical");
        }
        String wanted = System.getProperty("pgbridge.test.pgVersion", "");
        if (!wanted.isBlank() && System.getProperty("pgbridge.test.jdbcUrl", "").isBlank()) {
            assertThat(server.majorVersion()).isEqualTo(Integer.parseInt(wanted));
        }
    }

    @Test
    void rolesAuthenticateWithScramAndWrongPasswordsFail() {
        String password = "p@ss:w/rd?#%&=+ é日本🔑";
        try (TestRole role = server.createRole(TestingPostgres.uniqueName("pgb_role"), password)) {
            Properties ok = props(role.name(), password);
            try (Connection c = DriverManager.getConnection(server.jdbcUrl("postgres"), ok)) {
                assertThat(c.isValid(5)).isTrue();
            }
            catch (SQLException e) {
                throw new AssertionError(e);
            }
            assertThatThrownBy(() -> DriverManager.getConnection(server.jdbcUrl("postgres"), props(role.name(), "nope")))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("password authentication failed");
        }
    }

    @Test
    void tablesDropThemselves() throws SQLException {
        String name;
        try (TestTable table = new TestTable(server, "postgres", "t", "(id int PRIMARY KEY)")) {
            name = table.name();
            assertThat(exists(name)).isTrue();
        }
        assertThat(exists(name)).isFalse();
    }

    private boolean exists(String table) throws SQLException {
        try (Connection c = server.connect();
             var ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            ps.setString(1, "public." + table);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private static Properties props(String user, String password) {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        p.setProperty("sslmode", "disable");
        return p;
    }
}
