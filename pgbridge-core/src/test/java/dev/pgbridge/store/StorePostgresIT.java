package dev.pgbridge.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.secret.MasterKey;
import dev.pgbridge.testing.TestDatabase;
import dev.pgbridge.testing.TestRole;
import dev.pgbridge.testing.TestingPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The store contract on a real PostgreSQL, in a database of its own; each test starts without schema pgbridge. */
class StorePostgresIT extends StoreContract {
    private static TestingPostgres server;
    private static TestDatabase database;
    private static HikariDataSource dataSource;

    @BeforeAll
    static void createDatabase() {
        server = TestingPostgres.get();
        database = server.createDatabase(TestingPostgres.uniqueName("pgb_store"), null);
        dataSource = pool(server.superuser(), server.superuserPassword());
    }

    @AfterAll
    static void dropDatabase() {
        if (dataSource != null) {
            dataSource.close();
        }
        if (database != null) {
            database.close();
        }
    }

    private static HikariDataSource pool(String user, String password) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(server.jdbcUrl(database.name()) + "?sslmode=disable");
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(6);
        config.setMinimumIdle(0);
        config.setPoolName("store-it");
        return new HikariDataSource(config);
    }

    @BeforeEach
    void dropStoreSchema() {
        server.executeIn(database.name(), "DROP SCHEMA IF EXISTS pgbridge CASCADE");
    }

    @Override
    protected SqlConnectionStore openStore(Supplier<MasterKey> keys) {
        return SqlConnectionStore.postgres(dataSource, keys);
    }

    @Override
    protected Connection rawConnection() throws SQLException {
        return server.connect(database.name());
    }

    @Override
    protected String tablePrefix() {
        return "pgbridge.";
    }

    /** Every row as text, and the table's data file as PostgreSQL wrote it (dead row versions included). */
    @Override
    protected byte[] rawStorage() throws Exception {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        try (Connection c = rawConnection(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT c::text FROM pgbridge.connections c")) {
                while (rs.next()) {
                    all.write(rs.getString(1).getBytes(StandardCharsets.UTF_8));
                }
            }
            s.execute("CHECKPOINT");
            try (ResultSet rs = s.executeQuery(
                    "SELECT pg_read_binary_file(pg_relation_filepath('pgbridge.connections'))")) {
                rs.next();
                byte[] file = rs.getBytes(1);
                assertThat(file).isNotEmpty();
                all.write(file);
            }
        }
        return all.toByteArray();
    }

    @Test
    void tablesLiveInSchemaPgbridge() throws SQLException {
        open(keyA).add(conn("default", "one").build());
        try (Connection c = rawConnection();
             PreparedStatement s = c.prepareStatement("SELECT table_name FROM information_schema.tables "
                     + "WHERE table_schema = ? ORDER BY table_name")) {
            s.setString(1, "pgbridge");
            try (ResultSet rs = s.executeQuery()) {
                StringBuilder names = new StringBuilder();
                while (rs.next()) {
                    names.append(rs.getString(1)).append(' ');
                }
                assertThat(names.toString().trim()).isEqualTo("connections schema_version");
            }
        }
        assertThat(rawLong("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public'")).isZero();
    }

    @Test
    void roleWithoutCreateOnTheDatabaseUsesASchemaMadeForIt() throws Exception {
        String name = TestingPostgres.uniqueName("pgb_store_role");
        try (TestRole role = server.createRole(name, "role password 1")) {
            try (HikariDataSource limited = pool(role.name(), role.password())) {
                PgBridgeException e = catchThrowableOfType(PgBridgeException.class,
                        () -> SqlConnectionStore.postgres(limited, () -> keyA));
                assertThat(e.code()).isEqualTo(ErrorCode.STORE);
                assertThat(e.getMessage()).contains("cannot migrate").contains("permission denied");
                assertThat(e.hint()).contains("GRANT CREATE ON DATABASE");

                server.executeIn(database.name(), "CREATE SCHEMA pgbridge AUTHORIZATION " + role.name());
                try (SqlConnectionStore store = SqlConnectionStore.postgres(limited, () -> keyA)) {
                    store.add(conn("default", "one").build());
                    assertThat(store.find("default", "one").orElseThrow().config().password().reveal())
                            .isEqualTo(SPECIAL);
                }
            }
            finally {
                server.executeIn(database.name(), "DROP SCHEMA IF EXISTS pgbridge CASCADE");
            }
        }
    }

    @Test
    void connectionStoresOpensPostgresForAStoreUrlAndClosesItsDataSource() {
        String url = "postgresql://store.example.com/db";
        String keyText = StoreKeyRotationTest.newKeyText();
        PgBridgeHome home = PgBridgeHome.fromEnvironment(Map.of(
                PgBridgeHome.HOME_ENV, Path.of(System.getProperty("java.io.tmpdir"), "pgb-unused-home").toString(),
                PgBridgeHome.STORE_URL_ENV, url,
                PgBridgeHome.MASTER_KEY_ENV, keyText));
        HikariDataSource own = pool(server.superuser(), server.superuserPassword());
        try (SqlConnectionStore store = ConnectionStores.open(home, given -> {
            assertThat(given).isEqualTo(url);
            return own;
        })) {
            store.add(conn("default", "via_url").build());
            assertThat(store.describe()).isEqualTo("PostgreSQL schema pgbridge");
        }
        assertThat(own.isClosed()).isTrue();
        assertThat(open(MasterKey.parse(keyText)).find("default", "via_url").orElseThrow().config().password().reveal())
                .isEqualTo(SPECIAL);
        assertThat(home.storeFile()).doesNotExist();
    }
}
