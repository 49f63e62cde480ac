package dev.pgbridge.store;

import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.secret.MasterKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * What every control store back end must do. Subclasses open one fresh, empty store per test; {@link #open} may be
 * called several times and must return stores on the same data.
 */
abstract class StoreContract {
    static final String SPECIAL = "p@ss:w/rd?#%&=+ é日本🔑";
    static final String EXTRA_SECRET = "xtra-S3cret-Value-9f2c";

    private final List<SqlConnectionStore> opened = new ArrayList<>();
    protected final MasterKey keyA = MasterKey.generate();
    protected final MasterKey keyB = MasterKey.generate();

    /** A store on this test's data, with secrets under the keys {@code keys} gives. */
    protected abstract SqlConnectionStore openStore(Supplier<MasterKey> keys);

    /** A plain JDBC connection to this test's data, to look under the store. */
    protected abstract Connection rawConnection() throws SQLException;

    /** Prefix of the store's table names in raw SQL. */
    protected abstract String tablePrefix();

    /** Every byte the back end keeps of this test's connections (called after all stores are closed). */
    protected abstract byte[] rawStorage() throws Exception;

    protected final SqlConnectionStore open(Supplier<MasterKey> keys) {
        SqlConnectionStore store = openStore(keys);
        opened.add(store);
        return store;
    }

    protected final SqlConnectionStore open(MasterKey key) {
        return open(() -> key);
    }

    protected final void closeAll() {
        opened.forEach(SqlConnectionStore::close);
        opened.clear();
    }

    @AfterEach
    void closeStores() {
        closeAll();
    }

    static ConnectionConfig.Builder conn(String tenant, String id) {
        return ConnectionConfig.builder()
                .tenant(tenant).connId(id).host("db-" + id + ".example.com").port(5432).database("app")
                .login("loader").password(SPECIAL).extra(Map.of("sslmode", "require")).description("the " + id);
    }

    @Test
    void addThenFindReturnsEverySavedField() {
        SqlConnectionStore store = open(keyA);
        ConnectionConfig config = conn("default", "pg_main").port("5432,5433").host("h1,h2")
                .extra("{\"sslmode\":\"verify-full\",\"sslpassword\":\"" + EXTRA_SECRET + "\"}").build();
        StoredConnection added = store.add(config);
        assertThat(added.credentialVersion()).isEqualTo(1);

        StoredConnection found = store.find("default", "pg_main").orElseThrow();
        ConnectionConfig read = found.config();
        assertThat(read.connId()).isEqualTo("pg_main");
        assertThat(read.tenant()).isEqualTo("default");
        assertThat(read.connType()).isEqualTo("postgres");
        assertThat(read.host()).isEqualTo("h1,h2");
        assertThat(read.port()).isEqualTo("5432,5433");
        assertThat(read.database()).isEqualTo("app");
        assertThat(read.login()).isEqualTo("loader");
        assertThat(read.password().reveal()).isEqualTo(SPECIAL);
        assertThat(read.extra()).isEqualTo(config.extra());
        assertThat(read.description()).isEqualTo("the pg_main");
        assertThat(found.credentialVersion()).isEqualTo(1);
        assertThat(found.createdAt()).isEqualTo(added.createdAt());
        assertThat(found.updatedAt()).isEqualTo(added.updatedAt());
        assertThat(found).isEqualTo(added);
    }

    @Test
    void connectionWithoutSecretsNeedsNoKey() {
        SqlConnectionStore store = open(() -> {
            throw new PgBridgeException(ErrorCode.MASTER_KEY, "no key in this test", null);
        });
        store.add(ConnectionConfig.builder().connId("plain").host("localhost").build());
        StoredConnection found = store.find("default", "plain").orElseThrow();
        assertThat(found.config().password()).isNull();
        assertThat(found.config().extra()).isNull();
        assertThat(found.config().port()).isNull();
    }

    @Test
    void unusableKeyStopsSecretWritesAndWritesNothing() {
        SqlConnectionStore store = open(() -> {
            throw new PgBridgeException(ErrorCode.MASTER_KEY, "master key file x has permissions rw-r--r--", "chmod 600 x");
        });
        for (ConnectionConfig config : List.of(
                conn("default", "with_password").extra((String) null).build(),
                conn("default", "with_extra").password((String) null).build())) {
            PgBridgeException e = catchThrowableOfType(PgBridgeException.class, () -> store.add(config));
            assertThat(e.code()).isEqualTo(ErrorCode.MASTER_KEY);
            assertThat(e.hint()).isEqualTo("chmod 600 x");
        }
        assertThat(store.list("default")).isEmpty();
    }

    @Test
    void addFailsWhenTheIdIsTakenInItsTenant() {
        SqlConnectionStore store = open(keyA);
        store.add(conn("team_a", "pg_main").build());
        PgBridgeException e = catchThrowableOfType(PgBridgeException.class,
                () -> store.add(conn("team_a", "PG_MAIN").password("other").build()));
        assertThat(e.code()).isEqualTo(ErrorCode.CONNECTION_EXISTS);
        assertThat(e.getMessage()).isEqualTo("connection 'pg_main' already exists in tenant 'team_a'");
        assertThat(e.hint()).contains("pgbridge conn edit pg_main");
        assertThat(store.find("team_a", "pg_main").orElseThrow().config().password().reveal()).isEqualTo(SPECIAL);
    }

    @Test
    void idsAndTenantsAreCaseInsensitive() {
        SqlConnectionStore store = open(keyA);
        store.add(conn("Team_A", "Pg_Main").build());
        assertThat(store.find("TEAM_A", "PG_MAIN")).isPresent();
        assertThat(store.find("team_a", "pg_main").orElseThrow().config().connId()).isEqualTo("pg_main");
    }

    @Test
    void listIsOrderedByIdAndScopedToItsTenant() {
        SqlConnectionStore store = open(keyA);
        store.add(conn("default", "zeta").build());
        store.add(conn("default", "alpha").password((String) null).build());
        store.add(conn("default", "mid").build());
        store.add(conn("team_b", "beta").build());
        assertThat(store.list("default")).extracting(s -> s.config().connId()).containsExactly("alpha", "mid", "zeta");
        assertThat(store.list("team_b")).extracting(s -> s.config().connId()).containsExactly("beta");
        assertThat(store.list("nobody")).isEmpty();
        assertThat(store.list("default").get(1).config().password().reveal()).isEqualTo(SPECIAL);
    }

    @Test
    void listingWithoutPasswordsDecryptsNoPasswordAndSaysWhichAreSaved() {
        SqlConnectionStore store = open(keyA);
        store.add(conn("default", "zeta").build());
        store.add(conn("default", "alpha").password((String) null).extra((String) null).build());
        store.add(conn("team_b", "beta").build());
        List<ListedConnection> listed = store.listWithoutPasswords("default", true);
        assertThat(listed).extracting(l -> l.connection().config().connId()).containsExactly("alpha", "zeta");
        assertThat(listed).extracting(ListedConnection::passwordSaved).containsExactly(false, true);
        assertThat(listed).allSatisfy(l -> assertThat(l.connection().config().password()).isNull());
        // everything else as list() reads it
        StoredConnection full = store.list("default").get(1);
        assertThat(listed.get(1).connection().config()).isEqualTo(full.config().toBuilder()
                .password((dev.pgbridge.secret.Secret) null).build());
        assertThat(listed.get(1).connection().credentialVersion()).isEqualTo(full.credentialVersion());
        assertThat(listed.get(1).connection().updatedAt()).isEqualTo(full.updatedAt());
        assertThat(store.listWithoutPasswords("nobody", true)).isEmpty();
        // a password is never decrypted for a listing: a row with no extra needs no key at all
        SqlConnectionStore keyless = open(() -> {
            throw new PgBridgeException(ErrorCode.MASTER_KEY, "no key in this test", null);
        });
        store.add(conn("team_c", "only_password").extra((String) null).build());
        assertThat(keyless.listWithoutPasswords("team_c", true)).singleElement()
                .satisfies(l -> assertThat(l.passwordSaved()).isTrue());
        assertThatThrownBy(() -> keyless.list("team_c")).isInstanceOf(PgBridgeException.class);
        // without extra nothing is decrypted: rows with an encrypted extra list with no key either
        assertThatThrownBy(() -> keyless.listWithoutPasswords("default", true)).isInstanceOf(PgBridgeException.class);
        assertThat(keyless.listWithoutPasswords("default", false))
                .extracting(l -> l.connection().config().connId(), ListedConnection::passwordSaved,
                        l -> l.connection().config().extra())
                .containsExactly(tuple("alpha", false, null), tuple("zeta", true, null));
    }

    @Test
    void theChangeMarkMovesWithEveryAddChangeAndDeleteOfItsTenantOnly() throws InterruptedException {
        SqlConnectionStore store = open(keyA);
        String empty = store.changeMark("default");
        store.add(conn("default", "pg_main").build());
        String added = store.changeMark("default");
        assertThat(added).isNotEqualTo(empty);
        assertThat(store.changeMark("default")).isEqualTo(added);
        store.add(conn("team_b", "other").build());
        assertThat(store.changeMark("default")).as("another tenant's change").isEqualTo(added);
        Thread.sleep(2); // updated_at keeps milliseconds
        store.update(conn("default", "pg_main").password((String) null).description("changed").build());
        String described = store.changeMark("default");
        assertThat(described).isNotEqualTo(added);
        store.update(conn("default", "pg_main").host("elsewhere").build());
        String credentials = store.changeMark("default");
        assertThat(credentials).as("a credential change, even within the same millisecond").isNotEqualTo(described);
        store.add(conn("default", "pg_second").build());
        String two = store.changeMark("default");
        store.delete("default", "pg_second");
        assertThat(store.changeMark("default")).isNotEqualTo(two);
    }

    @Test
    void updateWithoutPasswordKeepsTheSavedOne() {
        SqlConnectionStore store = open(keyA);
        store.add(conn("default", "pg_main").build());
        StoredConnection updated = store.update(conn("default", "pg_main").password((String) null)
                .description("renamed").build());
        assertThat(updated.config().password().reveal()).isEqualTo(SPECIAL);
        assertThat(updated.config().description()).isEqualTo("renamed");
        StoredConnection found = store.find("default", "pg_main").orElseThrow();
        assertThat(found.config().password().reveal()).isEqualTo(SPECIAL);
        assertThat(found.config().description()).isEqualTo("renamed");
        assertThat(found.credentialVersion()).isEqualTo(1);
        assertThat(found.updatedAt()).isAfterOrEqualTo(found.createdAt());
        assertThat(found).isEqualTo(updated);
    }

    @Test
    void credentialVersionBumpsOnlyWhenACredentialChanges() {
        SqlConnectionStore store = open(keyA);
        ConnectionConfig current = store.add(conn("default", "pg_main").build()).config();
        Map<String, UnaryOperator<ConnectionConfig.Builder>> credentialChanges = new LinkedHashMap<>();
        credentialChanges.put("host", b -> b.host("other.example.com"));
        credentialChanges.put("port", b -> b.port(6432));
        credentialChanges.put("database", b -> b.database("other"));
        credentialChanges.put("login", b -> b.login("someone"));
        credentialChanges.put("password", b -> b.password("new " + SPECIAL));
        credentialChanges.put("extra", b -> b.extra(Map.of("sslmode", "verify-full")));
        credentialChanges.put("extra removed", b -> b.extra((String) null));
        long expected = 1;
        for (Map.Entry<String, UnaryOperator<ConnectionConfig.Builder>> change : credentialChanges.entrySet()) {
            StoredConnection updated = store.update(change.getValue().apply(current.toBuilder()).build());
            expected++;
            assertThat(updated.credentialVersion()).as(change.getKey()).isEqualTo(expected);
            assertThat(store.find("default", "pg_main").orElseThrow().credentialVersion()).as(change.getKey())
                    .isEqualTo(expected);
            current = updated.config();
        }
        Map<String, UnaryOperator<ConnectionConfig.Builder>> otherChanges = new LinkedHashMap<>();
        otherChanges.put("description", b -> b.description("new words"));
        otherChanges.put("conn_type", b -> b.connType("postgresql"));
        otherChanges.put("same password again", b -> b.password("new " + SPECIAL));
        otherChanges.put("no password given", b -> b.password((String) null));
        otherChanges.put("nothing", b -> b);
        for (Map.Entry<String, UnaryOperator<ConnectionConfig.Builder>> change : otherChanges.entrySet()) {
            StoredConnection updated = store.update(change.getValue().apply(current.toBuilder()).build());
            assertThat(updated.credentialVersion()).as(change.getKey()).isEqualTo(expected);
            assertThat(store.find("default", "pg_main").orElseThrow().credentialVersion()).as(change.getKey())
                    .isEqualTo(expected);
            current = updated.config();
        }
        ConnectionConfig last = store.find("default", "pg_main").orElseThrow().config();
        assertThat(last.password().reveal()).isEqualTo("new " + SPECIAL);
        assertThat(last.connType()).isEqualTo("postgresql");
        assertThat(last.extra()).isNull();
    }

    @Test
    void updateOfAMissingConnectionFails() {
        SqlConnectionStore store = open(keyA);
        store.add(conn("team_a", "pg_main").build());
        PgBridgeException e = catchThrowableOfType(PgBridgeException.class,
                () -> store.update(conn("default", "pg_main").build()));
        assertThat(e.code()).isEqualTo(ErrorCode.CONNECTION_NOT_FOUND);
        assertThat(e.getMessage()).isEqualTo("connection 'pg_main' not found in tenant 'default'");
    }

    @Test
    void deleteRemovesOnlyThatConnection() {
        SqlConnectionStore store = open(keyA);
        store.add(conn("default", "one").build());
        store.add(conn("default", "two").build());
        assertThat(store.delete("default", "ONE")).isTrue();
        assertThat(store.delete("default", "one")).isFalse();
        assertThat(store.find("default", "one")).isEmpty();
        assertThat(store.list("default")).extracting(s -> s.config().connId()).containsExactly("two");
    }

    @Test
    void tenantsAreIsolated() {
        SqlConnectionStore store = open(keyA);
        store.add(conn("team_a", "shared").password("password of a").host("a.example.com").build());
        store.add(conn("team_b", "shared").password("password of b").host("b.example.com").build());
        store.add(conn("team_b", "only_b").build());

        assertThat(store.find("team_a", "shared").orElseThrow().config().password().reveal()).isEqualTo("password of a");
        assertThat(store.find("team_b", "shared").orElseThrow().config().password().reveal()).isEqualTo("password of b");
        assertThat(store.find("team_a", "only_b")).isEmpty();
        assertThat(store.find("default", "shared")).isEmpty();
        assertThat(store.list("team_a")).extracting(s -> s.config().host()).containsExactly("a.example.com");
        assertThat(store.delete("team_a", "only_b")).isFalse();
        assertThatThrownBy(() -> store.update(conn("team_a", "only_b").build()))
                .isInstanceOf(PgBridgeException.class)
                .hasMessageContaining("not found in tenant 'team_a'");

        store.update(conn("team_a", "shared").password("new password of a").host("a2.example.com").build());
        assertThat(store.find("team_b", "shared").orElseThrow().config().host()).isEqualTo("b.example.com");
        assertThat(store.find("team_b", "shared").orElseThrow().credentialVersion()).isEqualTo(1);

        assertThat(store.delete("team_a", "shared")).isTrue();
        assertThat(store.find("team_b", "shared")).isPresent();
        assertThat(store.list("team_b")).extracting(s -> s.config().connId()).containsExactly("only_b", "shared");
    }

    @Test
    void ciphertextCopiedToAnotherRowDoesNotDecrypt() throws SQLException {
        SqlConnectionStore store = open(keyA);
        store.add(conn("default", "victim").password("victim password").build());
        store.add(conn("default", "attacker").password("attacker password").build());
        rawUpdate("UPDATE " + tablePrefix() + "connections SET password_enc = (SELECT password_enc FROM "
                + tablePrefix() + "connections WHERE conn_id = 'victim') WHERE conn_id = 'attacker'");
        PgBridgeException e = catchThrowableOfType(PgBridgeException.class, () -> store.find("default", "attacker"));
        assertThat(e.code()).isEqualTo(ErrorCode.MASTER_KEY);
        assertThat(e.getMessage()).contains("default/attacker/password").doesNotContain("victim password");
        assertThat(store.find("default", "victim").orElseThrow().config().password().reveal())
                .isEqualTo("victim password");
    }

    @Test
    void rotateKeyReencryptsEveryRowOfEveryTenant() {
        AtomicReference<MasterKey> current = new AtomicReference<>(keyA);
        SqlConnectionStore store = open(current::get);
        store.add(conn("default", "one").build());
        store.add(conn("team_a", "two").password("second").build());
        store.add(conn("team_a", "extra_only").password((String) null).build());
        store.add(conn("team_a", "nothing_secret").password((String) null).extra((String) null).build());

        assertThat(store.rotateKey(keyB)).isEqualTo(3);

        SqlConnectionStore oldKeyStore = open(keyA);
        PgBridgeException e = catchThrowableOfType(PgBridgeException.class, () -> oldKeyStore.find("default", "one"));
        assertThat(e.code()).isEqualTo(ErrorCode.MASTER_KEY);
        assertThat(e.getMessage()).isEqualTo("connection 'one' in tenant 'default': row encrypted with key "
                + keyB.id() + ", current key is " + keyA.id());
        assertThat(e.hint()).contains(keyB.id()).contains("rotate-key");

        current.set(keyB);
        assertThat(store.find("default", "one").orElseThrow().config().password().reveal()).isEqualTo(SPECIAL);
        assertThat(store.list("team_a")).extracting(s -> s.config().password() == null ? null : s.config().password().reveal())
                .containsExactly(null, null, "second");
        assertThat(store.list("team_a")).extracting(s -> s.config().extra())
                .containsExactly("{\"sslmode\":\"require\"}", null, "{\"sslmode\":\"require\"}");
        assertThat(store.find("team_a", "two").orElseThrow().credentialVersion()).isEqualTo(1);
        // rows already under the new key are skipped, so running it again rewrites nothing
        assertThat(store.rotateKey(keyA, keyB)).isZero();
    }

    @Test
    void rotateKeyIsAllOrNothing() {
        MasterKey keyC = MasterKey.generate();
        SqlConnectionStore store = open(keyA);
        store.add(conn("default", "a1").build());
        store.add(conn("default", "a2").build());
        open(keyC).add(conn("default", "c1").build());

        PgBridgeException e = catchThrowableOfType(PgBridgeException.class, () -> store.rotateKey(keyB));
        assertThat(e.code()).isEqualTo(ErrorCode.MASTER_KEY);
        assertThat(e.getMessage()).contains("'c1'").contains("row encrypted with key " + keyC.id());

        assertThat(store.find("default", "a1").orElseThrow().config().password().reveal()).isEqualTo(SPECIAL);
        assertThat(store.find("default", "a2").orElseThrow().config().password().reveal()).isEqualTo(SPECIAL);
        assertThatThrownBy(() -> open(keyB).find("default", "a1"))
                .isInstanceOf(PgBridgeException.class)
                .hasMessageContaining("row encrypted with key " + keyA.id());
    }

    @Test
    void migrationsAreIdempotentOnReopen() throws SQLException {
        SqlConnectionStore first = open(keyA);
        first.add(conn("default", "kept").build());
        assertThat(first.schemaVersion()).isEqualTo(SqlConnectionStore.latestSchemaVersion());
        closeAll();
        for (int i = 0; i < 2; i++) {
            SqlConnectionStore again = open(keyA);
            assertThat(again.schemaVersion()).isEqualTo(SqlConnectionStore.latestSchemaVersion());
            assertThat(again.find("default", "kept").orElseThrow().config().password().reveal()).isEqualTo(SPECIAL);
            closeAll();
        }
        assertThat(rawLong("SELECT COUNT(*) FROM " + tablePrefix() + "schema_version"))
                .isEqualTo(SqlConnectionStore.latestSchemaVersion());
    }

    @Test
    void anotherComponentRunsItsOwnMigrationsOnceWithItsOwnVersions() throws SQLException {
        List<StoreMigration> first = List.of(new StoreMigration(1, "widgets",
                List.of("CREATE TABLE ${schema}widget (name TEXT PRIMARY KEY, made_at ${timestamp} NOT NULL)")));
        List<StoreMigration> second = List.of(first.getFirst(), new StoreMigration(2, "widget colour",
                List.of("ALTER TABLE ${schema}widget ADD COLUMN colour TEXT")));
        StoreDatabase database = open(keyA).database();
        database.migrate("widgets", first);
        database.migrate("widgets", first);
        assertThat(database.version("widgets")).isEqualTo(1);
        database.migrate("widgets", second);
        assertThat(database.version("widgets")).isEqualTo(2);
        assertThat(database.version(StoreDatabase.CORE)).isEqualTo(SqlConnectionStore.latestSchemaVersion());
        closeAll();

        StoreDatabase reopened = open(keyA).database();
        reopened.migrate("widgets", second);
        rawUpdate("INSERT INTO " + tablePrefix() + "widget (name, made_at, colour) VALUES ('w', '2026-01-01', 'red')");
        assertThat(rawLong("SELECT COUNT(*) FROM " + tablePrefix() + "component_version WHERE component = 'widgets'"))
                .isEqualTo(2);
        assertThat(rawLong("SELECT COUNT(*) FROM " + tablePrefix() + "schema_version"))
                .isEqualTo(SqlConnectionStore.latestSchemaVersion());
        assertThatThrownBy(() -> reopened.migrate("widgets", first))
                .isInstanceOf(PgBridgeException.class)
                .hasMessageContaining("has widgets schema version 2, newer than this pgbridge knows (1)");
    }

    @Test
    void concurrentOpensMigrateOnce() throws Exception {
        int stores = 4;
        CyclicBarrier start = new CyclicBarrier(stores);
        ExecutorService pool = Executors.newFixedThreadPool(stores);
        AtomicInteger n = new AtomicInteger();
        try {
            List<Future<SqlConnectionStore>> futures = new ArrayList<>();
            for (int i = 0; i < stores; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    SqlConnectionStore store = openStore(() -> keyA);
                    store.add(conn("default", "c" + n.incrementAndGet()).build());
                    return store;
                }));
            }
            for (Future<SqlConnectionStore> future : futures) {
                opened.add(future.get());
            }
        }
        finally {
            pool.shutdownNow();
        }
        assertThat(open(keyA).list("default")).hasSize(stores);
        assertThat(rawLong("SELECT COUNT(*) FROM " + tablePrefix() + "schema_version"))
                .isEqualTo(SqlConnectionStore.latestSchemaVersion());
    }

    @Test
    void rawStorageHoldsNoPlaintextSecret() throws Exception {
        SqlConnectionStore store = open(keyA);
        String extra = "{\"sslmode\":\"require\",\"sslpassword\":\"" + EXTRA_SECRET + "\"}";
        store.add(conn("default", "secretive").extra(extra).build());
        store.add(conn("team_a", "secretive").extra(extra).build());
        store.update(conn("team_a", "secretive").password("second " + SPECIAL).extra(extra).build());
        closeAll();

        byte[] raw = rawStorage();
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        // the scan sees the rows: the plain fields are there
        assertThat(text).contains("db-secretive.example.com").contains("loader");
        for (String secret : List.of(SPECIAL, "second " + SPECIAL, EXTRA_SECRET, extra)) {
            byte[] utf8 = secret.getBytes(StandardCharsets.UTF_8);
            assertThat(text).as("UTF-8 of a secret").doesNotContain(new String(utf8, StandardCharsets.ISO_8859_1));
            assertThat(text).as("base64 of a secret").doesNotContain(Base64.getEncoder().encodeToString(utf8));
        }
        assertThat(text).as("a non-ASCII part of the password").doesNotContain(
                new String("é日本🔑".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1));
    }

    protected final void rawUpdate(String sql) throws SQLException {
        try (Connection c = rawConnection(); Statement s = c.createStatement()) {
            s.executeUpdate(sql);
        }
    }

    protected final long rawLong(String sql) throws SQLException {
        try (Connection c = rawConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
