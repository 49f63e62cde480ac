package dev.pgbridge.cdc.checkpoint;

import dev.pgbridge.pgtype.Lsn;
import dev.pgbridge.error.PgBridgeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CheckpointStoreTest {
    @TempDir
    Path dir;

    @Test
    void savesAndLoadsAtomically() throws IOException {
        CheckpointStore store = new CheckpointStore(dir.resolve("captures/c1.checkpoint.json"));
        assertThat(store.load()).isEmpty();
        Checkpoint first = new Checkpoint("slot_é", Lsn.valueOf("16/3002D50"), Instant.parse("2024-01-01T00:00:00Z"), null);
        store.save(first);
        assertThat(store.load()).contains(first);
        Checkpoint second = first.withCommitLsn(Lsn.valueOf("17/0"), Instant.parse("2024-01-02T00:00:00Z"));
        store.save(second);
        assertThat(store.load()).contains(second);
        assertThat(Files.readString(store.file())).contains("\"commit_lsn\" : \"17/0\"");
        try (var files = Files.list(store.file().getParent())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("c1.checkpoint.json");
        }
    }

    @Test
    void damagedFileIsReportedWithWhatToDo() throws IOException {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, "{\"slot\":");
        assertThatThrownBy(() -> new CheckpointStore(file).load()).isInstanceOf(PgBridgeException.class)
                .hasMessageContaining("cannot read the checkpoint " + file);
    }
}
