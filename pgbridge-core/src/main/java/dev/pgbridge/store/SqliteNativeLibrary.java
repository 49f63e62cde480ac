package dev.pgbridge.store;

import org.sqlite.SQLiteJDBCLoader;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * Keeps sqlite-jdbc's native library in the pgbridge home instead of letting the driver unpack it on every start.
 * Without this, each process runs {@code uname -o} (the driver's Android check) and copies the library out of the jar
 * into the temporary directory: a subprocess and a megabyte written per command, a tenth of a short command's time.
 * Only where the library's folder in the jar is certain (glibc Linux on x86_64 or aarch64, macOS); elsewhere, or when
 * anything fails, or when the user set {@code org.sqlite.lib.path}, the driver does what it always does.
 */
final class SqliteNativeLibrary {
    private static final String PATH_PROPERTY = "org.sqlite.lib.path";
    private static final String NAME_PROPERTY = "org.sqlite.lib.name";

    private SqliteNativeLibrary() {
    }

    /** Points the driver at the library unpacked once under {@code cacheRoot} (made when missing). */
    static synchronized void useCacheIn(Path cacheRoot) {
        Path library = cachedLibrary(cacheRoot);
        if (library == null) {
            return;
        }
        Path dir = library.getParent();
        String name = library.getFileName().toString();
        String resource = "/org/sqlite/native/" + folder() + "/" + name;
        try {
            if (!Files.isRegularFile(library)) {
                try (InputStream in = SQLiteJDBCLoader.class.getResourceAsStream(resource)) {
                    if (in == null) {
                        return;
                    }
                    Files.createDirectories(dir);
                    Path partial = Files.createTempFile(dir, name, ".partial");
                    try {
                        Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
                        Files.move(partial, library, StandardCopyOption.ATOMIC_MOVE);
                    }
                    finally {
                        Files.deleteIfExists(partial);
                    }
                }
            }
            System.setProperty(PATH_PROPERTY, dir.toString());
            System.setProperty(NAME_PROPERTY, name);
        }
        catch (IOException | RuntimeException e) {
            // the driver unpacks its library itself, as without the cache
        }
    }

    /**
     * Loads the library already unpacked under {@code cacheRoot} by an earlier run, writing nothing: when it is not
     * there yet, the store's opening unpacks it as usual ({@link #useCacheIn}).
     */
    static synchronized void preloadFrom(Path cacheRoot) {
        Path library = cachedLibrary(cacheRoot);
        if (library != null && Files.isRegularFile(library)) {
            System.setProperty(PATH_PROPERTY, library.getParent().toString());
            System.setProperty(NAME_PROPERTY, library.getFileName().toString());
            try {
                SQLiteJDBCLoader.initialize();
            }
            catch (Exception e) {
                // the store's opening loads it and reports what fails
            }
        }
    }

    /**
     * Where this driver's library for this machine is (or goes) under {@code cacheRoot}; null when the user points
     * the driver elsewhere or the machine's folder in the jar is not certain.
     */
    private static Path cachedLibrary(Path cacheRoot) {
        if (System.getProperty(PATH_PROPERTY) != null || System.getProperty(NAME_PROPERTY) != null) {
            return null;
        }
        String folder = folder();
        if (folder == null) {
            return null;
        }
        return cacheRoot.resolve("sqlite-jdbc-" + SQLiteJDBCLoader.getVersion() + "-" + folder.replace('/', '-'))
                .resolve(System.mapLibraryName("sqlitejdbc"));
    }

    /** The library's folder in the driver's jar for this machine, or null when not certain. */
    private static String folder() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = switch (System.getProperty("os.arch", "").toLowerCase(Locale.ROOT)) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch64";
            default -> null;
        };
        if (arch == null) {
            return null;
        }
        if (os.startsWith("mac")) {
            return "Mac/" + arch;
        }
        boolean glibcLinux = os.equals("linux") && System.getProperty("java.vm.vendor", "").indexOf("Android") < 0
                && !Files.exists(Path.of("/lib/ld-musl-" + arch + ".so.1"))
                && System.getenv("TERMUX_VERSION") == null;
        return glibcLinux ? "Linux/" + arch : null;
    }
}
