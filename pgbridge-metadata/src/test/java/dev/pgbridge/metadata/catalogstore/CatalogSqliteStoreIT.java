package dev.pgbridge.metadata.catalogstore;

import dev.pgbridge.store.SqlConnectionStore;
import dev.pgbridge.store.StoreDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The local catalog in the SQLite control store (the default: {@code PGBRIDGE_HOME/pgbridge.db}). */
class CatalogSqliteStoreIT extends CatalogStoreContract {
    @TempDir
    Path home;

    private SqlConnectionStore store;

    @BeforeEach
    void openStore() {
        store = SqlConnectionStore.sqlite(home.resolve("pgbridge.db"), () -> {
            throw new IllegalStateException("the catalog never asks for the master key");
        });
    }

    @AfterEach
    void closeStore() {
        store.close();
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
