package dev.pgbridge.store;

import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.secret.MasterKey;
import dev.pgbridge.secret.MasterKeyFile;
import dev.pgbridge.secret.MasterKeys;

import java.nio.file.Path;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * {@code pgbridge store rotate-key [--new-key-env VAR]}: re-encrypts every secret of the store under a new master key.
 *
 * <p><b>With a key file</b> ({@code PGBRIDGE_HOME/master.key}) pgbridge makes the new key and replaces the file. The
 * order is chosen so that at every instant the key of every row is on disk, under a name that says which it is:
 * <ol>
 *   <li>the new key is written to {@code master.key.new} (0600, flushed) — only now is it used for anything;</li>
 *   <li>the old key is copied to {@code master.key.old-<id>} (0600), a backup for the whole operation;</li>
 *   <li>the store is re-encrypted in one transaction: its commit is the commit point of the rotation;</li>
 *   <li>{@code master.key.new} is renamed over {@code master.key} (atomic);</li>
 *   <li>a second pass re-encrypts rows that a process which read the old {@code master.key} just before the rename
 *       wrote after the commit; then the backup is deleted.</li>
 * </ol>
 * A crash before 3 commits leaves the store under the old key, which is still {@code master.key}. A crash between
 * 3 and 4 leaves rows under the new key while {@code master.key} is old: reads then fail naming both key ids, and
 * the new key is in {@code master.key.new}. Running rotate-key again finds {@code master.key.new} and resumes with
 * that key instead of making another: rows already under it are skipped, the rest are re-encrypted, and the rename
 * happens. The opposite order (replace the file, then rewrite the store) would, on a crash in between, leave
 * {@code master.key} unable to read any row.
 *
 * <p><b>With {@code PGBRIDGE_MASTER_KEY}</b> pgbridge cannot change the variable: it takes the new key from the
 * variable named by {@code --new-key-env}, re-encrypts, and tells the user to switch {@code PGBRIDGE_MASTER_KEY} to
 * it. Running it again is harmless (rows already under the new key are skipped). A PostgreSQL store shared by
 * several servers needs the same key on all of them, which is what {@code PGBRIDGE_MASTER_KEY} is for.
 */
public final class KeyRotation {
    /** The outcome: rows re-encrypted, the key ids before and after, and what to tell the user. */
    public record Result(int rows, String oldKeyId, String newKeyId, String message) {
        public Result {
            requireNonNull(oldKeyId, "oldKeyId is null");
            requireNonNull(newKeyId, "newKeyId is null");
            requireNonNull(message, "message is null");
        }
    }

    private final PgBridgeHome home;
    private final ConnectionStore store;
    private final Map<String, String> env;

    /** {@code env} is where {@code --new-key-env} names its variable (normally the process environment). */
    public KeyRotation(PgBridgeHome home, ConnectionStore store, Map<String, String> env) {
        this.home = requireNonNull(home, "home is null");
        this.store = requireNonNull(store, "store is null");
        this.env = Map.copyOf(requireNonNull(env, "env is null"));
    }

    /** The file an interrupted rotation leaves the new key in. */
    public static Path pendingKeyFile(Path keyFile) {
        return keyFile.resolveSibling(keyFile.getFileName() + ".new");
    }

    /** The backup of the old key during a rotation. */
    public static Path backupKeyFile(Path keyFile, String keyId) {
        return keyFile.resolveSibling(keyFile.getFileName() + ".old-" + keyId);
    }

    /**
     * Rotates the key. {@code newKeyEnv} names the environment variable holding the new key: required when
     * {@code PGBRIDGE_MASTER_KEY} is set, optional with a key file (pgbridge then makes one); may be null.
     */
    public Result rotate(String newKeyEnv) {
        MasterKeys keys = home.masterKeys();
        return keys.fromEnvironment() ? rotateEnvironmentKey(keys, newKeyEnv) : rotateKeyFile(keys, newKeyEnv);
    }

