package dev.pgbridge.pgtype;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LsnTest {
    @Test
    void parsesAndPrintsPostgresForm() {
        Lsn lsn = Lsn.valueOf("16/3002D50");
        assertThat(lsn.asLong()).isEqualTo(0x16_03002D50L);
        assertThat(lsn).hasToString("16/3002D50");
        assertThat(Lsn.valueOf("16/3002d50")).isEqualTo(lsn);
        assertThat(Lsn.valueOf("0/0")).isEqualTo(Lsn.INVALID);
        assertThat(Lsn.INVALID.isValid()).isFalse();
        assertThat(Lsn.of(0x1_00000000L)).hasToString("1/0");
    }

    @Test
    void comparesUnsigned() {
        Lsn high = Lsn.valueOf("FFFFFFFF/FFFFFFFF");
        assertThat(high.asLong()).isEqualTo(-1L);
        assertThat(high).hasToString("FFFFFFFF/FFFFFFFF");
        assertThat(high.compareTo(Lsn.valueOf("7FFFFFFF/0"))).isPositive();
        assertThat(Lsn.valueOf("80000000/0").isAfter(Lsn.valueOf("7FFFFFFF/FFFFFFFF"))).isTrue();
        assertThat(Lsn.valueOf("0/1").isBefore(Lsn.valueOf("1/0"))).isTrue();
        assertThat(Lsn.max(high, Lsn.INVALID)).isEqualTo(high);
    }

    @Test
    void refusesMalformedText() {
        for (String bad : new String[] {"", "16", "/1", "1/", "x/1", "1/2/3", "123456789/0", "-1/0", "1/+2"}) {
            assertThatThrownBy(() -> Lsn.valueOf(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invalid LSN");
        }
    }
}
