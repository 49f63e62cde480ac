package dev.pgbridge.cdc.backfill;

import dev.pgbridge.cdc.backfill.Backfill.Watermark;
import dev.pgbridge.cdc.backfill.Backfill.WatermarkListener;
import dev.pgbridge.cdc.event.ChangeEvent;
import dev.pgbridge.cdc.event.TableId;
import dev.pgbridge.sql.Identifier;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/**
 * Writes watermarks (a fresh UUID upserted into the watermarks table under the slot's name) and recognizes them when
 * they come back through the stream.
 */
final class WatermarkWriter {
    private static final WatermarkListener NO_LISTENER = new WatermarkListener() {
        @Override
        public void beforeWrite(Watermark watermark) {
        }

        @Override
        public void afterWrite(Watermark watermark) {
        }
    };

    private final String slotName;
    private final TableId watermarksTable;
    private WatermarkListener listener = NO_LISTENER;

    WatermarkWriter(String slotName, TableId watermarksTable) {
        this.slotName = requireNonNull(slotName, "slotName is null");
        this.watermarksTable = requireNonNull(watermarksTable, "watermarksTable is null");
    }

    void listener(WatermarkListener listener) {
        this.listener = requireNonNull(listener, "listener is null");
    }

    /** True for a row of the watermarks table (which never reaches a sink). */
    boolean isWatermarkRow(ChangeEvent e) {
        return e.table().equals(watermarksTable);
    }

    /** The id of this slot's watermark that {@code e} (a row of the watermarks table) carries, else null. */
    String ownId(ChangeEvent e) {
        var after = e.after(); // made once: a row carried as text makes a new tree on every call
        if (after == null || !slotName.equals(after.path("slot").asText(null))) {
            return null;
        }
        return after.path("watermark").asText(null);
    }

    /** One watermark write, which may stand for several watermarks (a chunk's high and the next chunk's low). */
    void write(Connection c, List<Watermark> marks) throws SQLException {
        marks.forEach(listener::beforeWrite);
        upsert(c, marks.getFirst().id());
        marks.forEach(listener::afterWrite);
    }

    /**
     * A watermark of no chunk, written only so that a stream transaction comes through soon (the held
     * {@link TrailingRow} goes out on it); not announced to the listener. Returns its id.
     */
    String writeRelease(Connection c) throws SQLException {
        String id = UUID.randomUUID().toString();
        upsert(c, id);
        return id;
    }

    private void upsert(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + Identifier.quote(watermarksTable.schema())
                + "." + Identifier.quote(watermarksTable.table()) + " (slot, watermark) VALUES (?, ?) ON CONFLICT "
                + "(slot) DO UPDATE SET watermark = EXCLUDED.watermark")) {
            ps.setString(1, slotName);
            ps.setString(2, id);
            ps.executeUpdate();
        }
    }
}
