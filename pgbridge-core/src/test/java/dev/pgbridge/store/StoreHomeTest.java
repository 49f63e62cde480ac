package dev.pgbridge.store;

import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.secret.MasterKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class StoreHomeTest {
    @TempDir
    Path temp;

    @Test
    void defaultsToDotPgbridgeInTheUserHome() {
        PgBridgeHome home = PgBridgeHome.fromEnvironment(Map.of());
        Path dir = Path.of(System.getProperty("user.home"), ".pgbridge").toAbsolutePath();
        assertThat(home.dir()).isEqualTo(dir);
        assertThat(home.storeFile()).isEqualTo(dir.resolve("pgbridge.db"));
        assertThat(home.keyFile()).isEqualTo(dir.resolve("master.key"));
        assertThat(home.capturesDir()).isEqualTo(dir.resolve("captures"));
        assertThat(home.logsDir()).isEqualTo(dir.resolve("logs"));
        assertThat(home.storeUrl()).isEmpty();
        assertThat(home.masterKeyFromEnv()).isEmpty();
        assertThat(home.masterKeys().fromEnvironment()).isFalse();
    }

    @Test
    void environmentOverridesAndNothingIsCreatedUntilAsked() {
        Path dir = temp.resolve("a").resolve("home");
        String key = StoreKeyRotationTest.newKeyText();
        String url = "postgresql://store:s3cret-pw@db.example.com/pgbridge";
        PgBridgeHome home = PgBridgeHome.fromEnvironment(Map.of(
                "PGBRIDGE_HOME", dir.toString(), "PGBRIDGE_MASTER_KEY", key, "PGBRIDGE_STORE_URL", url));
        assertThat(home.dir()).isEqualTo(dir);
        assertThat(home.storeUrl()).contains(url);
        assertThat(home.masterKeyFromEnv()).contains(key);
        assertThat(home.masterKeys().current()).isEqualTo(MasterKey.parse(key));
        assertThat(dir).doesNotExist();
        assertThat(home.toString()).doesNotContain(key).doesNotContain("s3cret-pw");
    }

    @Test
    void blankHomeAndStoreUrlCountAsUnset() {
        PgBridgeHome home = PgBridgeHome.fromEnvironment(Map.of("PGBRIDGE_HOME", " ", "PGBRIDGE_STORE_URL", ""));
        assertThat(home.dir()).isEqualTo(Path.of(System.getProperty("user.home"), ".pgbridge").toAbsolutePath());
        assertThat(home.storeUrl()).isEmpty();
    }

    @Test
    void createDirMakesItOwnerOnly() throws Exception {
        Path dir = temp.resolve("new").resolve("home");
        PgBridgeHome home = PgBridgeHome.of(dir);
        assertThat(home.createDir()).isEqualTo(dir);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
        assertThat(home.createDir()).isEqualTo(dir);
    }

    @Test
    void openWithoutStoreUrlUsesTheSqliteFileOfTheHome() throws Exception {
        PgBridgeHome home = PgBridgeHome.of(temp.resolve("home"));
        try (SqlConnectionStore store = ConnectionStores.open(home, url -> {
            throw new AssertionError("no store URL here");
        })) {
            store.add(StoreContract.conn("default", "one").build());
            assertThat(store.describe()).isEqualTo("SQLite file " + home.storeFile());
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.storeFile()))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.keyFile()))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.dir()))).isEqualTo("rwx------");
    }

    @Test
    void storeUrlThatIsNotPostgresIsRefusedWithoutEchoingIt() {
        PgBridgeHome home = PgBridgeHome.fromEnvironment(Map.of("PGBRIDGE_HOME", temp.toString(),
                "PGBRIDGE_STORE_URL", "mysql://root:hunter2@db/store"));
        AtomicBoolean called = new AtomicBoolean();
        PgBridgeException e = catchThrowableOfType(PgBridgeException.class, () -> ConnectionStores.open(home, url -> {
            called.set(true);
            return null;
        }));
        assertThat(e.code()).isEqualTo(ErrorCode.STORE);
        assertThat(e.getMessage()).isEqualTo("PGBRIDGE_STORE_URL must be a postgresql:// URL").doesNotContain("hunter2");
        assertThat(called.get()).isFalse();
    }
}
