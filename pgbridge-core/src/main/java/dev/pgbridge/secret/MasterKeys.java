package dev.pgbridge.secret;

import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;

import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * Where the master key for secret writes comes from: {@code PGBRIDGE_MASTER_KEY} when it is set, else the key file
 * ({@code PGBRIDGE_HOME/master.key}), which is created with mode 0600 on first use.
 *
 * <p>Every call of {@link #current()} looks again (a key file is a few bytes), so a long-running process follows a
 * key rotation done by another one. Anything wrong with the key — malformed text, a key file that cannot be
 * created, or one that group or others may read — fails with {@link ErrorCode#MASTER_KEY}: the caller cannot write
 * a secret, and there is no plaintext fallback.
 */
public final class MasterKeys implements Supplier<MasterKey> {
    public static final String ENV = "PGBRIDGE_MASTER_KEY";

    private final String envValue;
    private final MasterKeyFile file;

    private MasterKeys(String envValue, MasterKeyFile file) {
        this.envValue = envValue;
        this.file = file;
    }

    /**
     * The key from {@code envValue} (the value of {@code PGBRIDGE_MASTER_KEY}) when it is not null, else from
     * {@code keyFile}. A set but blank variable is an error, not "unset": it usually means a failed substitution.
     */
    public static MasterKeys of(String envValue, Path keyFile) {
        requireNonNull(keyFile, "keyFile is null");
        return new MasterKeys(envValue, new MasterKeyFile(keyFile));
    }

    /** Keys from a key file only. */
    public static MasterKeys fromFile(Path keyFile) {
        return of(null, keyFile);
    }

    /** Whether the key comes from {@code PGBRIDGE_MASTER_KEY}. */
    public boolean fromEnvironment() {
        return envValue != null;
    }

    /** The key file, when the key does not come from the environment. */
    public Optional<MasterKeyFile> keyFile() {
        return fromEnvironment() ? Optional.empty() : Optional.of(file);
    }

    /** Where the key comes from, for messages: {@code PGBRIDGE_MASTER_KEY} or {@code master key file …}. */
    public String source() {
        return fromEnvironment() ? ENV : "master key file " + file.path();
    }

    /** The key to use now; creates the key file (0600) when there is none. */
    public MasterKey current() {
        if (envValue != null) {
            try {
                return MasterKey.parse(envValue, ENV);
            }
            catch (PgBridgeException e) {
                throw new PgBridgeException(ErrorCode.MASTER_KEY, e.getMessage(),
                        "set " + ENV + " to the output of `openssl rand -base64 32`, or unset it to use "
                                + file.path(), e);
            }
        }
        if (!file.exists()) {
            // a concurrent first use may win the race; then its key is the one everyone uses
            file.createIfAbsent(MasterKey.generate());
        }
        return file.read();
    }

    @Override
    public MasterKey get() {
        return current();
    }

    @Override
    public String toString() {
        return "MasterKeys[" + source() + "]";
    }
}
