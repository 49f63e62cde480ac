package dev.pgbridge.cdc.backfill;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which delivered transactions a chunk's snapshot does not see yet, from {@code txid_current_snapshot()} text. */
class DeliveredXidsTest {

    @Test
    void aTransactionInProgressOrNotYetStartedInTheSnapshotIsInvisibleOneBelowXminIsForgotten() {
        DeliveredXids d = new DeliveredXids();
        d.add(100);
        d.add(105);
        assertThat(d.firstInvisible("101:110:105")).isEqualTo(105L);
        assertThat(d.firstInvisible("101:105:")).isEqualTo(105L);
        assertThat(d.firstInvisible("101:110:")).isNull();
        // 100 went below xmin and is forgotten; 105 stays until a snapshot's xmin passes it
        assertThat(d.firstInvisible("106:110:")).isNull();
        assertThat(d.firstInvisible("90:100:")).isNull();
    }

    @Test
    void epochsAreCutOffAndIdsCompareAcrossTheWraparound() {
        DeliveredXids d = new DeliveredXids();
        d.add(0xFFFF_FFF0L); // the stream's 32-bit xid just before the wraparound
        long epoch = 1L << 32;
        // the snapshot's 64-bit txids are in epoch 1, after the wraparound: 0xFFFFFFF0 is below xmin 3
        assertThat(d.firstInvisible((epoch + 3) + ":" + (epoch + 10) + ":")).isNull();
        d.add(epoch + 5); // a 64-bit id is cut to its 32 bits
        assertThat(d.firstInvisible((epoch + 3) + ":" + (epoch + 10) + ":" + (epoch + 5))).isEqualTo(5L);
        assertThat(d.firstInvisible((epoch - 20) + ":" + (epoch + 2) + ":")).isEqualTo(5L);
    }
}
