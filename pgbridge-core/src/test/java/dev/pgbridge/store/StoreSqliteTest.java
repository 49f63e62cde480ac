package dev.pgbridge.store;

import dev.pgbridge.secret.MasterKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/** The store contract on an SQLite file in a temporary directory. */
class StoreSqliteTest extends StoreContract {
    @TempDir
    Path temp;

    private Path file() {
        return temp.resolve("home").resolve("pgbridge.db");
    }

    @Override
    protected SqlConnectionStore openStore(Supplier<MasterKey> keys) {
        return SqlConnectionStore.sqlite(file(), keys);
    }

    @Override
    protected Connection rawConnection() throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + file());
    }

    @Override
    protected String tablePrefix() {
        return "";
    }

    /** The database file and any journal SQLite left next to it. */
    @Override
    protected byte[] rawStorage() throws Exception {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        List<Path> files;
        try (var list = Files.list(file().getParent())) {
            files = list.filter(p -> p.getFileName().toString().startsWith("pgbridge.db")).toList();
        }
        assertThat(files).contains(file());
        for (Path path : files) {
            all.write(Files.readAllBytes(path));
        }
        return all.toByteArray();
    }

    @Test
    void storeFileIsCreated0600InA0700Directory() throws Exception {
        open(keyA).add(conn("default", "one").build());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file()))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file().getParent())))
                .isEqualTo("rwx------");
    }

    @Test
    void deletedCiphertextsDoNotLingerInTheFile() throws Exception {
        SqlConnectionStore store = open(keyA);
        store.add(conn("default", "gone").build());
        store.add(conn("default", "kept").build());
        String gone;
        try (Connection c = rawConnection(); var s = c.createStatement();
             var rs = s.executeQuery("SELECT password_enc FROM connections WHERE conn_id = 'gone'")) {
            rs.next();
            gone = rs.getString(1);
        }
        assertThat(new String(rawStorage(), StandardCharsets.ISO_8859_1)).contains(gone);
        store.delete("default", "gone");
        closeAll();
        // secure_delete zeroes freed cells: a key that leaks later does not open what was deleted or rotated away
        assertThat(new String(rawStorage(), StandardCharsets.ISO_8859_1)).doesNotContain(gone);
    }

    @Test
    void describeNamesTheFile() {
        assertThat(open(keyA).describe()).isEqualTo("SQLite file " + file());
    }
}
