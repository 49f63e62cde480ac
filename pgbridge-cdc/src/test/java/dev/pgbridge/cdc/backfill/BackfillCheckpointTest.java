package dev.pgbridge.cdc.backfill;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgbridge.cdc.backfill.BackfillProgress.Mode;
import dev.pgbridge.cdc.backfill.BackfillProgress.State;
import dev.pgbridge.cdc.event.EventJson;
import dev.pgbridge.cdc.event.TableId;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.pgtype.Lsn;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The backfill's part of the checkpoint: what is written is read back as it was; a damaged node is refused. */
class BackfillCheckpointTest {
    private static final TableId KEYED = new TableId("Sales", "Orders \"2024\"");
    private static final TableId KEYLESS = new TableId("public", "keyless");

    private static ObjectNode json(String text) throws Exception {
        return (ObjectNode) EventJson.MAPPER.readTree(text);
    }

    @Test
    void everyFieldOfEveryTableSurvivesARoundTrip() {
        TableBackfill keyed = new TableBackfill(KEYED, Mode.KEY_CHUNKS, State.RUNNING);
        keyed.rows = 3000;
        keyed.chunks = 3;
        keyed.lastKey = List.of("2024-01-01 00:00:00+00", "a,\"b\"", "");
        keyed.startedAt = Instant.parse("2024-05-01T10:00:00.123456Z");
        TableBackfill keyless = new TableBackfill(KEYLESS, Mode.EXPORTED_SNAPSHOT, State.DONE);
        keyless.rows = 7;
        keyless.chunks = 1;
        keyless.startedAt = Instant.parse("2024-05-01T10:00:00Z");
        keyless.finishedAt = Instant.parse("2024-05-01T10:01:00Z");
        keyless.consistentPoint = Lsn.valueOf("16/3002D50");
        TableBackfill skipped = new TableBackfill(new TableId("public", "skipped"), Mode.NONE, State.SKIPPED);

        Map<TableId, BackfillProgress> back = BackfillCheckpoint.decode(
                BackfillCheckpoint.encode(List.of(keyed.progress(), keyless.progress(), skipped.progress())));

        assertThat(back.keySet()).containsExactly(KEYED, KEYLESS, new TableId("public", "skipped"));
        assertThat(back.get(KEYED)).isEqualTo(keyed.progress());
        assertThat(back.get(KEYLESS)).isEqualTo(keyless.progress());
        assertThat(back.get(new TableId("public", "skipped"))).isEqualTo(skipped.progress());
    }

    @Test
    void aFirstStartAndAnEmptyNodeHaveNoProgress() throws Exception {
        assertThat(BackfillCheckpoint.decode(null)).isEmpty();
        assertThat(BackfillCheckpoint.decode(json("{}"))).isEmpty();
        assertThat(BackfillCheckpoint.decode(json("{\"tables\":[]}"))).isEmpty();
    }

    @Test
    void countsAndTimesLeftOutReadAsZeroAndUnknown() throws Exception {
        BackfillProgress p = BackfillCheckpoint.decode(json("""
                {"tables":[{"schema":"public","table":"t","mode":"key_chunks","state":"pending"}]}"""))
                .get(new TableId("public", "t"));
        assertThat(p.rows()).isZero();
        assertThat(p.lastKey()).isNull();
        assertThat(p.startedAt()).isNull();
        assertThat(p.consistentPoint()).isNull();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            {"tables":{}}                                                                              | "tables" is OBJECT, not a list
            {"tables":[7]}                                                                             | entry 0: it is NUMBER, not an object
            {"tables":[{"table":"t","mode":"key_chunks","state":"done"}]}                              | entry 0: "schema" is missing, not a text
            {"tables":[{"schema":"s","table":"t","mode":"chunks","state":"done"}]}                     | s.t: "mode" is "chunks", not one of [key_chunks, exported_snapshot, none]
            {"tables":[{"schema":"s","table":"t","mode":"key_chunks","state":"half"}]}                 | s.t: "state" is "half", not one of [pending, running, done, skipped]
            {"tables":[{"schema":"s","table":"t","mode":"key_chunks","state":"running","rows":"ten"}]} | s.t: "rows" is "ten", not a count
            {"tables":[{"schema":"s","table":"t","mode":"key_chunks","state":"running","rows":-1}]}    | s.t: "rows" is -1, not a count
            {"tables":[{"schema":"s","table":"t","mode":"key_chunks","state":"running","last_key":"5"}]} | s.t: "last_key" is STRING, not a list
            {"tables":[{"schema":"s","table":"t","mode":"key_chunks","state":"running","last_key":[{}]}]} | s.t: "last_key" holds {}, not a key value
            {"tables":[{"schema":"s","table":"t","mode":"key_chunks","state":"done","started_at":"yesterday"}]} | s.t: Text 'yesterday' could not be parsed
            {"tables":[{"schema":"s","table":"t","mode":"exported_snapshot","state":"done","consistent_point":"0-1"}]} | s.t: invalid LSN '0-1'
            """)
    void aDamagedNodeIsRefusedWithWhatIsWrongAndHowToRecover(String node, String what) throws Exception {
        ObjectNode saved = json(node);
        assertThatThrownBy(() -> BackfillCheckpoint.decode(saved))
                .isInstanceOfSatisfying(PgBridgeException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.IO);
                    assertThat(e.getMessage()).startsWith("the checkpoint's backfill progress is damaged: ")
                            .contains(what);
                    assertThat(e.hint()).contains("restore checkpoint.json from a backup")
                            .contains("to backfill the table again from its first row");
                });
    }
}
