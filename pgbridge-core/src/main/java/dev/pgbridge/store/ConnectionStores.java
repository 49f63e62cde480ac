package dev.pgbridge.store;

import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;

import javax.sql.DataSource;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/** Opens the control store a {@link PgBridgeHome} asks for. */
public final class ConnectionStores {
    private ConnectionStores() {}

    /**
     * The PostgreSQL store when {@code PGBRIDGE_STORE_URL} is set ({@code postgresql://…} or {@code postgres://…},
     * turned into a data source by {@code storeUrlToDataSource}; closed with the store when it is
     * {@link AutoCloseable}), else the SQLite file {@code PGBRIDGE_HOME/pgbridge.db}. Either way secrets are
     * encrypted with the home's master key ({@link PgBridgeHome#masterKeys()}).
     */
    public static SqlConnectionStore open(PgBridgeHome home, Function<String, DataSource> storeUrlToDataSource) {
        requireNonNull(home, "home is null");
        requireNonNull(storeUrlToDataSource, "storeUrlToDataSource is null");
        Optional<String> url = home.storeUrl();
        if (url.isEmpty()) {
            home.createDir();
            return SqlConnectionStore.sqlite(home.storeFile(), home.masterKeys());
        }
        String lower = url.get().toLowerCase(Locale.ROOT);
        if (!lower.startsWith("postgresql://") && !lower.startsWith("postgres://")) {
            // never echo the URL: it may carry a password
            throw new PgBridgeException(ErrorCode.STORE,
                    PgBridgeHome.STORE_URL_ENV + " must be a postgresql:// URL",
                    "set it like postgresql://user@host:5432/db, or unset it to use " + home.storeFile());
        }
        DataSource dataSource = requireNonNull(storeUrlToDataSource.apply(url.get()), "no DataSource for the store URL");
        return SqlConnectionStore.postgres(dataSource, home.masterKeys(), true);
    }

    /**
     * Loads the SQLite driver's classes, its date parser and its native library (when an earlier run unpacked it) for
     * {@code home}'s store — about a sixth of a short command's Java time — writing nothing: a command line calls it
     * on a second thread while it parses the arguments, so that opening the store later finds them ready. Nothing for
     * a store in PostgreSQL ({@code PGBRIDGE_STORE_URL}).
     */
    public static void preloadDriver(PgBridgeHome home) {
        if (home.storeUrl().isEmpty()) {
            SqliteBackend.preloadDriver(home.storeFile());
        }
    }
}
