package dev.pgbridge.cdc.event;

import dev.pgbridge.testing.TestingPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

import static org.assertj.core.api.Assertions.assertThat;

/** pgoutput's 32-bit xid, widened by the server to the 64-bit txid that the visibility check compares. */
@Timeout(60)
class TxidWideningIT {
    private static final long EPOCH = 1L << 32;

    private static long widened(Connection c, long xid, long xmax) throws Exception {
        // parameters in text order: the xid, then the xmax
        try (PreparedStatement ps = c.prepareStatement("SELECT " + ToastResolver.widenedTxid("?", "s.x")
                + " FROM (SELECT CAST(? AS bigint) AS x) s")) {
            ps.setLong(1, xid);
            ps.setLong(2, xmax);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Test
    void anXidIsWidenedRelativeToTheSnapshotsXmaxAcrossEpochs() throws Exception {
        try (Connection c = TestingPostgres.get().connect()) {
            assertThat(widened(c, 5, 10)).isEqualTo(5);
            assertThat(widened(c, 10, 10)).as("at xmax: committed, not yet visible").isEqualTo(10);
            assertThat(widened(c, 15, 10)).as("above xmax").isEqualTo(15);
            assertThat(widened(c, 4_294_967_290L, EPOCH + 10)).as("last epoch, xmax in this one")
                    .isEqualTo(4_294_967_290L);
            assertThat(widened(c, 5, EPOCH - 5)).as("this epoch's xid, xmax still in the last one").isEqualTo(EPOCH + 5);
            assertThat(widened(c, 100, 3 * EPOCH + 200)).isEqualTo(3 * EPOCH + 100);
            assertThat(widened(c, 3_000_000_000L, 3 * EPOCH + 200)).as("2^31 back at most")
                    .isEqualTo(2 * EPOCH + 3_000_000_000L);
        }
    }
}
