package dev.pgbridge.cdc.backfill;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgbridge.cdc.event.CaptureSource;
import dev.pgbridge.cdc.event.ChangeEvent;
import dev.pgbridge.cdc.event.EventJson;
import dev.pgbridge.cdc.event.Op;
import dev.pgbridge.cdc.event.RowText;
import dev.pgbridge.cdc.event.TableId;
import dev.pgbridge.pgtype.Lsn;
import dev.pgbridge.pgtype.PgType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import dev.pgbridge.catalog.ReplicaIdentity;
import dev.pgbridge.cdc.event.SourceCatalog;
import dev.pgbridge.cdc.replication.CapturedTable;
import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.connection.JdbcTarget;
import dev.pgbridge.pgtype.TypeResolver;

import java.nio.file.Path;
import java.util.List;

import java.time.Instant;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The held backfill row: evicted by a log event of its key, as a row of a chunk in flight; released once. */
class TrailingRowTest {
    private static final CaptureSource SOURCE = new CaptureSource("cap", "db");
    private static final TableId T = new TableId("public", "t");
    private static final TableId OTHER = new TableId("public", "other");

    private static ObjectNode json(String text) throws Exception {
        return (ObjectNode) EventJson.MAPPER.readTree(text);
    }

    private static final RowText.Columns COLUMNS = new RowText.Columns("public.t", List.of("id", "v"),
            List.of(PgType.builtIn(20).orElseThrow(), PgType.builtIn(25).orElseThrow()));

    private static RowText row(String id, String v) {
        return RowText.of(COLUMNS, id, v);
    }

    private static ChangeEvent event(TableId table, Op op, String key) throws Exception {
        return new ChangeEvent(SOURCE, table, op, key == null ? null : json(key), null,
                op == Op.DELETE || op == Op.TRUNCATE ? null : json("{\"id\":0,\"v\":\"new\"}"), 7, Lsn.of(8),
                Lsn.of(16), Instant.EPOCH, 0, Set.of());
    }

    private static TrailingRow holding(String key) throws Exception {
        TrailingRow t = new TrailingRow();
        t.hold(new TrailingRow.Row(T, json(key), row("2", "old")), List.of("1"), 1);
        return t;
    }

    @Test
    void aLogEventOfItsKeyOrATruncateOfItsTableEvictsItOthersDoNot() throws Exception {
        TrailingRow t = holding("{\"id\":2}");
        t.observe(event(T, Op.UPDATE, "{\"id\":3}"));
        t.observe(event(OTHER, Op.UPDATE, "{\"id\":2}"));
        t.observe(event(OTHER, Op.TRUNCATE, null));
        assertThat(t.held()).isTrue();
        t.observe(event(T, Op.DELETE, "{\"id\":2}"));
        assertThat(t.held()).isFalse();

        TrailingRow truncated = holding("{\"id\":2}");
        truncated.observe(event(T, Op.TRUNCATE, null));
        assertThat(truncated.held()).isFalse();
    }

    @Test
    void itIsReleasedOnlyByItsOwnWatermarkAndTakingItForgetsThatWatermark() throws Exception {
        TrailingRow t = holding("{\"id\":2}");
        t.releaseWrittenAs("w1");
        t.watermarkSeen("another");
        assertThat(t.releaseDue()).isFalse();
        t.watermarkSeen("w1");
        assertThat(t.releaseDue()).isTrue();
        assertThat(t.take().key()).isEqualTo(json("{\"id\":2}"));
        assertThat(t.releaseDue()).isFalse();
        assertThat(t.releasePending()).isFalse();
        assertThat(t.take()).isNull();
    }

    @Test
    void aCheckpointWrittenWhileARowIsHeldStopsItsTableAtTheRowBeforeIt() throws Exception {
        // bug: the held row was saved in the checkpoint and sent after a restart, over newer data a sink already had
        TableBackfill table = new TableBackfill(T, BackfillProgress.Mode.KEY_CHUNKS, BackfillProgress.State.DONE);
        table.rows = 20;
        table.chunks = 2;
        table.lastKey = List.of("20");
        table.startedAt = Instant.parse("2024-05-01T10:00:00Z");
        table.finishedAt = Instant.parse("2024-05-01T10:01:00Z");
        TableBackfill other = new TableBackfill(OTHER, BackfillProgress.Mode.KEY_CHUNKS, BackfillProgress.State.DONE);
        TrailingRow t = new TrailingRow();
        t.hold(new TrailingRow.Row(T, json("{\"id\":20}"), row("20", "x")), List.of("18"), 2);

        ObjectNode node = BackfillCheckpoint.encode(List.of(t.saved(table.progress()), t.saved(other.progress())));
        assertThat(node.has("held_row")).isFalse();
        BackfillProgress saved = BackfillCheckpoint.decode(node).get(T);
        assertThat(saved.state()).as("not done while its last row is not out").isEqualTo(BackfillProgress.State.RUNNING);
        assertThat(saved.lastKey()).containsExactly("18");
        assertThat(saved.rows()).isEqualTo(18);
        assertThat(saved.finishedAt()).isNull();
        assertThat(BackfillCheckpoint.decode(node).get(OTHER)).isEqualTo(other.progress());

        t.take();
        assertThat(t.saved(table.progress())).isEqualTo(table.progress());
    }

    @Test
    void aHeldRowInACheckpointOfAnEarlierVersionIsIgnoredTheProgressDecides(@TempDir Path spill) throws Exception {
        JdbcTarget target = JdbcTarget.of(ConnectionConfig.builder().connId(null).host("localhost").database("db")
                .login("u").build());
        ObjectNode saved = json("""
                {"tables":[{"schema":"public","table":"t","mode":"key_chunks","state":"done","rows":20,"chunks":2,
                  "last_key":["20"]}],
                 "held_row":{"schema":"public","table":"t","key":{"id":20},"after":{"id":20,"v":"x"}}}""");
        Backfill b = new Backfill(new Backfill.Settings("slot", new TableId("public", "wm"), 10, SOURCE, spill, 100),
                target, new TypeResolver(SourceCatalog.NONE),
                List.of(new CapturedTable(T, 1, false, ReplicaIdentity.DEFAULT, List.of("id"))), List.of(), saved);
        assertThat(b.active()).isFalse();
        assertThat(b.progress().get(T).state()).isEqualTo(BackfillProgress.State.DONE);
        assertThat(b.state().has("held_row")).isFalse();
        assertThat(b.state().get("tables").get(0).get("state").asText()).isEqualTo("done");
    }
}
