package dev.pgbridge.pool;

import com.zaxxer.hikari.HikariDataSource;
import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.store.StoredConnection;
import dev.pgbridge.testing.TestRole;
import dev.pgbridge.testing.TestingPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;

import static dev.pgbridge.doctor.TestTargets.SPECIAL_PASSWORD;
import static dev.pgbridge.doctor.TestTargets.config;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(60)
class PoolRegistryIT {
    private final TestingPostgres server = TestingPostgres.get();

    private static StoredConnection stored(ConnectionConfig c, long version) {
        return new StoredConnection(c, version, Instant.now(), Instant.now());
    }

    private static String currentUser(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_user")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static HikariDataSource hikari(DataSource ds) throws SQLException {
        return ds.unwrap(HikariDataSource.class);
    }

    @Test
    void sameVersionSharesOnePoolAndANewVersionClosesTheOld() throws SQLException {
        try (TestRole role = server.createRole(TestingPostgres.uniqueName("pgb_pool"), SPECIAL_PASSWORD);
             PoolRegistry registry = new PoolRegistry()) {
            ConnectionConfig v1 = config(role.name(), SPECIAL_PASSWORD, "postgres");
            DataSource first = registry.dataSource(stored(v1, 1));
            assertThat(registry.dataSource(stored(v1, 1))).isSameAs(first);
            assertThat(currentUser(first)).isEqualTo(role.name());

            String newPassword = "rotated " + SPECIAL_PASSWORD;
            server.execute("ALTER ROLE \"" + role.name() + "\" PASSWORD '" + newPassword.replace("'", "''") + "'");
            DataSource second = registry.dataSource(stored(v1.toBuilder().password(newPassword).build(), 2));
            assertThat(second).isNotSameAs(first);
            assertThat(hikari(first).isClosed()).as("old pool closed").isTrue();
            assertThat(hikari(second).isClosed()).isFalse();
            assertThat(currentUser(second)).isEqualTo(role.name());
            assertThatThrownBy(first::getConnection).isInstanceOfSatisfying(PgBridgeException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.POOL_CLOSED));

            assertThatThrownBy(() -> registry.dataSource(stored(v1, 1)))
                    .isInstanceOfSatisfying(PgBridgeException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIG);
                        assertThat(e.getMessage()).contains("credential version 2 is in use, version 1 was asked for");
                    });
        }
    }

    @Test
    void statsShowEachOpenPoolsUseAndForgetEvictedOnes() throws SQLException {
        try (TestRole role = server.createRole(TestingPostgres.uniqueName("pgb_pool"), SPECIAL_PASSWORD);
             PoolRegistry registry = new PoolRegistry()) {
            ConnectionConfig c = config(role.name(), SPECIAL_PASSWORD, "postgres").toBuilder()
                    .connId("stats_a").tenant("team_a").build();
            DataSource ds = registry.dataSource(stored(c, 3));
            Connection borrowed = ds.getConnection();
            try {
                assertThat(registry.stats()).singleElement().satisfies(s -> {
                    assertThat(s.tenant()).isEqualTo("team_a");
                    assertThat(s.connId()).isEqualTo("stats_a");
                    assertThat(s.credentialVersion()).isEqualTo(3);
                    assertThat(s.active()).isEqualTo(1);
                    assertThat(s.total()).isEqualTo(s.active() + s.idle());
                    assertThat(s.waiting()).isZero();
                });
            }
            finally {
                borrowed.close();
            }
            assertThat(registry.stats().get(0).active()).isZero();
            registry.evict("team_a", "stats_a");
            assertThat(registry.stats()).isEmpty();
        }
    }

    @Test
    void poolNameCarriesTenantIdAndVersionButNoSecret() throws SQLException {
        try (TestRole role = server.createRole(TestingPostgres.uniqueName("pgb_pool"), SPECIAL_PASSWORD);
             PoolRegistry registry = new PoolRegistry()) {
            ConnectionConfig c = config(role.name(), SPECIAL_PASSWORD, "postgres").toBuilder()
                    .connId("warehouse").tenant("team_a").build();
            HikariDataSource pool = hikari(registry.dataSource(stored(c, 7)));
            assertThat(pool.getPoolName()).isEqualTo("pgbridge-team_a-warehouse-v7");
            assertThat(pool.getPoolName()).doesNotContain(SPECIAL_PASSWORD).doesNotContain("p@ss");
            assertThat(pool.getMaximumPoolSize()).isEqualTo(5);
            assertThat(pool.getConnectionTimeout()).isEqualTo(10_000);
            assertThat(pool.getJdbcUrl()).isNull(); // the pool never holds a URL or driver properties
            assertThat(pool.getDataSourceProperties()).isEmpty();
        }
    }

    @Test
    void tenantsAreIsolated() throws SQLException {
        try (TestRole role = server.createRole(TestingPostgres.uniqueName("pgb_pool"), SPECIAL_PASSWORD);
             PoolRegistry registry = new PoolRegistry()) {
            ConnectionConfig base = config(role.name(), SPECIAL_PASSWORD, "postgres").toBuilder().connId("shared").build();
            DataSource a = registry.dataSource(stored(base.toBuilder().tenant("team_a").build(), 1));
            DataSource b = registry.dataSource(stored(base.toBuilder().tenant("team_b").build(), 1));
            assertThat(a).isNotSameAs(b);
            assertThat(hikari(a).getPoolName()).isEqualTo("pgbridge-team_a-shared-v1");
            assertThat(hikari(b).getPoolName()).isEqualTo("pgbridge-team_b-shared-v1");

            registry.evict("team_a", "shared");
            assertThat(hikari(a).isClosed()).isTrue();
            assertThat(hikari(b).isClosed()).isFalse();
            assertThat(currentUser(b)).isEqualTo(role.name());
        }
    }

    @Test
    void wrongPasswordFailsAtOnceWithTheTranslatedError() {
        try (TestRole role = server.createRole(TestingPostgres.uniqueName("pgb_pool"), SPECIAL_PASSWORD);
             PoolRegistry registry = new PoolRegistry()) {
            String wrong = "not " + SPECIAL_PASSWORD;
            long start = System.nanoTime();
            assertThatThrownBy(() -> registry.dataSource(stored(config(role.name(), wrong, "postgres"), 1)))
                    .isInstanceOfSatisfying(PgBridgeException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.AUTHENTICATION_FAILED);
                        assertThat(e.getMessage())
                                .contains("password authentication failed for user \"" + role.name() + "\"")
                                .doesNotContain(wrong);
                    });
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void aFullPoolTimesOutWithItsState() throws SQLException {
        PoolSettings small = new PoolSettings(2, 0, Duration.ofSeconds(1), Duration.ofMinutes(1), Duration.ofMinutes(5),
                Duration.ofMillis(500));
        try (TestRole role = server.createRole(TestingPostgres.uniqueName("pgb_pool"), SPECIAL_PASSWORD);
             PoolRegistry registry = new PoolRegistry(small)) {
            DataSource ds = registry.dataSource(stored(config(role.name(), SPECIAL_PASSWORD, "postgres"), 1));
            try (Connection one = ds.getConnection(); Connection two = ds.getConnection()) {
                assertThat(one.isValid(1) && two.isValid(1)).isTrue();
                assertThatThrownBy(ds::getConnection).isInstanceOfSatisfying(PgBridgeException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT);
                    assertThat(e.getMessage()).contains("pgbridge-default-test_conn-v1").contains("total=2");
                });
            }
        }
    }

    @Test
    void aClosedRegistryRefusesWork() {
        PoolRegistry registry = new PoolRegistry();
        registry.close();
        assertThatThrownBy(() -> registry.dataSource(stored(config("x", "y", "postgres"), 1)))
                .isInstanceOfSatisfying(PgBridgeException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.POOL_CLOSED));
    }
}
