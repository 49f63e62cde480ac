package dev.pgbridge.metadata.catalogstore;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.pgbridge.store.SqlConnectionStore;
import dev.pgbridge.store.StoreDatabase;
import dev.pgbridge.testing.TestDatabase;
import dev.pgbridge.testing.TestingPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;

/**
 * The local catalog in the PostgreSQL control store ({@code PGBRIDGE_STORE_URL}), in a database of its own; the tests
 * share it, each in its own tenant.
 */
class CatalogPostgresStoreIT extends CatalogStoreContract {
    private static TestDatabase storeDb;
    private static HikariDataSource dataSource;
    private static SqlConnectionStore store;

    @BeforeAll
    static void openStore() {
        storeDb = SERVER.createDatabase(TestingPostgres.uniqueName("pgb_catstore"), null);
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(SERVER.jdbcUrl(storeDb.name()) + "?sslmode=disable");
        config.setUsername(SERVER.superuser());
        config.setPassword(SERVER.superuserPassword());
        config.setMaximumPoolSize(4);
        config.setMinimumIdle(0);
        config.setPoolName("catalog-store-it");
        dataSource = new HikariDataSource(config);
        store = SqlConnectionStore.postgres(dataSource, () -> {
            throw new IllegalStateException("the catalog never asks for the master key");
        });
    }

    @AfterAll
    static void closeStore() {
        if (store != null) {
            store.close();
        }
        if (dataSource != null) {
            dataSource.close();
        }
        if (storeDb != null) {
            storeDb.close();
        }
    }

    @Override
    protected StoreDatabase storeDatabase() {
        return store.database();
    }

    /** The profile store on this back end. */
    @Nested
    class Profiles extends ProfileStoreContract {
        @Override
        protected StoreDatabase storeDatabase() {
            return store.database();
        }
    }

    /** The quality store on this back end. */
    @Nested
    class Quality extends QualityStoreContract {
        @Override
        protected StoreDatabase storeDatabase() {
            return store.database();
        }
    }
}
