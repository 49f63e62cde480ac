package dev.pgbridge.copy;

import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.connection.JdbcTarget;
import dev.pgbridge.doctor.TestTargets;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.testing.TestingPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(120)
class ParallelExportIT {
    private static final TestingPostgres server = TestingPostgres.get();
    private static final ConnectionConfig target = TestTargets.config(server.superuser(), server.superuserPassword(), "postgres");

    @BeforeAll
    static void tables() {
        // fillfactor 10: a few rows per page, so 3,000 rows make enough pages for every range to hold some
        server.execute("""
                DROP TABLE IF EXISTS par_sample, par_nokey, par_live;
                CREATE TABLE par_sample (id int PRIMARY KEY, label text, tricky text, amount numeric, at timestamptz,
                                         doc jsonb) WITH (fillfactor = 10);
                INSERT INTO par_sample SELECT g, 'é日本 ' || g,
                       CASE WHEN g % 3 = 0 THEN NULL WHEN g % 3 = 1 THEN '' ELSE 'a,"b"' || chr(10) || 'c' END,
                       g * 1.10, timestamptz '2024-01-01 00:00:00+00' + g * interval '1 hour',
                       jsonb_build_object('g', g) FROM generate_series(1, 3000) g;
                CREATE TABLE par_nokey (v text);
                INSERT INTO par_nokey SELECT 'v' || g FROM generate_series(1, 100) g;
                CREATE TABLE par_live (id int PRIMARY KEY, version int NOT NULL, pad text) WITH (fillfactor = 50);
                INSERT INTO par_live SELECT g, 0, repeat('x', 200) FROM generate_series(1, 20000) g;""");
    }

