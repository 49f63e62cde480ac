package dev.pgbridge.cdc.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgbridge.cdc.event.EventJson;
import dev.pgbridge.cdc.event.TableId;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * What a capture made on the source, so that {@code capture drop} removes exactly that and nothing a DBA made:
 * {@code resources.json} beside the checkpoint, {@code {"slot":…, "publication":…, "created_publication":true,
 * "watermarks_table":{"schema":…,"table":…}, "created_watermarks_table":true}}. Once pgbridge created something it
 * stays recorded as created ({@link #merge}), whatever later runs find.
 */
public record CaptureResources(String slot, String publication, boolean createdPublication, TableId watermarksTable,
                               boolean createdWatermarksTable) {
    public static final String FILE_NAME = "resources.json";

    public CaptureResources {
        requireNonNull(slot, "slot is null");
        requireNonNull(publication, "publication is null");
        requireNonNull(watermarksTable, "watermarksTable is null");
    }

    /** The file beside a checkpoint file. */
    public static Path fileBeside(Path checkpointFile) {
        return checkpointFile.toAbsolutePath().getParent().resolve(FILE_NAME);
    }

    /** This record with what {@code earlier} says was created kept (same publication and table names only). */
    public CaptureResources merge(CaptureResources earlier) {
        if (earlier == null) {
            return this;
        }
        return new CaptureResources(slot, publication,
                createdPublication || earlier.createdPublication && earlier.publication.equals(publication),
                watermarksTable,
                createdWatermarksTable || earlier.createdWatermarksTable && earlier.watermarksTable.equals(watermarksTable));
    }

    public static Optional<CaptureResources> load(Path file) {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            JsonNode n = EventJson.MAPPER.readTree(Files.readAllBytes(file));
            JsonNode w = n.get("watermarks_table");
            return Optional.of(new CaptureResources(n.get("slot").asText(), n.get("publication").asText(),
                    n.path("created_publication").asBoolean(false),
                    new TableId(w.get("schema").asText(), w.get("table").asText()),
                    n.path("created_watermarks_table").asBoolean(false)));
        }
        catch (IOException | RuntimeException e) {
            throw new PgBridgeException(ErrorCode.IO, "cannot read " + file + ": " + e.getMessage(),
                    "the file records what pgbridge created on the source; restore it, or drop the publication and "
                            + "the watermarks table by hand", e);
        }
    }

    public void save(Path file) throws IOException {
        ObjectNode n = EventJson.MAPPER.createObjectNode();
        n.put("slot", slot);
        n.put("publication", publication);
        n.put("created_publication", createdPublication);
        ObjectNode w = n.putObject("watermarks_table");
        w.put("schema", watermarksTable.schema());
        w.put("table", watermarksTable.table());
        n.put("created_watermarks_table", createdWatermarksTable);
        CheckpointStore.writeAtomically(file, EventJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(n));
    }
}
