package dev.pgbridge.cdc.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgbridge.cdc.event.EventJson;
import dev.pgbridge.pgtype.Lsn;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * One capture's checkpoint file, JSON: {@code {"version":1, "slot":…, "commit_lsn":"16/3002D50", "updated_at":…,
 * "backfill":{…}, "tables":{…}}}. {@link #save} writes a temp file beside it, fsyncs it, renames it over the old one atomically
 * and fsyncs the directory: after a crash the file is either the old or the new checkpoint, never a mix.
 */
public final class CheckpointStore {
    private final Path file;

    public CheckpointStore(Path file) {
        this.file = requireNonNull(file, "file is null").toAbsolutePath();
    }

    public Path file() {
        return file;
    }

    public Optional<Checkpoint> load() {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            JsonNode n = EventJson.MAPPER.readTree(Files.readAllBytes(file));
            JsonNode backfill = n.get("backfill");
            JsonNode tables = n.get("tables");
            return Optional.of(new Checkpoint(n.get("slot").asText(), Lsn.valueOf(n.get("commit_lsn").asText()),
                    Instant.parse(n.get("updated_at").asText()),
                    backfill instanceof ObjectNode o ? o : null, tables instanceof ObjectNode t ? t : null));
        }
        catch (IOException | RuntimeException e) {
            throw new PgBridgeException(ErrorCode.IO, "cannot read the checkpoint " + file + ": " + e.getMessage(),
                    "if the file is damaged, restore it from a backup; deleting it restarts the capture from the "
                            + "slot's confirmed position", e);
        }
    }

    public void save(Checkpoint checkpoint) throws IOException {
        ObjectNode n = EventJson.MAPPER.createObjectNode();
        n.put("version", 1);
        n.put("slot", checkpoint.slotName());
        n.put("commit_lsn", checkpoint.commitLsn().toString());
        n.put("updated_at", checkpoint.updatedAt().toString());
        if (checkpoint.backfill() != null) {
            n.set("backfill", checkpoint.backfill());
        }
        if (checkpoint.tables() != null) {
            n.set("tables", checkpoint.tables());
        }
        writeAtomically(file, EventJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(n));
    }

    /** Writes a temp file beside {@code file}, fsyncs it, renames it over {@code file}, fsyncs the directory. */
    static void writeAtomically(Path file, byte[] bytes) throws IOException {
        Path dir = file.getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the file system of " + dir + " cannot rename atomically; keep checkpoints on a "
                    + "local file system", e);
        }
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }
}
