package dev.pgbridge.cdc.sink;

import dev.pgbridge.sql.Identifier;
import dev.pgbridge.testing.TestDatabase;
import dev.pgbridge.testing.TestRole;
import dev.pgbridge.testing.TestingPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The GRANTs the PostgreSQL sink's hint asks for when its role is denied, read for a real role on a real server. */
@Timeout(60)
class MissingGrantsIT {
    private final TestingPostgres pg = TestingPostgres.get();
    private TestDatabase db;
    private TestRole role;
    private String quotedRole;
    private Connection sink;

    @BeforeEach
    void setUp() throws SQLException {
        role = pg.createRole(TestingPostgres.uniqueName("pgb_grants"), "grants-test-pw");
        quotedRole = Identifier.quote(role.name());
        db = pg.createDatabase(TestingPostgres.uniqueName("pgb_grants"), pg.superuser());
        Properties props = new Properties();
        props.setProperty("user", role.name());
        props.setProperty("password", role.password());
        props.setProperty("sslmode", "disable");
        sink = DriverManager.getConnection(pg.jdbcUrl(db.name()), props);
        sink.setAutoCommit(false);
    }

    @AfterEach
    void tearDown() throws SQLException {
        sink.close();
        db.close();
        role.close();
    }

    @Test
    void aMissingSchemaNeedsCreateOnTheDatabase() {
        assertThat(MissingGrants.read(sink, "mirror", List.of("orders")))
                .contains("GRANT CREATE ON DATABASE " + Identifier.quote(db.name()) + " TO " + quotedRole + ";");
    }

    @Test
    void whatTheRoleLacksOnTheSchemaAndItsTablesIsGrantedEvenAfterTheDenialAbortedTheTransaction() throws Exception {
        pg.executeIn(db.name(), "CREATE SCHEMA mirror; GRANT USAGE ON SCHEMA mirror TO " + quotedRole + "; "
                + "CREATE TABLE mirror.orders (id int PRIMARY KEY); GRANT SELECT ON mirror.orders TO " + quotedRole + "; "
                + "CREATE TABLE mirror.pgbridge_applied (capture text PRIMARY KEY); "
                + "CREATE TABLE mirror.not_applied_into (id int)");
        try (Statement s = sink.createStatement()) {
            assertThatThrownBy(() -> s.executeUpdate("INSERT INTO mirror.orders VALUES (1)"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("permission denied");
        }

        assertThat(MissingGrants.read(sink, "mirror", List.of("orders", "customers"))).contains(String.join("\n",
                "GRANT CREATE ON SCHEMA \"mirror\" TO " + quotedRole + ";",
                "GRANT INSERT, UPDATE, DELETE, TRUNCATE ON TABLE \"mirror\".\"orders\" TO " + quotedRole + ";",
                "GRANT SELECT, INSERT, UPDATE ON TABLE \"mirror\".\"pgbridge_applied\" TO " + quotedRole + ";"));
    }

    @Test
    void nothingIsMissingForTheOwnerOfTheSchemaAndItsTables() {
        pg.executeIn(db.name(), "CREATE SCHEMA mirror AUTHORIZATION " + quotedRole + "; "
                + "CREATE TABLE mirror.orders (id int PRIMARY KEY); ALTER TABLE mirror.orders OWNER TO " + quotedRole);

        assertThat(MissingGrants.read(sink, "mirror", List.of("orders"))).isEmpty();
    }
}
