package dev.pgbridge.secret;

import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class StoreMasterKeysTest {
    @TempDir
    Path temp;

    @Test
    void keyFileIsCreated0600OnFirstUseAndReused() throws Exception {
        Path home = temp.resolve("home");
        Path file = home.resolve("master.key");
        MasterKey key = MasterKeys.fromFile(file).current();

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home))).isEqualTo("rwx------");
        assertThat(MasterKey.parse(Files.readString(file))).isEqualTo(key);
        assertThat(MasterKeys.fromFile(file).current()).isEqualTo(key);
        try (var files = Files.list(home)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("master.key");
        }
    }

    @Test
    void concurrentFirstUsesAgreeOnOneKey() throws Exception {
        Path file = temp.resolve("master.key");
        int threads = 6;
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<MasterKey>> keys = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                keys.add(pool.submit(() -> {
                    start.await();
                    return MasterKeys.fromFile(file).current();
                }));
            }
            Set<String> ids = keys.stream().map(f -> {
                try {
                    return f.get().id();
                }
                catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }).collect(Collectors.toSet());
            assertThat(ids).containsExactly(MasterKeys.fromFile(file).current().id());
        }
        finally {
            pool.shutdownNow();
        }
    }

    @Test
    void looserPermissionsAreRefused() throws Exception {
        Path file = temp.resolve("master.key");
        MasterKey key = MasterKeys.fromFile(file).current();
        for (String permissions : new String[] {"rw-r-----", "rw----r--", "rw-rw----", "rw-r--r--", "rw-----w-"}) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
            PgBridgeException e = catchThrowableOfType(PgBridgeException.class, () -> MasterKeys.fromFile(file).current());
            assertThat(e.code()).as(permissions).isEqualTo(ErrorCode.MASTER_KEY);
            assertThat(e.getMessage()).as(permissions)
                    .isEqualTo("master key file " + file + " has permissions " + permissions
                            + ": group or others may use it; refusing to use the key until only its owner can (0600)")
                    .doesNotContain(key.text());
            assertThat(e.hint()).startsWith("chmod 600 " + file);
        }
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        assertThat(MasterKeys.fromFile(file).current()).isEqualTo(key);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));
        assertThat(MasterKeys.fromFile(file).current()).isEqualTo(key);
    }

    @Test
    void malformedKeyFileIsRefused() throws Exception {
        Path file = temp.resolve("master.key");
        String content = "hunter2-is-not-a-key";
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        PgBridgeException e = catchThrowableOfType(PgBridgeException.class, () -> MasterKeys.fromFile(file).current());
        assertThat(e.code()).isEqualTo(ErrorCode.MASTER_KEY);
        assertThat(e.getMessage()).startsWith("master key file " + file + " is not a valid master key")
                .doesNotContain("hunter2");
        assertThat(Files.readString(file)).isEqualTo(content);
    }

    @Test
    void keyFileThatCannotBeCreatedIsAnError() throws Exception {
        // a regular file where the directory should be: fails even for root, unlike a permission bit
        Path notADirectory = Files.writeString(temp.resolve("home"), "x");
        Path file = notADirectory.resolve("master.key");
        PgBridgeException e = catchThrowableOfType(PgBridgeException.class, () -> MasterKeys.fromFile(file).current());
        assertThat(e.code()).isEqualTo(ErrorCode.MASTER_KEY);
        assertThat(e.getMessage()).startsWith("cannot create master key file " + file + ": ");
        assertThat(e.hint()).contains("PGBRIDGE_MASTER_KEY").contains("openssl rand -base64 32");
    }

    @Test
    void environmentKeyWinsAndNoFileIsMade() {
        Path file = temp.resolve("master.key");
        MasterKey key = MasterKey.generate();
        MasterKeys keys = MasterKeys.of(key.text(), file);
        assertThat(keys.fromEnvironment()).isTrue();
        assertThat(keys.current()).isEqualTo(key);
        assertThat(keys.source()).isEqualTo("PGBRIDGE_MASTER_KEY");
        assertThat(file).doesNotExist();
    }

    @Test
    void malformedEnvironmentKeyIsRefused() {
        Path file = temp.resolve("master.key");
        for (String text : new String[] {"correct horse battery staple", "c2hvcnQ=", "", "   "}) {
            PgBridgeException e = catchThrowableOfType(PgBridgeException.class, () -> MasterKeys.of(text, file).current());
            assertThat(e.code()).as(text).isEqualTo(ErrorCode.MASTER_KEY);
            assertThat(e.getMessage()).as(text).startsWith("PGBRIDGE_MASTER_KEY is not a valid master key: ");
            if (!text.isBlank()) {
                assertThat(e.getMessage()).as(text).doesNotContain(text);
            }
            assertThat(e.hint()).contains("openssl rand -base64 32").contains("unset it");
        }
        assertThat(file).doesNotExist();
    }
}
