package dev.pgbridge.cli.output;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class FiguresTest {
    // load printed "loaded 3000000 rows" next to export's "exported 3,000,000 rows": one format for both
    @Test
    void countsHaveThousandsSeparators() {
        assertThat(Figures.count(0)).isEqualTo("0");
        assertThat(Figures.count(999)).isEqualTo("999");
        assertThat(Figures.count(3_000_000)).isEqualTo("3,000,000");
        assertThat(Figures.count(-1234)).isEqualTo("-1,234");
        assertThat(Figures.count(1, "row")).isEqualTo("1 row");
        assertThat(Figures.count(2500, "row")).isEqualTo("2,500 rows");
        assertThat(Figures.count(0, "event")).isEqualTo("0 events");
    }

    @Test
    void bytesInDecimalUnits() {
        assertThat(Figures.bytes(0)).isEqualTo("0 B");
        assertThat(Figures.bytes(999)).isEqualTo("999 B");
        assertThat(Figures.bytes(1000)).isEqualTo("1.0 kB");
        assertThat(Figures.bytes(12_345)).isEqualTo("12.3 kB");
        assertThat(Figures.bytes(999_960)).isEqualTo("1.0 MB"); // never "1000.0 kB"
        assertThat(Figures.bytes(412_500_000)).isEqualTo("412.5 MB");
        assertThat(Figures.bytes(1_200_000_000L)).isEqualTo("1.2 GB");
        assertThat(Figures.bytes(Long.MAX_VALUE)).isEqualTo("9.2 EB");
    }

    @Test
    void durations() {
        assertThat(Figures.duration(Duration.ZERO)).isEqualTo("0.0 s");
        assertThat(Figures.duration(Duration.ofMillis(9_840))).isEqualTo("9.8 s");
        assertThat(Figures.duration(Duration.ofMillis(59_960))).isEqualTo("1 min 00 s");
        assertThat(Figures.duration(Duration.ofSeconds(125))).isEqualTo("2 min 05 s");
        assertThat(Figures.duration(Duration.ofMinutes(182))).isEqualTo("3 h 02 min");
    }

    @Test
    void rates() {
        assertThat(Figures.perSecond(3_000_000, Duration.ofMillis(9_800))).isEqualTo("306,122");
        assertThat(Figures.perSecond(10, Duration.ZERO)).isEqualTo("0");
        assertThat(Figures.bytesPerSecond(84_000_000, Duration.ofSeconds(2))).isEqualTo("42.0 MB/s");
    }

    @Test
    void summaryLine() {
        assertThat(Figures.summary("exported", 3_000_000, 412_500_000, null, Duration.ofMillis(9_800)))
                .isEqualTo("exported 3,000,000 rows (412.5 MB) in 9.8 s, 306,122 rows/s");
        assertThat(Figures.summary("loaded", 1, 120, "\"public\".\"t\"", Duration.ofMillis(100)))
                .isEqualTo("loaded 1 row (120 B) into \"public\".\"t\" in 0.1 s, 10 rows/s");
        assertThat(Figures.summary("copied", -1, 84_000_000, "t", Duration.ofSeconds(2)))
                .isEqualTo("copied 84.0 MB into t in 2.0 s, 42.0 MB/s");
    }
}
