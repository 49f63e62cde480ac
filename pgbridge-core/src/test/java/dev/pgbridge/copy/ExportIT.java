package dev.pgbridge.copy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.connection.JdbcTarget;
import dev.pgbridge.doctor.TestTargets;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.pgtype.PgJson;
import dev.pgbridge.query.QueryException;
import dev.pgbridge.testing.TestingPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.TimeZone;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(120)
class ExportIT {
    private static final String SAMPLE = """
            SELECT g AS id, 'é日本🔑 ' || g AS "Label", CASE WHEN g % 3 = 0 THEN NULL WHEN g % 3 = 1 THEN '' ELSE 'a,"b"' || chr(10) || 'c' END AS tricky,
                   g * 1.10 AS amount, g / 7.0::float8 AS ratio, timestamptz '2024-01-01 00:00:00+00' + g * interval '1 hour' AS at,
                   ARRAY[g, NULL] AS arr, jsonb_build_object('g', g, 'ok', g % 2 = 0) AS doc, decode(lpad(to_hex(g), 4, '0'), 'hex') AS raw
            FROM generate_series(1, 500) g""";

    private final TestingPostgres server = TestingPostgres.get();
    private final ConnectionConfig target = TestTargets.config(server.superuser(), server.superuserPassword(), "postgres");

    private ExportResult export(ExportFormat format, ExportOptions options, ExportSource source, OutputStream out) throws Exception {
        try (Connection c = JdbcTarget.of(target).connect()) {
            ExportResult result = Export.of(format, c, target, options).run(source, out, ProgressListener.NONE);
            assertThat(c.getAutoCommit()).as("autocommit restored").isTrue();
            return result;
        }
    }

    @Test
    void csvIsByteForByteWhatPsqlCopyWrites() throws Exception {
        ByteArrayOutputStream ours = new ByteArrayOutputStream();
        ExportResult result = export(ExportFormat.CSV, ExportOptions.DEFAULTS, ExportSource.query(SAMPLE + ";"), ours);
        byte[] psql = psql("\\copy (" + SAMPLE.replace("\n", " ") + ") to stdout with (format csv, header)");
        assertThat(ours.toString(StandardCharsets.UTF_8)).isEqualTo(new String(psql, StandardCharsets.UTF_8));
        assertThat(result.rows()).isEqualTo(500);
        assertThat(result.bytes()).isEqualTo(psql.length);
        String text = ours.toString(StandardCharsets.UTF_8);
        assertThat(text).startsWith("id,Label,tricky,amount,ratio,at,arr,doc,raw\n")
                .contains("\n1,é日本🔑 1,\"\",1.10,")     // the empty string is ""
                .contains("\n3,é日本🔑 3,,3.30,")         // NULL is an unquoted empty field
                .contains(",\"a,\"\"b\"\"\nc\",");        // quotes doubled, the line break inside quotes
    }