    private static String single(ExportFormat format, String table) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Connection c = JdbcTarget.of(target).connect()) {
            Export.of(format, c, target, ExportOptions.DEFAULTS).run(ExportSource.table(table), out, ProgressListener.NONE);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The records of a CSV or JSON lines text, sorted (CSV records of this sample may span lines: split on ids). */
    private static List<String> sorted(String text) {
        return Arrays.stream(text.split("\n(?=\\d+,|\\{)")).sorted().toList();
    }

    @Test
    void parallelCsvAndJsonLinesEqualTheSingleSessionExport(@TempDir Path spill) throws Exception {
        for (ExportFormat format : ExportFormat.values()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ExportResult result;
            try (ParallelExport export = ParallelExport.open(target, "par_sample", 3, format, ExportOptions.DEFAULTS)) {
                assertThat(export.method()).isEqualTo(server.majorVersion() >= 14 ? ParallelExport.Method.CTID
                        : ParallelExport.Method.KEY);
                assertThat(export.ranges()).isEqualTo(3);
                result = export.run(out, spill, ProgressListener.NONE);
            }
            String ours = out.toString(StandardCharsets.UTF_8);
            String expected = single(format, "par_sample");
            assertThat(result.rows()).isEqualTo(3000);
            assertThat(result.bytes()).isEqualTo(expected.getBytes(StandardCharsets.UTF_8).length);
            if (format == ExportFormat.CSV) {
                String header = "id,label,tricky,amount,at,doc\n";
                assertThat(ours).startsWith(header);
                assertThat(ours.indexOf("id,label")).isEqualTo(ours.lastIndexOf("id,label")); // the header once
            }
            assertThat(sorted(ours)).isEqualTo(sorted(expected));
            try (Stream<Path> left = Files.list(spill)) {
                assertThat(left).as("spill files removed").isEmpty();
            }
        }
    }

    @Test
    void splitWritesOneStreamPerRange() throws Exception {
        try (ParallelExport export = ParallelExport.open(target, "par_sample", 2, ExportFormat.CSV, ExportOptions.DEFAULTS)) {
            List<ByteArrayOutputStream> outs = List.of(new ByteArrayOutputStream(), new ByteArrayOutputStream());
            export.runSplit(outs, ProgressListener.NONE);
            String first = outs.get(0).toString(StandardCharsets.UTF_8);
            String second = outs.get(1).toString(StandardCharsets.UTF_8);
            assertThat(first).startsWith("id,label,");
            assertThat(second).isNotEmpty().doesNotContain("id,label");
            assertThat(sorted(first + second)).isEqualTo(sorted(single(ExportFormat.CSV, "par_sample")));
        }
    }

    @Test
    void withoutTidRangeScansATableWithoutIntegerKeyIsReadByOneSession() {
        try (ParallelExport export = ParallelExport.open(target, "par_nokey", 4, ExportFormat.CSV, ExportOptions.DEFAULTS)) {
            assertThat(export.method()).isEqualTo(ParallelExport.Method.SINGLE);
            assertThat(export.ranges()).isEqualTo(1);
            assertThat(export.describe()).startsWith("one session").contains(server.majorVersion() >= 14
                    ? "1 page(s)" : "no TID range scans and the table no integer primary key");
        }
    }

    // the rows of a parallel export must be those of ONE snapshot although the table changes while it runs
    @Test
    void aTableWrittenToDuringTheExportYieldsExactlyTheRowsOfOneSnapshot(@TempDir Path spill) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger commits = new AtomicInteger();
        AtomicReference<Throwable> writerFailure = new AtomicReference<>();
        Thread writer = Thread.ofPlatform().start(() -> {
            try (Connection c = server.connect("postgres"); Statement s = c.createStatement()) {
                int round = 0;
                while (!stop.get()) {
                    round++;
                    // every transaction touches rows all over the table: updates, deletes, inserts
                    s.execute("BEGIN");
                    s.execute("UPDATE par_live SET version = version + 1 WHERE id % 97 = " + (round % 97));
                    s.execute("DELETE FROM par_live WHERE id = " + (round * 7919 % 20000 + 1));
                    s.execute("INSERT INTO par_live VALUES (" + (100000 + round) + ", " + round + ", 'new')");
                    s.execute("COMMIT");
                    commits.incrementAndGet();
                }
            }
            catch (Throwable t) {
                writerFailure.set(t);
            }
        });
        try {
            while (commits.get() < 3) {
                Thread.sleep(10);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            List<String> snapshotRows;
            try (ParallelExport export = ParallelExport.open(target, "par_live", 3, ExportFormat.CSV,
                    ExportOptions.DEFAULTS.withHeader(false))) {
                snapshotRows = rowsIn(export.snapshot());
                int seen = commits.get();
                while (commits.get() < seen + 3) { // the table moves on before the workers start
                    Thread.sleep(10);
                }
                export.run(out, spill, ProgressListener.NONE);
            }
            int after = commits.get();
            stop.set(true);
            writer.join();
            assertThat(writerFailure.get()).isNull();
            assertThat(after).isGreaterThan(6);
            List<String> exported = Arrays.stream(out.toString(StandardCharsets.UTF_8).split("\n")).sorted().toList();
            assertThat(exported).isEqualTo(snapshotRows);
            assertThat(exported).as("the table changed since the snapshot").isNotEqualTo(rowsIn(null));
        }
        finally {
            stop.set(true);
            writer.join();
        }
    }

    /** The rows of par_live as CSV lines, sorted, in {@code snapshot} (null: now). */
    private static List<String> rowsIn(String snapshot) throws Exception {
        try (Connection c = server.connect("postgres"); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            if (snapshot != null) {
                s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
                s.execute("SET TRANSACTION SNAPSHOT '" + snapshot + "'");
            }
            List<String> rows = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT id, version, pad FROM par_live")) {
                while (rs.next()) {
                    rows.add(rs.getInt(1) + "," + rs.getInt(2) + "," + rs.getString(3));
                }
            }
            c.rollback();
            return rows.stream().sorted().toList();
        }
    }

    @Test
    void aFailedWorkerFailsTheExportAndLeavesNoSpillFile(@TempDir Path spill) {
        // the second range's output fails on its first write: the export fails, the first range is stopped
        try (ParallelExport export = ParallelExport.open(target, "par_live", 2, ExportFormat.CSV, ExportOptions.DEFAULTS)) {
            OutputStream failing = new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    throw new IOException("disk full (test)");
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    throw new IOException("disk full (test)");
                }
            };
            assertThatThrownBy(() -> export.runSplit(List.of(new ByteArrayOutputStream(), failing), ProgressListener.NONE))
                    .isInstanceOf(PgBridgeException.class).hasMessageContaining("disk full (test)");
        }
        // one stream: a spill directory that cannot be written fails the second range, and the export
        try (ParallelExport export = ParallelExport.open(target, "par_live", 2, ExportFormat.CSV, ExportOptions.DEFAULTS)) {
            assertThatThrownBy(() -> export.run(new ByteArrayOutputStream(), spill.resolve("missing"), ProgressListener.NONE))
                    .isInstanceOf(PgBridgeException.class);
        }
    }
}