    private Result rotateEnvironmentKey(MasterKeys keys, String newKeyEnv) {
        if (newKeyEnv == null || newKeyEnv.isBlank()) {
            throw new PgBridgeException(ErrorCode.MASTER_KEY,
                    "the master key comes from " + MasterKeys.ENV + ", which pgbridge cannot change, so it needs the "
                            + "new key from you",
                    "export PGBRIDGE_NEW_MASTER_KEY=\"$(openssl rand -base64 32)\" and run "
                            + "`pgbridge store rotate-key --new-key-env PGBRIDGE_NEW_MASTER_KEY`");
        }
        MasterKey oldKey = keys.current();
        MasterKey newKey = newKeyFromEnv(newKeyEnv);
        if (newKey.equals(oldKey)) {
            throw new PgBridgeException(ErrorCode.MASTER_KEY,
                    newKeyEnv + " holds the current key (id " + oldKey.id() + "); a rotation needs a different key",
                    "put a new key in it: export " + newKeyEnv + "=\"$(openssl rand -base64 32)\"");
        }
        int rows = store.rotateKey(oldKey, newKey);
        return new Result(rows, oldKey.id(), newKey.id(), "re-encrypted " + rows + " connection(s) from key "
                + oldKey.id() + " to key " + newKey.id() + ". Now set " + MasterKeys.ENV + " to the value of "
                + newKeyEnv + " wherever pgbridge uses this store: the old key no longer reads it.");
    }

    private Result rotateKeyFile(MasterKeys keys, String newKeyEnv) {
        MasterKeyFile keyFile = keys.keyFile().orElseThrow();
        MasterKey oldKey = keys.current();
        MasterKeyFile pending = new MasterKeyFile(pendingKeyFile(keyFile.path()));
        boolean resumed = pending.exists();
        MasterKey newKey;
        if (resumed) {
            newKey = pending.read();
            if (newKeyEnv != null && !newKeyEnv.isBlank() && !newKeyFromEnv(newKeyEnv).equals(newKey)) {
                throw new PgBridgeException(ErrorCode.MASTER_KEY,
                        "an interrupted rotation to key " + newKey.id() + " (" + pending.path()
                                + ") must finish before rotating to the key in " + newKeyEnv,
                        "run `pgbridge store rotate-key` without --new-key-env first");
            }
        }
        else {
            newKey = newKeyEnv == null || newKeyEnv.isBlank() ? MasterKey.generate() : newKeyFromEnv(newKeyEnv);
            if (!pending.createIfAbsent(newKey)) {
                throw new PgBridgeException(ErrorCode.MASTER_KEY,
                        "another key rotation is running (" + pending.path() + " appeared)",
                        "wait for it to finish, then check with `pgbridge conn list`");
            }
        }
        if (newKey.equals(oldKey)) {
            // only a user-given key can be the current one: the rename in step 4 removes master.key.new
            pending.delete();
            throw new PgBridgeException(ErrorCode.MASTER_KEY,
                    "the new key is the current key (id " + oldKey.id() + "); a rotation needs a different key",
                    "leave out --new-key-env and pgbridge makes a new key");
        }
        MasterKeyFile backup = new MasterKeyFile(backupKeyFile(keyFile.path(), oldKey.id()));
        backup.write(oldKey);
        int rows;
        try {
            rows = store.rotateKey(oldKey, newKey);          // commit point
        }
        catch (RuntimeException e) {
            // rolled back: the store is as before. A fresh new key was never used, so it goes; a resumed one may
            // already encrypt rows committed by the interrupted run, so it stays.
            if (!resumed) {
                pending.delete();
            }
            backup.delete();
            throw e;
        }
        pending.moveTo(keyFile);                             // master.key now holds the new key
        rows += store.rotateKey(oldKey, newKey);             // rows written under the old key during the rename
        backup.delete();
        String message = (resumed ? "finished an interrupted rotation: " : "")
                + "re-encrypted " + rows + " connection(s) from key " + oldKey.id() + " to key " + newKey.id()
                + "; " + keyFile.path() + " now holds key " + newKey.id() + ".";
        return new Result(rows, oldKey.id(), newKey.id(), message);
    }

    private MasterKey newKeyFromEnv(String variable) {
        String value = env.get(variable);
        if (value == null) {
            throw new PgBridgeException(ErrorCode.MASTER_KEY,
                    "environment variable " + variable + " (from --new-key-env) is not set",
                    "export " + variable + "=\"$(openssl rand -base64 32)\" before running rotate-key");
        }
        return MasterKey.parse(value, "environment variable " + variable);
    }
}
