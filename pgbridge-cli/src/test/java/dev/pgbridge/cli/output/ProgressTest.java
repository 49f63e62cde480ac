package dev.pgbridge.cli.output;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class ProgressTest {
    private final StringWriter text = new StringWriter();
    private final AtomicLong now = new AtomicLong();

    @Test
    void redrawsOneLineAtMostFourTimesASecond() {
        Progress progress = new Progress(new PrintWriter(text), Progress.Mode.TERMINAL, now::get);
        now.set(Duration.ofMillis(100).toNanos());
        progress.update(1000, 100_000);
        assertThat(text.toString()).isEmpty(); // too soon
        now.set(Duration.ofSeconds(2).toNanos());
        progress.update(2_000_000, 250_000_000);
        assertThat(text.toString()).isEqualTo("\r2,000,000 rows  250.0 MB  1,000,000 rows/s  125.0 MB/s");
        now.set(Duration.ofMillis(2100).toNanos());
        progress.update(2_100_000, 260_000_000);
        assertThat(text.toString()).doesNotContain("2,100,000");
        progress.finish(Figures.summary("exported", 3_000_000, 300_000_000, null, Duration.ofSeconds(3)));
        assertThat(text.toString()).endsWith("\rexported 3,000,000 rows (300.0 MB) in 3.0 s, 1,000,000 rows/s\n");
    }

    @Test
    void unknownRowCountShowsBytesOnly() {
        Progress progress = new Progress(new PrintWriter(text), Progress.Mode.TERMINAL, now::get);
        now.set(Duration.ofSeconds(2).toNanos());
        progress.update(-1, 84_000_000);
        assertThat(text.toString()).isEqualTo("\r84.0 MB  42.0 MB/s  2.0 s");
    }

    // export in a pipe (Airflow, cron) printed nothing at all: the log must get one summary line
    @Test
    void inAPipeOnlyTheSummaryLine() {
        Progress progress = new Progress(new PrintWriter(text), Progress.Mode.SUMMARY, now::get);
        now.set(Duration.ofSeconds(5).toNanos());
        progress.update(1, 1);
        progress.interrupt();
        assertThat(text.toString()).isEmpty();
        progress.finish("exported 1 row (1 B) in 1.0 s, 1 rows/s");
        assertThat(text.toString()).isEqualTo("exported 1 row (1 B) in 1.0 s, 1 rows/s\n");
    }

    @Test
    void aLineOfItsOwnIsDrawnThenTakenAway() {
        Progress progress = new Progress(new PrintWriter(text), Progress.Mode.TERMINAL, now::get);
        now.set(Duration.ofMillis(100).toNanos());
        progress.update(d -> "never built: too soon");
        assertThat(text.toString()).isEmpty();
        now.set(Duration.ofMillis(5200).toNanos());
        progress.update(d -> "ingesting sales: tables 1,204 · " + Figures.duration(d));
        assertThat(text.toString()).isEqualTo("\ringesting sales: tables 1,204 · 5.2 s");
        progress.clear();
        assertThat(text.toString()).endsWith("\r" + " ".repeat(37) + "\r");
        progress.clear();
        assertThat(text.toString()).hasSize(2 * 38 + 1);
        now.set(Duration.ofMillis(5300).toNanos());
        progress.update(d -> "next part", true);
        assertThat(text.toString()).endsWith("\rnext part");
    }

    @Test
    void aLineOfItsOwnStaysOffTerminals() {
        Progress progress = new Progress(new PrintWriter(text), Progress.Mode.SUMMARY, now::get);
        now.set(Duration.ofSeconds(5).toNanos());
        progress.update(d -> "ingesting");
        progress.clear();
        assertThat(text.toString()).isEmpty();
    }

    @Test
    void quietPrintsNothing() {
        Progress progress = new Progress(new PrintWriter(text), Progress.Mode.QUIET, now::get);
        now.set(Duration.ofSeconds(5).toNanos());
        progress.update(1, 1);
        progress.finish("exported 1 row");
        progress.interrupt();
        assertThat(text.toString()).isEmpty();
    }

    @Test
    void testsRunWithoutATerminal() {
        // the suite runs under Maven with no console: the check must say so
        assertThat(Progress.onTerminal()).isFalse();
        assertThat(Progress.on(new PrintWriter(text), false).enabled()).isFalse();
    }
}
