package dev.pgbridge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgbridge.testing.TestTable;
import dev.pgbridge.testing.TestingPostgres;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code pgbridge query} and {@code pgbridge export} as a user runs them: the launcher as a process. */
@Timeout(300)
class QueryCommandsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final TestingPostgres server = TestingPostgres.get();

    @TempDir
    Path home;

    private Cli cli;

    @BeforeEach
    void cli() {
        cli = new Cli(home).env("PG_TEST_URL", "postgresql://" + server.superuser() + ":" + server.superuserPassword()
                + "@" + server.host() + ":" + server.port() + "/postgres");
    }

    private Cli.Result query(String... args) {
        return cli.run(concat(new String[] {"query", "--url-env", "PG_TEST_URL"}, args));
    }

    private Cli.Result export(String... args) {
        return cli.run(concat(new String[] {"export", "--url-env", "PG_TEST_URL"}, args));
    }

    private static String[] concat(String[] a, String[] b) {
        return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
    }

    private TestTable sample() {
        TestTable t = new TestTable(server, "postgres", "cli_q", "(id int PRIMARY KEY, \"Name\" text, amount numeric, tags text[], doc jsonb)");
        server.execute("INSERT INTO " + t.name() + " VALUES (1, 'é日本🔑', 12345678901234567890.10, '{a,\"b c\"}', '{\"k\": [1, null]}'),"
                + " (2, '', NULL, '{}', 'null'), (3, NULL, -0.5, NULL, NULL), (4, 'x,\"y\"' || chr(10) || 'z', 1, '{{1},{2}}', '[]')");
        return t;
    }

    @Test
    void queryPrintsEveryFormat() throws Exception {
        try (TestTable t = sample()) {
            String sql = "SELECT * FROM " + t.name() + " ORDER BY id";
            Cli.Result table = query("-c", sql);
            assertThat(table.exitCode()).as(table.toString()).isZero();
            assertThat(table.out()).startsWith("id | Name").contains("é日本🔑").contains("(4 rows)");

            Cli.Result json = query("-c", sql, "--format", "json");
            assertThat(json.exitCode()).as(json.toString()).isZero();
            assertThat(json.out()).startsWith("[\n  {\"id\": 1, \"Name\": \"é日本🔑\", \"amount\": 12345678901234567890.10, "
                    + "\"tags\": [\"a\", \"b c\"], \"doc\": {\"k\": [1, null]}},\n");
            JsonNode rows = JSON.readTree(json.out());
            assertThat(rows).hasSize(4);
            assertThat(rows.get(1).get("Name").textValue()).isEmpty();
            assertThat(rows.get(2).get("Name").isNull()).isTrue();
            assertThat(rows.get(3).get("tags").toString()).isEqualTo("[[\"1\"],[\"2\"]]");

            Cli.Result jsonl = query("-c", sql, "--format", "jsonl");
            assertThat(jsonl.out().split("\n")).hasSize(4);
            assertThat(jsonl.out().split("\n")[0]).isEqualTo("{\"id\":1,\"Name\":\"é日本🔑\",\"amount\":12345678901234567890.10,\"tags\":[\"a\",\"b c\"],\"doc\":{\"k\": [1, null]}}");

            Cli.Result csv = query("-c", sql, "--format", "csv");
            assertThat(csv.out()).isEqualTo("""
                    id,Name,amount,tags,doc
                    1,é日本🔑,12345678901234567890.10,"{a,""b c""}","{""k"": [1, null]}"
                    2,"",,{},null
                    3,,-0.5,,
                    4,"x,""y""
                    z",1,"{{1},{2}}",[]
                    """);
            // the same CSV as COPY writes it
            Cli.Result exported = export("-c", sql, "--format", "csv", "--output", "-");
            assertThat(exported.exitCode()).as(exported.toString()).isZero();
            assertThat(exported.out()).isEqualTo(csv.out());
            assertThat(query("-c", sql, "--format", "csv", "--no-header").out()).startsWith("1,é日本🔑,");
        }
    }

    @Test
    void severalStatementsPrintEachResultAndTheirTags() {
        try (TestTable t = new TestTable(server, "postgres", "cli_m", "(id int)")) {
            String sql = "INSERT INTO " + t.name() + " VALUES (1), (2); UPDATE " + t.name() + " SET id = id + 10; "
                    + "SELECT id FROM " + t.name() + " ORDER BY id; SELECT 'two' AS second";
            Cli.Result table = query("-c", sql);
            assertThat(table.exitCode()).as(table.toString()).isZero();
            assertThat(table.out()).isEqualTo("INSERT 2\n\nUPDATE 2\n\nid\n--\n11\n12\n(2 rows)\n\nsecond\n------\ntwo\n(1 row)\n");
            server.execute("DELETE FROM " + t.name());
            // machine formats keep stdout to rows; the tags go to stderr
            Cli.Result json = query("-c", sql, "--format", "json");
            assertThat(json.out()).isEqualTo("[\n  {\"id\": 11},\n  {\"id\": 12}\n]\n[\n  {\"second\": \"two\"}\n]\n");
            assertThat(json.err()).isEqualTo("INSERT 2\nUPDATE 2\n");
        }
    }

    @Test
    void parametersFilesAndStdin() throws Exception {
        Cli.Result params = query("-c", "SELECT ?::int + 1 AS n, ?::text AS t", "--param", "41", "--param", "'); DROP TABLE x; --",
                "--format", "jsonl");
        assertThat(params.exitCode()).as(params.toString()).isZero();
        assertThat(params.out()).isEqualTo("{\"n\":42,\"t\":\"'); DROP TABLE x; --\"}\n");

        Path file = home.resolve("report.sql");
        Files.writeString(file, "\uFEFF-- a report\nSELECT 'é' AS a;\nSELECT 2 AS b;\n");
        Cli.Result fromFile = query("-f", file.toString(), "--format", "csv");
        assertThat(fromFile.exitCode()).as(fromFile.toString()).isZero();
        assertThat(fromFile.out()).isEqualTo("a\né\n\nb\n2\n");

        Cli.Result stdin = cli.runWithInput("SELECT 'piped' AS src", "query", "--url-env", "PG_TEST_URL", "--format", "csv");
        assertThat(stdin.out()).isEqualTo("src\npiped\n");
        Cli.Result dash = cli.runWithInput("SELECT 'dash' AS src", "query", "--url-env", "PG_TEST_URL", "-f", "-", "--format", "csv");
        assertThat(dash.out()).isEqualTo("src\ndash\n");

        Cli.Result both = query("-c", "SELECT 1", "-f", file.toString());
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).contains("either -c SQL or -f FILE");
        Cli.Result missing = query("-f", home.resolve("nope.sql").toString());
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("cannot read the SQL from").contains("nope.sql");
        Cli.Result count = query("-c", "SELECT ?", "--param", "1", "--param", "2");
        assertThat(count.exitCode()).isEqualTo(1);
        assertThat(count.err()).contains("1 parameter marker (?) but 2 values were given");
    }

    @Test
    void sqlErrorsShowTheLineTheCaretAndTheHint() {
        try (TestTable t = new TestTable(server, "postgres", "cli_e", "(id int, label text)")) {
            Cli.Result r = query("-c", "SELECT 1;\nSELECT id,\n       labl FROM " + t.name());
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.out()).contains("(1 row)"); // the first statement ran
            assertThat(r.err()).isEqualTo("error: column \"labl\" does not exist (SQLSTATE 42703) in statement 2 (line 2)\n"
                    + "LINE 3:        labl FROM " + t.name() + "\n"
                    + "               ^\n"
                    + "hint: Perhaps you meant to reference the column \"" + t.name() + ".label\".\n");
        }
        Cli.Result syntax = query("-c", "SELEC 1");
        assertThat(syntax.exitCode()).isEqualTo(1);
        assertThat(syntax.err()).startsWith("error: syntax error at or near \"SELEC\" (SQLSTATE 42601)\nLINE 1: SELEC 1\n        ^\n");
        // a bad value is quoted in PostgreSQL's message: the user sees it, the log does not
        Cli.Result badValue = query("-c", "SELECT ?::int", "--param", "s3cret-value");
        assertThat(badValue.exitCode()).isEqualTo(1);
        assertThat(badValue.err()).contains("invalid input syntax for type integer: \"s3cret-value\"");
        assertThat(logs()).contains("SQLSTATE 22P02").doesNotContain("s3cret-value");
        Cli.Result usage = query("-c", "SELECT 1", "--format", "xml");
        assertThat(usage.exitCode()).isEqualTo(2);
        Cli.Result badTimeout = query("-c", "SELECT 1", "--timeout", "soon");
        assertThat(badTimeout.exitCode()).isEqualTo(2);
        assertThat(badTimeout.err()).contains("invalid duration 'soon'");
    }

    @Test
    void timeoutCancelsOnTheServer() throws Exception {
        String marker = TestingPostgres.uniqueName("cli_timeout");
        long start = System.nanoTime();
        Cli.Result r = query("-c", "SELECT pg_sleep(60) /* " + marker + " */", "--timeout", "500ms");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).startsWith("error: statement 1 (line 1) ran longer than the timeout of 500ms and PostgreSQL canceled it\n");
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).isLessThan(30);
        assertThat(active(marker)).isZero();
    }

    @Test
    void ctrlCCancelsTheQueryOnTheServer() throws Exception {
        String marker = TestingPostgres.uniqueName("cli_ctrlc");
        Process p = cli.start(home.resolve("out.txt"), home.resolve("err.txt"),
                "query", "--url-env", "PG_TEST_URL", "-c", "SELECT pg_sleep(120) /* " + marker + " */");
        try {
            awaitActive(marker);
            new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("pgbridge ended after SIGINT").isTrue();
            // without the cancel request the backend would sleep on for two minutes after the client is gone
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while (active(marker) > 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(active(marker)).isZero();
        }
        finally {
            p.destroyForcibly();
        }
    }

    @Test
    void exportWritesFilesAndStdout() throws Exception {
        try (TestTable t = sample()) {
            Path csv = home.resolve("out.csv");
            Cli.Result r = export("--table", t.name(), "--format", "csv", "--output", csv.toString());
            assertThat(r.exitCode()).as(r.toString()).isZero();
            // bug: in a pipe (Airflow, cron) export printed nothing at all; now one summary line, no progress line
            assertThat(r.err()).matches("exported 4 rows \\(\\d+ B\\) in \\d+\\.\\d s, [\\d,]+ rows/s\n");
            Cli.Result quiet = export("--table", t.name(), "--format", "csv", "--output", csv.toString(), "--quiet");
            assertThat(quiet.exitCode()).as(quiet.toString()).isZero();
            assertThat(quiet.err()).isEmpty();
            assertThat(Files.readString(csv)).startsWith("id,Name,amount,tags,doc\n").contains("\n2,\"\",,{},null\n");

            Path jsonl = home.resolve("out.jsonl");
            Cli.Result j = export("-c", "SELECT id, \"Name\", doc FROM " + t.name() + " ORDER BY id", "--format", "jsonl", "-o", jsonl.toString());
            assertThat(j.exitCode()).as(j.toString()).isZero();
            assertThat(Files.readAllLines(jsonl)).containsExactly(
                    "{\"id\":1,\"Name\":\"é日本🔑\",\"doc\":{\"k\": [1, null]}}",
                    "{\"id\":2,\"Name\":\"\",\"doc\":null}",
                    "{\"id\":3,\"Name\":null,\"doc\":null}",
                    "{\"id\":4,\"Name\":\"x,\\\"y\\\"\\nz\",\"doc\":[]}");

            Cli.Result stdout = export("--table", t.name(), "--format", "jsonl", "--output", "-");
            assertThat(stdout.out().split("\n")).hasSize(4);
            assertThat(stdout.err()).startsWith("exported 4 rows (");

            // a failed export leaves no file behind, not even a partial one
            Path failed = home.resolve("failed.csv");
            Cli.Result bad = export("-c", "SELECT 1/0", "--output", failed.toString());
            assertThat(bad.exitCode()).isEqualTo(1);
            assertThat(bad.err()).startsWith("error: division by zero (SQLSTATE 22012)");
            try (Stream<Path> files = Files.list(home)) {
                assertThat(files.map(f -> f.getFileName().toString())).noneMatch(n -> n.startsWith("failed") || n.startsWith(".failed"));
            }
            Cli.Result neither = export("--output", "-");
            assertThat(neither.exitCode()).isEqualTo(2);
            assertThat(neither.err()).contains("exactly one of -c SQL and --table TABLE");
        }
    }

    @Test
    void parallelExportEqualsTheSingleSessionOneAndSplitsIntoParts() throws Exception {
        try (TestTable t = new TestTable(server, "postgres", "cli_par", "(id int PRIMARY KEY, note text) WITH (fillfactor = 10)")) {
            server.execute("INSERT INTO " + t.name() + " SELECT g, 'n,\"' || g FROM generate_series(1, 3000) g");
            Path one = home.resolve("one.csv");
            Path par = home.resolve("par.csv");
            Cli.Result single = export("--table", t.name(), "--parallel", "1", "--output", one.toString());
            assertThat(single.exitCode()).as(single.toString()).isZero();
            Cli.Result r = export("--table", t.name(), "--parallel", "2", "--output", par.toString());
            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertThat(r.err()).startsWith("export: 2 sessions in one snapshot, split by ").contains("exported 3,000 rows");
            List<String> expected = Files.readAllLines(one);
            List<String> lines = Files.readAllLines(par);
            assertThat(lines.getFirst()).isEqualTo("id,note");
            assertThat(lines.stream().filter(l -> l.equals("id,note"))).hasSize(1);
            assertThat(lines.stream().sorted().toList()).isEqualTo(expected.stream().sorted().toList());

            Cli.Result split = export("--table", t.name(), "--parallel", "2", "--split", "--output", home.resolve("parts.csv").toString());
            assertThat(split.exitCode()).as(split.toString()).isZero();
            List<String> first = Files.readAllLines(home.resolve("parts.part-0001.csv"));
            List<String> second = Files.readAllLines(home.resolve("parts.part-0002.csv"));
            assertThat(first.getFirst()).isEqualTo("id,note");
            assertThat(second).isNotEmpty().doesNotContain("id,note");
            assertThat(Stream.concat(first.stream(), second.stream()).sorted().toList()).isEqualTo(expected.stream().sorted().toList());
            assertThat(home.resolve("parts.csv")).doesNotExist();

            // all or nothing: the second part cannot be written (a directory has its name), so no part appears
            Files.createDirectory(home.resolve("bad.part-0002.csv"));
            Cli.Result bad = export("--table", t.name(), "--parallel", "2", "--split", "--output", home.resolve("bad.csv").toString());
            assertThat(bad.exitCode()).as(bad.toString()).isEqualTo(1);
            try (Stream<Path> files = Files.list(home)) {
                assertThat(files.map(f -> f.getFileName().toString())).noneMatch(n -> n.startsWith("bad.part-0001") || n.startsWith(".bad"));
            }

            Cli.Result query = export("-c", "SELECT 1", "--parallel", "2", "--output", "-");
            assertThat(query.exitCode()).as(query.toString()).isZero();
            assertThat(query.err()).startsWith("export: a query runs in one session");
            Cli.Result splitStdout = export("--table", t.name(), "--split");
            assertThat(splitStdout.exitCode()).isEqualTo(2);
            Cli.Result splitQuery = export("-c", "SELECT 1", "--split", "--output", home.resolve("q.csv").toString());
            assertThat(splitQuery.exitCode()).isEqualTo(2);
            assertThat(splitQuery.err()).contains("--split needs --table");
        }
    }

    /** The memory proof: a million rows of ~120 bytes would need far more than 128 MB if they were held. */
    @Test
    void aMillionRowsExportWithA128MegabyteHeap() throws Exception {
        try (TestTable t = new TestTable(server, "postgres", "cli_big", "(id int, pad text, at timestamptz)")) {
            server.execute("INSERT INTO " + t.name() + " SELECT g, repeat(md5(g::text), 3), timestamptz '2024-01-01' + g * interval '1 s' "
                    + "FROM generate_series(1, 1000000) g");
            cli.env("PGBRIDGE_JAVA_OPTS", "-Xmx128m");
            for (String format : List.of("csv", "jsonl")) {
                Path out = home.resolve("big." + format);
                Cli.Result r = export("--table", t.name(), "--format", format, "--output", out.toString());
                assertThat(r.exitCode()).as(r.toString()).isZero();
                long lines = 0;
                String last = null;
                try (BufferedReader reader = Files.newBufferedReader(out, StandardCharsets.UTF_8)) {
                    for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                        lines++;
                        last = line;
                    }
                }
                assertThat(lines).as(format).isEqualTo(format.equals("csv") ? 1_000_001 : 1_000_000);
                assertThat(last).as(format).startsWith(format.equals("csv") ? "1000000," : "{\"id\":1000000,");
                Files.delete(out);
            }
        }
    }

    private String logs() {
        StringBuilder sb = new StringBuilder();
        try (Stream<Path> files = Files.walk(home.resolve("logs"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                sb.append(Files.readString(f));
            }
        }
        catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return sb.toString();
    }

    private int active(String marker) throws SQLException {
        try (Connection c = server.connect();
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE state = 'active' "
                     + "AND query LIKE ? AND pid <> pg_backend_pid()")) {
            ps.setString(1, "%" + marker + "%");
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private void awaitActive(String marker) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (active(marker) == 0) {
            assertThat(System.nanoTime()).as("the query never became active").isLessThan(deadline);
            Thread.sleep(100);
        }
    }
}
