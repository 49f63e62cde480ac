package dev.pgbridge.cli.command;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DurationConverterTest {
    @Test
    void readsNumbersWithUnits() {
        assertThat(DurationConverter.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(DurationConverter.parse("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(DurationConverter.parse("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(DurationConverter.parse("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(DurationConverter.parse("30d")).isEqualTo(Duration.ofDays(30)); // token lifetimes
        assertThat(DurationConverter.parse("1d12h")).isEqualTo(Duration.ofHours(36));
        assertThat(DurationConverter.parse("1m30s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(DurationConverter.parse("1h2m3s4ms")).isEqualTo(Duration.ofMillis(3_723_004));
        assertThat(DurationConverter.parse("45")).isEqualTo(Duration.ofSeconds(45));
        assertThat(DurationConverter.parse(" 2s ")).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void refusesAnythingElse() {
        for (String bad : new String[] {"", "s", "5 s", "1.5s", "-1s", "5x", "5sm", "m5", "10w", "1y", "soon"}) {
            assertThatThrownBy(() -> DurationConverter.parse(bad)).as(bad)
                    .isInstanceOf(CommandLine.TypeConversionException.class)
                    .hasMessageContaining("invalid duration '" + bad + "'");
        }
        assertThatThrownBy(() -> DurationConverter.parse("0ms")).isInstanceOf(CommandLine.TypeConversionException.class)
                .hasMessageContaining("more than zero");
    }
}
