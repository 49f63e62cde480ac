package dev.pgbridge.cdc.event;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgbridge.pgtype.Lsn;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ToastObligationsTest {
    private static final CaptureSource SOURCE = new CaptureSource("cap", "db");
    private static final TableId T = new TableId("public", "t");
    private static final TableId OTHER = new TableId("public", "other");

    private static ObjectNode key(int id) {
        return EventJson.MAPPER.createObjectNode().put("id", id);
    }

    private static ChangeEvent event(TableId table, Op op, int id) {
        ObjectNode row = op == Op.DELETE || op == Op.TRUNCATE ? null : key(id).put("big", (String) null);
        return ChangeEvent.pending(SOURCE, table, op, op == Op.TRUNCATE ? null : key(id), null, row, 7,
                Lsn.of(0x100), Set.of());
    }

    private static ToastObligations expecting(TableId table, int id, long readAt) {
        ToastObligations o = new ToastObligations();
        o.expectDelete(event(table, Op.UPDATE, id), Lsn.of(readAt));
        return o;
    }

    @Test
    void aDeleteOfTheKeySettlesItAndTheStreamGoesOn() {
        ToastObligations o = expecting(T, 1, 0x500);
        o.beforeTransaction(Lsn.of(0x4FF));
        o.observe(event(T, Op.DELETE, 2));
        o.observe(event(OTHER, Op.DELETE, 1));
        assertThat(o.openCount()).isEqualTo(1);
        o.observe(event(T, Op.DELETE, 1));
        assertThat(o.openCount()).isZero();
        o.beforeTransaction(Lsn.of(0x900));
    }

    @Test
    void aTruncateOfTheTableSettlesIt() {
        ToastObligations o = expecting(T, 1, 0x500);
        o.observe(event(OTHER, Op.TRUNCATE, 0));
        assertThat(o.openCount()).isEqualTo(1);
        o.observe(event(T, Op.TRUNCATE, 0));
        assertThat(o.openCount()).isZero();
    }

    // issue 8: a row read back as gone became null silently, although no delete followed
    @Test
    void aCommitAtOrPastTheReadWithoutTheDeleteStopsWithADataIntegrityError() {
        ToastObligations o = expecting(T, 1, 0x500);
        o.observe(event(T, Op.UPDATE, 1));
        assertThatThrownBy(() -> o.beforeTransaction(Lsn.of(0x500)))
                .isInstanceOfSatisfying(PgBridgeException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.DATA_INTEGRITY);
                    assertThat(e.getMessage()).contains("public.t", "{\"id\":1}", "0/500", "without a delete");
                    assertThat(e.hint()).contains("REPLICA IDENTITY FULL");
                });
    }

    @Test
    void twoReadsOfOneKeyWaitForTheLaterPosition() {
        ToastObligations o = expecting(T, 1, 0x500);
        o.expectDelete(event(T, Op.UPDATE, 1), Lsn.of(0x300));
        o.expectDelete(event(T, Op.UPDATE, 1), Lsn.of(0x700));
        o.beforeTransaction(Lsn.of(0x600));
        assertThatThrownBy(() -> o.beforeTransaction(Lsn.of(0x700))).isInstanceOf(PgBridgeException.class);
    }
}