    @Test
    void csvWithoutHeader() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ExportResult result = export(ExportFormat.CSV, ExportOptions.DEFAULTS.withHeader(false), ExportSource.query("VALUES (1, 'a'), (2, NULL)"), out);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("1,a\n2,\n");
        assertThat(result.rows()).isEqualTo(2);
    }

    @Test
    void jsonLinesKeepExactNamesAndTypes() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ExportResult result = export(ExportFormat.JSONL, ExportOptions.DEFAULTS.withFetchSize(64), ExportSource.query(SAMPLE), out);
        String[] lines = out.toString(StandardCharsets.UTF_8).split("\n", -1);
        assertThat(lines).hasSize(501);
        assertThat(lines[500]).isEmpty();
        assertThat(result.rows()).isEqualTo(500);
        assertThat(result.bytes()).isEqualTo(out.size());
        // UTF-8 as it is, no \\u escapes for characters beyond U+FFFF
        assertThat(lines[0]).contains("\"Label\":\"é日本🔑 1\"");
        JsonNode first = PgJson.parseExact(lines[0]);
        assertThat(first.fieldNames()).toIterable().containsExactly("id", "Label", "tricky", "amount", "ratio", "at", "arr", "doc", "raw");
        assertThat(first.get("Label").textValue()).isEqualTo("é日本🔑 1");
        assertThat(first.get("tricky").textValue()).isEmpty();
        assertThat(first.get("amount").decimalValue()).isEqualByComparingTo("1.10");
        assertThat(first.get("amount").toString()).isEqualTo("1.10");
        assertThat(first.get("arr").toString()).isEqualTo("[1,null]");
        assertThat(first.get("doc").get("ok").booleanValue()).isFalse();
        assertThat(first.get("raw").textValue()).isEqualTo("AAE=");
        JsonNode third = PgJson.parseExact(lines[2]);
        assertThat(third.get("tricky").isNull()).isTrue();
        assertThat(PgJson.parseExact(lines[1]).get("tricky").textValue()).isEqualTo("a,\"b\"\nc");
    }

    @Test
    void tablesAreNamedAsSqlNamesThem() throws Exception {
        String schema = "Sales_" + TestingPostgres.uniqueName("x");
        server.execute("CREATE SCHEMA \"" + schema + "\"; CREATE TABLE \"" + schema + "\".\"Orders\" (\"Id\" int, \"Note\" text);"
                + "INSERT INTO \"" + schema + "\".\"Orders\" VALUES (1, 'é'), (2, NULL);"
                + "CREATE VIEW \"" + schema + "\".\"Big Orders\" AS SELECT * FROM \"" + schema + "\".\"Orders\" WHERE \"Id\" > 1");
        try {
            ByteArrayOutputStream csv = new ByteArrayOutputStream();
            export(ExportFormat.CSV, ExportOptions.DEFAULTS, ExportSource.table("\"" + schema + "\".\"Orders\""), csv);
            assertThat(csv.toString(StandardCharsets.UTF_8)).isEqualTo("Id,Note\n1,é\n2,\n");

            ByteArrayOutputStream view = new ByteArrayOutputStream();
            export(ExportFormat.JSONL, ExportOptions.DEFAULTS, ExportSource.table("\"" + schema + "\".\"Big Orders\""), view);
            assertThat(view.toString(StandardCharsets.UTF_8)).isEqualTo("{\"Id\":2,\"Note\":null}\n");

            ByteArrayOutputStream viewCsv = new ByteArrayOutputStream();
            export(ExportFormat.CSV, ExportOptions.DEFAULTS, ExportSource.table("\"" + schema + "\".\"Big Orders\""), viewCsv);
            assertThat(viewCsv.toString(StandardCharsets.UTF_8)).isEqualTo("Id,Note\n2,\n");

            // unquoted, the name folds to lower case, as in SQL: no such table
            assertThatThrownBy(() -> export(ExportFormat.CSV, ExportOptions.DEFAULTS, ExportSource.table(schema + ".Orders"),
                    new ByteArrayOutputStream()))
                    .isInstanceOfSatisfying(PgBridgeException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
                        assertThat(e.getMessage()).isEqualTo("table " + schema.toLowerCase(java.util.Locale.ROOT)
                                + ".orders does not exist: there is no schema " + schema.toLowerCase(java.util.Locale.ROOT));
                        assertThat(e.hint()).startsWith("did you mean \"" + schema + "\"");
                    });
        }
        finally {
            server.execute("DROP SCHEMA \"" + schema + "\" CASCADE");
        }
    }

    @Test
    void errorsPointIntoTheUsersSqlNotTheCopyAroundIt() {
        for (ExportFormat format : ExportFormat.values()) {
            assertThatThrownBy(() -> export(format, ExportOptions.DEFAULTS, ExportSource.query("SELECT 1,\n  nosuchcol"), new ByteArrayOutputStream()))
                    .as(format.name())
                    .isInstanceOfSatisfying(QueryException.class, e -> {
                        assertThat(e.getMessage()).startsWith("column \"nosuchcol\" does not exist");
                        assertThat(e.excerpt()).hasValue("LINE 2:   nosuchcol\n" + " ".repeat(10) + "^");
                    });
        }
    }

    @Test
    void sqlThatCouldEscapeTheCopyIsRefused() {
        assertThatThrownBy(() -> export(ExportFormat.CSV, ExportOptions.DEFAULTS,
                ExportSource.query("SELECT 1) TO STDOUT; DROP TABLE x; --"), new ByteArrayOutputStream()))
                .isInstanceOf(PgBridgeException.class).hasMessageContaining("2 statements");
        assertThatThrownBy(() -> export(ExportFormat.CSV, ExportOptions.DEFAULTS,
                ExportSource.query("SELECT 1) TO PROGRAM 'true' --"), new ByteArrayOutputStream()))
                .isInstanceOf(PgBridgeException.class).hasMessageContaining("closing parenthesis has no opening one");
        assertThatThrownBy(() -> export(ExportFormat.CSV, ExportOptions.DEFAULTS,
                ExportSource.query("DELETE FROM pg_class RETURNING *"), new ByteArrayOutputStream()))
                .isInstanceOfSatisfying(QueryException.class, e -> assertThat(e.sqlState()).isEqualTo("25006"));
    }

    @Test
    void cancelStopsBothKindsOfExportOnTheServer() throws Exception {
        for (ExportFormat format : ExportFormat.values()) {
            String marker = TestingPostgres.uniqueName("x_cancel");
            try (Connection c = JdbcTarget.of(target).connect()) {
                Export export = Export.of(format, c, target, ExportOptions.DEFAULTS);
                CompletableFuture<ExportResult> running = CompletableFuture.supplyAsync(() -> export.run(
                        ExportSource.query("SELECT pg_sleep(60) /* " + marker + " */"), new ByteArrayOutputStream(), ProgressListener.NONE));
                awaitActive(marker);
                export.cancel();
                assertThatThrownBy(() -> running.get(10, TimeUnit.SECONDS)).as(format.name())
                        .isInstanceOf(ExecutionException.class).cause()
                        .isInstanceOfSatisfying(PgBridgeException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CANCELED));
                assertThat(active(marker)).isZero();
                assertThat(c.getAutoCommit()).isTrue();
            }
        }
    }

    @Test
    void progressIsReportedAsRowsArrive() throws Exception {
        List<long[]> reports = new ArrayList<>();
        for (ExportFormat format : ExportFormat.values()) {
            reports.clear();
            try (Connection c = JdbcTarget.of(target).connect()) {
                Export.of(format, c, target, ExportOptions.DEFAULTS.withFetchSize(5000))
                        .run(ExportSource.query("SELECT g FROM generate_series(1, 20000) g"), OutputStream.nullOutputStream(),
                                (rows, bytes) -> reports.add(new long[] {rows, bytes}));
            }
            assertThat(reports.size()).as(format.name()).isGreaterThanOrEqualTo(3);
            assertThat(reports.get(reports.size() - 1)[0]).isEqualTo(20000);
            for (int i = 1; i < reports.size(); i++) {
                assertThat(reports.get(i)[0]).isGreaterThanOrEqualTo(reports.get(i - 1)[0]);
                assertThat(reports.get(i)[1]).isGreaterThanOrEqualTo(reports.get(i - 1)[1]);
            }
        }
    }

    private byte[] psql(String command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1",
                "host=" + server.host() + " port=" + server.port() + " user=" + server.superuser() + " dbname=postgres",
                "-c", command);
        pb.environment().put("PGPASSWORD", server.superuserPassword());
        pb.environment().put("PGTZ", TimeZone.getDefault().getID()); // pgjdbc's session zone is the JVM's
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        return out;
    }

    private int active(String marker) throws Exception {
        try (Connection c = server.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%"
                     + marker + "%' AND pid <> pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private void awaitActive(String marker) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (active(marker) == 0) {
            assertThat(System.nanoTime()).as("statement never became active").isLessThan(deadline);
            Thread.sleep(50);
        }
    }
}
