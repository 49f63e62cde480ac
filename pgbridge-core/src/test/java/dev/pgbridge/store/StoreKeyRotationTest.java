package dev.pgbridge.store;

import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.secret.MasterKey;
import dev.pgbridge.secret.MasterKeyFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static dev.pgbridge.store.StoreContract.SPECIAL;
import static dev.pgbridge.store.StoreContract.conn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class StoreKeyRotationTest {
    @TempDir
    Path temp;

    private final List<SqlConnectionStore> opened = new ArrayList<>();

    @AfterEach
    void close() {
        opened.forEach(SqlConnectionStore::close);
    }

    /** A new key in its text form, as a user puts it in an environment variable. */
    static String newKeyText() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    private SqlConnectionStore open(PgBridgeHome home) {
        SqlConnectionStore store = ConnectionStores.open(home, url -> {
            throw new AssertionError("no store URL in this test");
        });
        opened.add(store);
        return store;
    }

    private SqlConnectionStore openWith(PgBridgeHome home, MasterKey key) {
        SqlConnectionStore store = SqlConnectionStore.sqlite(home.storeFile(), () -> key);
        opened.add(store);
        return store;
    }

    private static void addRows(SqlConnectionStore store) {
        store.add(conn("default", "one").build());
        store.add(conn("team_a", "two").password("second").build());
        store.add(conn("team_a", "plain").password((String) null).extra((String) null).build());
    }

    private static void assertRowsRead(SqlConnectionStore store) {
        assertThat(store.find("default", "one").orElseThrow().config().password().reveal()).isEqualTo(SPECIAL);
        assertThat(store.list("team_a")).extracting(s -> s.config().password() == null ? null : s.config().password().reveal())
                .containsExactly(null, "second");
    }

    /** The home's files, without cache/ (sqlite's native library, unpacked there by the first store this JVM opens). */
    private List<String> homeFiles(PgBridgeHome home) throws Exception {
        try (var files = Files.list(home.dir())) {
            return files.map(p -> p.getFileName().toString()).filter(n -> !n.equals("cache")).sorted().toList();
        }
    }

    @Test
    void keyFileRotationReencryptsAndReplacesTheKeyFile() throws Exception {
        PgBridgeHome home = PgBridgeHome.of(temp.resolve("home"));
        SqlConnectionStore store = open(home);
        addRows(store);
        MasterKey oldKey = home.masterKeys().current();

        KeyRotation.Result result = new KeyRotation(home, store, Map.of()).rotate(null);

        MasterKey newKey = home.masterKeys().current();
        assertThat(result.rows()).isEqualTo(2);
        assertThat(result.oldKeyId()).isEqualTo(oldKey.id());
        assertThat(result.newKeyId()).isEqualTo(newKey.id()).isNotEqualTo(oldKey.id());
        assertThat(result.message()).isEqualTo("re-encrypted 2 connection(s) from key " + oldKey.id() + " to key "
                + newKey.id() + "; " + home.keyFile() + " now holds key " + newKey.id() + ".");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.keyFile()))).isEqualTo("rw-------");
        assertThat(homeFiles(home)).containsExactly("master.key", "pgbridge.db");
        assertRowsRead(store);
        assertThat(catchThrowableOfType(PgBridgeException.class, () -> openWith(home, oldKey).find("default", "one"))
                .getMessage()).contains("row encrypted with key " + newKey.id() + ", current key is " + oldKey.id());
    }

    @Test
    void rerunFinishesARotationInterruptedAfterTheStoreCommitted() throws Exception {
        PgBridgeHome home = PgBridgeHome.of(temp.resolve("home"));
        SqlConnectionStore store = open(home);
        addRows(store);
        MasterKey oldKey = home.masterKeys().current();
        // the crash: master.key.new written, store re-encrypted and committed, master.key not yet replaced
        MasterKey newKey = MasterKey.parse(newKeyText());
        assertThat(new MasterKeyFile(KeyRotation.pendingKeyFile(home.keyFile())).createIfAbsent(newKey)).isTrue();
        assertThat(store.rotateKey(oldKey, newKey)).isEqualTo(2);
        PgBridgeException unreadable = catchThrowableOfType(PgBridgeException.class, () -> store.find("default", "one"));
        assertThat(unreadable.code()).isEqualTo(ErrorCode.MASTER_KEY);
        assertThat(unreadable.hint()).contains("run it again to finish");

        KeyRotation.Result result = new KeyRotation(home, store, Map.of()).rotate(null);

        assertThat(result.newKeyId()).isEqualTo(newKey.id());
        assertThat(result.rows()).isZero();
        assertThat(result.message()).startsWith("finished an interrupted rotation: ");
        assertThat(home.masterKeys().current()).isEqualTo(newKey);
        assertThat(homeFiles(home)).containsExactly("master.key", "pgbridge.db");
        assertRowsRead(store);
    }

    @Test
    void rerunFinishesARotationInterruptedBeforeTheStoreCommitted() throws Exception {
        PgBridgeHome home = PgBridgeHome.of(temp.resolve("home"));
        SqlConnectionStore store = open(home);
        addRows(store);
        MasterKey newKey = MasterKey.parse(newKeyText());
        new MasterKeyFile(KeyRotation.pendingKeyFile(home.keyFile())).createIfAbsent(newKey);
        assertRowsRead(store);

        KeyRotation.Result result = new KeyRotation(home, store, Map.of()).rotate(null);

        assertThat(result.newKeyId()).isEqualTo(newKey.id());
        assertThat(result.rows()).isEqualTo(2);
        assertThat(home.masterKeys().current()).isEqualTo(newKey);
        assertRowsRead(store);
    }

    @Test
    void failedRotationLeavesKeyFileAndStoreAsTheyWere() throws Exception {
        PgBridgeHome home = PgBridgeHome.of(temp.resolve("home"));
        SqlConnectionStore store = open(home);
        addRows(store);
        MasterKey oldKey = home.masterKeys().current();
        MasterKey strayKey = MasterKey.parse(newKeyText());
        openWith(home, strayKey).add(ConnectionConfig.builder().connId("stray").password("x").build());

        PgBridgeException e = catchThrowableOfType(PgBridgeException.class,
                () -> new KeyRotation(home, store, Map.of()).rotate(null));

        assertThat(e.getMessage()).contains("'stray'").contains("row encrypted with key " + strayKey.id());
        assertThat(home.masterKeys().current()).isEqualTo(oldKey);
        assertThat(homeFiles(home)).containsExactly("master.key", "pgbridge.db");
        assertRowsRead(store);
    }

    @Test
    void keyFileRotationTakesANewKeyFromTheEnvironmentWhenGiven() {
        PgBridgeHome home = PgBridgeHome.of(temp.resolve("home"));
        SqlConnectionStore store = open(home);
        addRows(store);
        String text = newKeyText();

        KeyRotation.Result result = new KeyRotation(home, store, Map.of("NEXT_KEY", text)).rotate("NEXT_KEY");

        assertThat(result.newKeyId()).isEqualTo(MasterKey.parse(text).id());
        assertThat(home.masterKeys().current()).isEqualTo(MasterKey.parse(text));
        assertRowsRead(store);
    }

    @Test
    void environmentKeyRotationTellsTheUserToSwitchTheVariable() {
        String oldText = newKeyText();
        String newText = newKeyText();
        PgBridgeHome home = PgBridgeHome.fromEnvironment(Map.of(
                PgBridgeHome.HOME_ENV, temp.resolve("home").toString(), PgBridgeHome.MASTER_KEY_ENV, oldText));
        SqlConnectionStore store = open(home);
        addRows(store);
        Map<String, String> env = Map.of("PGBRIDGE_NEW_KEY", newText);

        KeyRotation.Result result = new KeyRotation(home, store, env).rotate("PGBRIDGE_NEW_KEY");

        MasterKey newKey = MasterKey.parse(newText);
        assertThat(result.rows()).isEqualTo(2);
        assertThat(result.oldKeyId()).isEqualTo(MasterKey.parse(oldText).id());
        assertThat(result.newKeyId()).isEqualTo(newKey.id());
        assertThat(result.message()).contains("Now set PGBRIDGE_MASTER_KEY to the value of PGBRIDGE_NEW_KEY")
                .doesNotContain(newText).doesNotContain(oldText);
        assertThat(home.keyFile()).doesNotExist();
        assertRowsRead(openWith(home, newKey));
        // running it again (the variable not switched yet) rewrites nothing and still reads
        assertThat(new KeyRotation(home, store, env).rotate("PGBRIDGE_NEW_KEY").rows()).isZero();
        assertRowsRead(openWith(home, newKey));
    }

    @Test
    void environmentKeyRotationNeedsTheNewKeyVariable() {
        String oldText = newKeyText();
        PgBridgeHome home = PgBridgeHome.fromEnvironment(Map.of(
                PgBridgeHome.HOME_ENV, temp.resolve("home").toString(), PgBridgeHome.MASTER_KEY_ENV, oldText));
        SqlConnectionStore store = open(home);
        addRows(store);
        String malformed = "my-new-secret-key";

        PgBridgeException none = catchThrowableOfType(PgBridgeException.class,
                () -> new KeyRotation(home, store, Map.of()).rotate(null));
        assertThat(none.code()).isEqualTo(ErrorCode.MASTER_KEY);
        assertThat(none.getMessage()).contains("PGBRIDGE_MASTER_KEY");
        assertThat(none.hint()).contains("--new-key-env");

        PgBridgeException absent = catchThrowableOfType(PgBridgeException.class,
                () -> new KeyRotation(home, store, Map.of()).rotate("NOT_THERE"));
        assertThat(absent.getMessage()).isEqualTo("environment variable NOT_THERE (from --new-key-env) is not set");

        PgBridgeException bad = catchThrowableOfType(PgBridgeException.class,
                () -> new KeyRotation(home, store, Map.of("NEW", malformed)).rotate("NEW"));
        assertThat(bad.getMessage()).startsWith("environment variable NEW is not a valid master key")
                .doesNotContain(malformed);

        PgBridgeException same = catchThrowableOfType(PgBridgeException.class,
                () -> new KeyRotation(home, store, Map.of("NEW", oldText)).rotate("NEW"));
        assertThat(same.getMessage()).contains("holds the current key");

        assertRowsRead(openWith(home, MasterKey.parse(oldText)));
    }
}
