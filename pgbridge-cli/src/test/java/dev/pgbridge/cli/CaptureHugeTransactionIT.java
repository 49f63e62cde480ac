package dev.pgbridge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgbridge.cdc.engine.CaptureFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 4, test 7: one transaction of 2,000,000 rows captured by {@code pgbridge capture run} with its heap capped at
 * 256 MB: every event arrives and the process does not run out of memory (on PostgreSQL 14+ the transaction is
 * streamed while in progress and spooled to disk; below, it spills).
 */
@Timeout(900)
class CaptureHugeTransactionIT {
    private static final int ROWS = 2_000_000;

    @TempDir
    Path home;

    private CaptureFixture f;

    @BeforeEach
    void setUp() throws Exception {
        f = new CaptureFixture();
    }

    @AfterEach
    void tearDown() throws Exception {
        f.close();
    }

    @Test
    void twoMillionRowTransactionArrivesWholeWithA256MbHeap() throws Exception {
        f.sql("CREATE TABLE bulk (id int PRIMARY KEY, v text)");
        if (f.server.majorVersion() >= 13) {
            // small decoding memory: PostgreSQL 14+ streams the transaction while it is in progress
            f.server.executeIn(f.db.name(), "ALTER ROLE " + f.role.name() + " SET logical_decoding_work_mem = '64kB'");
        }
        Path config = f.configFile("", "bulk");
        Path checkpoint = home.resolve("captures").resolve(f.slot).resolve("checkpoint.json");
        Cli cli = new Cli(home).env("PGBRIDGE_JAVA_OPTS", "-Xmx256m -XX:+ExitOnOutOfMemoryError");
        Path err = f.work.resolve("run.err");
        Process run = cli.start(f.work.resolve("run.out"), err, "capture", "run", "--config", config.toString(),
                "--status-every", "5");
        long captured;
        try {
            CaptureFixture.await("the slot streaming", Duration.ofSeconds(90), f::slotStreaming);
            long started = System.nanoTime();
            f.sql("INSERT INTO bulk SELECT g, 'row ' || g FROM generate_series(1, " + ROWS + ") g");
            long committed = System.nanoTime();
            CaptureFixture.await(ROWS + " events in the checkpoint", Duration.ofSeconds(600), () -> {
                JsonNode saved = CaptureFixture.readJson(checkpoint);
                return !run.isAlive() || saved != null && saved.path("tables").path("public.bulk")
                        .path("events").asLong() >= ROWS;
            });
            captured = System.nanoTime();
            assertThat(run.isAlive()).as("the capture is still alive: " + Files.readString(err)).isTrue();
            run.destroy();
            assertThat(run.waitFor(60, TimeUnit.SECONDS)).isTrue();
            System.out.printf("2M-row transaction: insert %d s, captured %d s after the commit%n",
                    Duration.ofNanos(committed - started).toSeconds(), Duration.ofNanos(captured - committed).toSeconds());
        }
        finally {
            run.destroyForcibly();
        }
        String stderr = Files.readString(err);
        assertThat(run.exitValue()).as(stderr).isZero();
        assertThat(stderr).doesNotContain("OutOfMemoryError");
        assertThat(f.lineCount("bulk")).isEqualTo(ROWS);
        try (var reader = Files.newBufferedReader(f.eventFiles("bulk").getFirst())) {
            JsonNode event = CaptureFixture.JSON.readTree(reader.readLine());
            assertThat(event.get("key").get("id").asInt()).isEqualTo(1);
            assertThat(event.get("value").get("op").asText()).isEqualTo("c");
        }
    }
}
