package dev.pgbridge.store;

import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.secret.MasterKeys;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The runtime layout: {@code PGBRIDGE_HOME} (default {@code ~/.pgbridge}) with {@code pgbridge.db} (the SQLite
 * control store), {@code master.key}, {@code captures/} and {@code logs/}; plus {@code PGBRIDGE_MASTER_KEY} and
 * {@code PGBRIDGE_STORE_URL} when set. Nothing is created until asked for ({@link #createDir()}).
 *
 * <p>{@link #toString()} shows neither the key nor the store URL (which may carry a password).
 */
public final class PgBridgeHome {
    public static final String HOME_ENV = "PGBRIDGE_HOME";
    public static final String MASTER_KEY_ENV = MasterKeys.ENV;
    public static final String STORE_URL_ENV = "PGBRIDGE_STORE_URL";

    private final Path dir;
    private final String masterKey;
    private final String storeUrl;

    private PgBridgeHome(Path dir, String masterKey, String storeUrl) {
        this.dir = requireNonNull(dir, "dir is null").toAbsolutePath().normalize();
        this.masterKey = masterKey;
        this.storeUrl = storeUrl;
    }

    /**
     * The layout the environment asks for. An empty {@code PGBRIDGE_HOME} or {@code PGBRIDGE_STORE_URL} counts as
     * unset; a set {@code PGBRIDGE_MASTER_KEY} is kept as is, even blank (using it then fails with a clear error).
     */
    public static PgBridgeHome fromEnvironment(Map<String, String> env) {
        requireNonNull(env, "env is null");
        String home = env.get(HOME_ENV);
        Path dir = home == null || home.isBlank()
                ? Path.of(System.getProperty("user.home"), ".pgbridge")
                : Path.of(home);
        String url = env.get(STORE_URL_ENV);
        return new PgBridgeHome(dir, env.get(MASTER_KEY_ENV), url == null || url.isBlank() ? null : url.strip());
    }

    /** A home at {@code dir}, with no key or store URL from the environment. */
    public static PgBridgeHome of(Path dir) {
        return new PgBridgeHome(dir, null, null);
    }

    public Path dir() {
        return dir;
    }

    public Path storeFile() {
        return dir.resolve("pgbridge.db");
    }

    public Path keyFile() {
        return dir.resolve("master.key");
    }

    public Path capturesDir() {
        return dir.resolve("captures");
    }

    public Path logsDir() {
        return dir.resolve("logs");
    }

    /** {@code PGBRIDGE_STORE_URL}, when the control store lives in PostgreSQL. */
    public Optional<String> storeUrl() {
        return Optional.ofNullable(storeUrl);
    }

    /** The text of {@code PGBRIDGE_MASTER_KEY}, when set (not validated here: see {@link #masterKeys()}). */
    public Optional<String> masterKeyFromEnv() {
        return Optional.ofNullable(masterKey);
    }

    /** The master key source of this home: the environment variable, else {@link #keyFile()}. */
    public MasterKeys masterKeys() {
        return MasterKeys.of(masterKey, keyFile());
    }

    /** Creates {@link #dir()} (and missing parents) with mode 0700 when it does not exist; returns it. */
    public Path createDir() {
        if (Files.isDirectory(dir)) {
            return dir;
        }
        try {
            if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            }
            else {
                Files.createDirectories(dir);
            }
            return dir;
        }
        catch (FileAlreadyExistsException e) {
            throw new PgBridgeException(ErrorCode.IO, "PGBRIDGE_HOME " + dir + " exists but is not a directory",
                    "point PGBRIDGE_HOME at a directory", e);
        }
        catch (IOException e) {
            throw new PgBridgeException(ErrorCode.IO, "cannot create PGBRIDGE_HOME " + dir + ": " + e.getMessage(),
                    "make its parent writable or point PGBRIDGE_HOME elsewhere", e);
        }
    }

    @Override
    public String toString() {
        return "PgBridgeHome[dir=" + dir + ", masterKey=" + (masterKey == null ? "file" : MASTER_KEY_ENV)
                + ", store=" + (storeUrl == null ? "sqlite" : "postgresql") + "]";
    }
}
