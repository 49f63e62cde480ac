package dev.pgbridge.cdc.backfill;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgbridge.cdc.event.CaptureSource;
import dev.pgbridge.cdc.event.ChangeEvent;
import dev.pgbridge.cdc.event.EventJson;
import dev.pgbridge.cdc.event.Op;
import dev.pgbridge.cdc.event.SourceCatalog;
import dev.pgbridge.cdc.event.TableId;
import dev.pgbridge.catalog.ReplicaIdentity;
import dev.pgbridge.cdc.replication.CapturedTable;
import dev.pgbridge.pgtype.Lsn;
import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.connection.JdbcTarget;
import dev.pgbridge.pgtype.TypeResolver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The backfill's plan, its checkpoint state and what it lets through, without a server. */
class BackfillTest {
    private static final CaptureSource SOURCE = new CaptureSource("cap", "db");
    private static final TableId WATERMARKS = new TableId("public", "flow_watermarks");
    private static final TableId KEYED = new TableId("public", "keyed");
    private static final TableId KEYLESS = new TableId("public", "keyless");
    private static final TableId SKIPPED = new TableId("public", "skipped");

    @TempDir
    Path spill;

    private Backfill backfill(ObjectNode saved) {
        JdbcTarget target = JdbcTarget.of(ConnectionConfig.builder().connId(null).host("localhost").database("db")
                .login("u").build());
        return new Backfill(new Backfill.Settings("slot", WATERMARKS, 10, SOURCE, spill, 100), target,
                new TypeResolver(SourceCatalog.NONE),
                List.of(new CapturedTable(KEYED, 1, false, ReplicaIdentity.DEFAULT, List.of("id")),
                        new CapturedTable(KEYLESS, 2, false, ReplicaIdentity.FULL, List.of()),
                        new CapturedTable(SKIPPED, 3, false, ReplicaIdentity.DEFAULT, List.of("id"))),
                List.of(SKIPPED), saved);
    }

    private static ChangeEvent event(TableId table, Op op, String after, long commitLsn) throws Exception {
        ObjectNode row = (ObjectNode) EventJson.MAPPER.readTree(after);
        return new ChangeEvent(SOURCE, table, op, null, null, row, 7, Lsn.of(commitLsn - 8), Lsn.of(commitLsn),
                Instant.EPOCH, 0, Set.of());
    }

    @Test
    void aFirstStartPlansKeyChunksForKeyedTablesAnExportedSnapshotForKeylessOnesAndSkipsTheListed() {
        Map<TableId, BackfillProgress> p = backfill(null).progress();
        assertThat(p.get(KEYED).mode()).isEqualTo(BackfillProgress.Mode.KEY_CHUNKS);
        assertThat(p.get(KEYED).state()).isEqualTo(BackfillProgress.State.PENDING);
        assertThat(p.get(KEYLESS).mode()).isEqualTo(BackfillProgress.Mode.EXPORTED_SNAPSHOT);
        assertThat(p.get(SKIPPED).state()).isEqualTo(BackfillProgress.State.SKIPPED);
        assertThat(backfill(null).active()).isTrue();
    }

    @Test
    void theCheckpointStateResumesKeyChunksAfterTheLastKeyAndRestartsAnInterruptedSnapshotFromZero() throws Exception {
        ObjectNode saved = (ObjectNode) EventJson.MAPPER.readTree("""
                {"tables":[
                 {"schema":"public","table":"keyed","mode":"key_chunks","state":"running","rows":30,"chunks":3,
                  "last_key":["30"],"started_at":"2024-01-01T00:00:00Z","finished_at":null,"consistent_point":null},
                 {"schema":"public","table":"keyless","mode":"exported_snapshot","state":"running","rows":500,
                  "chunks":50,"started_at":"2024-01-01T00:00:00Z","finished_at":null,"consistent_point":"0/100"}]}""");
        Backfill b = backfill(saved);
        BackfillProgress keyed = b.progress().get(KEYED);
        assertThat(keyed.state()).isEqualTo(BackfillProgress.State.RUNNING);
        assertThat(keyed.lastKey()).containsExactly("30");
        assertThat(keyed.chunks()).isEqualTo(3);
        BackfillProgress keyless = b.progress().get(KEYLESS);
        assertThat(keyless.state()).isEqualTo(BackfillProgress.State.PENDING);
        assertThat(keyless.rows()).isZero();
        assertThat(keyless.consistentPoint()).isNull();
        // and the state written back says the same
        assertThat(b.state().toString()).contains("\"table\":\"keyed\",\"mode\":\"key_chunks\",\"state\":\"running\","
                + "\"rows\":30,\"chunks\":3,\"last_key\":[\"30\"]").contains("\"table\":\"keyless\","
                + "\"mode\":\"exported_snapshot\",\"state\":\"pending\",\"rows\":0");
    }

    @Test
    void watermarkRowsNeverPassAndAKeylessTableDropsWhatItsSnapshotHolds() throws Exception {
        ObjectNode saved = (ObjectNode) EventJson.MAPPER.readTree("""
                {"tables":[
                 {"schema":"public","table":"keyless","mode":"exported_snapshot","state":"done","rows":5,"chunks":1,
                  "consistent_point":"0/1000"}]}""");
        Backfill b = backfill(saved);
        assertThat(b.observe(event(WATERMARKS, Op.UPDATE, "{\"slot\":\"slot\",\"watermark\":\"x\"}", 0x900))).isNull();
        assertThat(b.observe(event(WATERMARKS, Op.UPDATE, "{\"slot\":\"other\",\"watermark\":\"y\"}", 0x900)))
                .isNull();
        // at or before the consistent point the snapshot has the change; after it the change is new
        assertThat(b.observe(event(KEYLESS, Op.CREATE, "{\"v\":1}", 0x1000))).isNull();
        assertThat(b.observe(event(KEYLESS, Op.CREATE, "{\"v\":2}", 0x1001))).isNotNull();
        // a keyless table not yet read: its snapshot will hold every change seen so far
        Backfill fresh = backfill(null);
        assertThat(fresh.observe(event(KEYLESS, Op.CREATE, "{\"v\":3}", 0x5000))).isNull();
        assertThat(fresh.observe(event(KEYED, Op.CREATE, "{\"id\":1}", 0x5000))).isNotNull();
        assertThat(fresh.observe(event(SKIPPED, Op.CREATE, "{\"id\":1}", 0x5000))).isNotNull();
    }
}
