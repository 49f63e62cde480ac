package dev.pgbridge.catalog;

import dev.pgbridge.sql.QualifiedName;
import dev.pgbridge.testing.TestDatabase;
import dev.pgbridge.testing.TestingPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The per-schema readers of foreign keys, view definitions and the database list, on a real server. */
@Timeout(60)
class ForeignKeysAndViewDefinitionsIT {
    private static final TestingPostgres SERVER = TestingPostgres.get();
    private static TestDatabase db;

    @BeforeAll
    static void createFixture() {
        db = SERVER.createDatabase(TestingPostgres.uniqueName("pgb_fk"), null);
        SERVER.executeIn(db.name(), """
                COMMENT ON DATABASE %s IS 'FK test';
                CREATE SCHEMA a;
                CREATE SCHEMA b;
                CREATE TABLE b.customers (region text, id int, PRIMARY KEY (region, id));
                CREATE TABLE a.events (id int, at date, region text, customer int,
                    FOREIGN KEY (region, customer) REFERENCES b.customers (region, id)) PARTITION BY RANGE (at);
                CREATE TABLE a.events_2024 PARTITION OF a.events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
                CREATE VIEW a.recent AS SELECT id FROM a.events WHERE at > date '2024-06-01';
                CREATE MATERIALIZED VIEW a.counts AS SELECT region, count(*) FROM b.customers GROUP BY region;
                """.formatted("\"" + db.name() + "\""));
    }

    @AfterAll
    static void dropFixture() {
        if (db != null) {
            db.close();
        }
    }

    @Test
    void aPartitionedTablesForeignKeyIsListedOnceWithColumnsInKeyOrder() throws Exception {
        try (Connection c = SERVER.connect(db.name())) {
            List<ForeignKeys.ForeignKey> keys = ForeignKeys.read(c, "a");
            assertThat(keys).singleElement().satisfies(k -> {
                assertThat(k.table()).isEqualTo(QualifiedName.of("a", "events"));
                assertThat(k.columns()).containsExactly("region", "customer");
                assertThat(k.referenced()).isEqualTo(QualifiedName.of("b", "customers"));
                assertThat(k.referencedColumns()).containsExactly("region", "id");
            });
            assertThat(ForeignKeys.read(c, "b")).isEmpty();
        }
    }

    @Test
    void viewDefinitionsAreQualifiedAndTheSearchPathIsPutBack() throws Exception {
        try (Connection c = SERVER.connect(db.name()); Statement s = c.createStatement()) {
            s.execute("SET search_path = a, b");
            Map<String, String> definitions = ViewDefinitions.read(c, "a");
            assertThat(definitions.keySet()).containsExactly("counts", "recent");
            assertThat(definitions.get("recent")).contains("FROM a.events");
            assertThat(definitions.get("counts")).contains("FROM b.customers");
            try (ResultSet rs = s.executeQuery("SHOW search_path")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("a, b");
            }
        }
    }

    @Test
    void databasesListsTheCurrentOneWithItsComment() throws Exception {
        try (Connection c = SERVER.connect(db.name())) {
            Catalog catalog = new Catalog(c);
            assertThat(catalog.databases(true)).singleElement()
                    .isEqualTo(new DatabaseInfo(db.name(), SERVER.superuser(), "FK test"));
            assertThat(catalog.databases(false)).extracting(DatabaseInfo::name).contains(db.name(), "postgres")
                    .doesNotContain("template0", "template1");
        }
    }
}
