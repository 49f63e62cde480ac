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
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.pgbridge.cdc.engine.CaptureFixture.JSON;
import static org.assertj.core.api.Assertions.assertThat;

/** capture run, status, discover and drop as a user runs them: the built launcher against a real server. */
@Timeout(300)
class CaptureCommandsIT {
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
    void runBackfillsAndStreamsStopsCleanlyOnSigtermThenStatusShowsItAndDropRemovesWhatItMade() throws Exception {
        f.sql("CREATE TABLE orders (id int PRIMARY KEY, item text)",
                "INSERT INTO orders SELECT g, 'item ' || g FROM generate_series(1, 50) g");
        // the source comes from a saved connection id: AIRFLOW_CONN_SRC
        Path config = f.configFile(f.yaml(CaptureFixture.byConnection("src"), "  backfill_chunk_size: 10\n",
                f.jsonlSink(), "orders"));
        Cli cli = new Cli(home).env("AIRFLOW_CONN_SRC", f.airflowUri());
        Path out = f.work.resolve("run.out");
        Path err = f.work.resolve("run.err");
        Process run = cli.start(out, err, "capture", "run", "--config", config.toString(), "--status-every", "1");
        try {
            CaptureFixture.await("50 backfill rows", Duration.ofSeconds(90), () -> f.events("orders").size() >= 50);
            f.sql("INSERT INTO orders VALUES (51, 'streamed')", "UPDATE orders SET item = 'changed' WHERE id = 1");
            CaptureFixture.await("52 events", Duration.ofSeconds(60), () -> f.events("orders").size() >= 52);
            CaptureFixture.await("a status line", Duration.ofSeconds(30),
                    () -> read(err).contains("backfill 1/1 tables (50 rows read)"));
            run.destroy();
            assertThat(run.waitFor(60, TimeUnit.SECONDS)).as("stops within 60 s of SIGTERM").isTrue();
        }
        finally {
            run.destroyForcibly();
        }
        String stderr = read(err);
        assertThat(run.exitValue()).as(stderr).isZero();
        assertThat(stderr).contains("capture " + f.slot + ": starting (slot " + f.slot)
                .contains("SIGTERM received, stopping after the current checkpoint")
                .contains("capture " + f.slot + ": stopped; 52 events, backfill 1/1 tables (50 rows read)");
        // in a pipe the backfill's progress is one summary line
        assertThat(stderr).containsPattern("\nbackfilled 50 rows in \\d+\\.\\d s, [\\d,]+ rows/s; 1 table\n");
        assertThat(stderr).doesNotContain(CaptureFixture.PASSWORD);
        List<JsonNode> events = f.events("orders");
        assertThat(events).extracting(e -> e.get("value").get("op").asText()).containsExactlyElementsOf(
                java.util.stream.Stream.concat(java.util.Collections.nCopies(50, "r").stream(), java.util.stream.Stream.of("c", "u")).toList());
        String lastCommit = String.valueOf(events.getLast().get("value").get("source").get("commit_lsn").asLong());
        assertThat(f.query("SELECT confirmed_flush_lsn - '0/0'::pg_lsn >= " + lastCommit + " FROM pg_replication_slots "
                + "WHERE slot_name = '" + f.slot + "'")).as("the last commit was confirmed before exit").isEqualTo("t");
        Path state = home.resolve("captures").resolve(f.slot);
        assertThat(state.resolve("checkpoint.json")).exists();
        assertThat(state.resolve("resources.json")).exists();

        Cli.Result status = cli.run("capture", "status", "--config", config.toString(), "--format", "json");
        assertThat(status.exitCode()).as(status.toString()).isZero();
        JsonNode doc = JSON.readTree(status.out());
        assertThat(doc.get("capture").asText()).isEqualTo(f.slot);
        assertThat(doc.get("slot_exists").asBoolean()).isTrue();
        assertThat(doc.get("slot_active").asBoolean()).isFalse();
        assertThat(doc.get("slot_lag_bytes").asLong()).isGreaterThanOrEqualTo(0);
        JsonNode row = doc.get("tables").get(0);
        assertThat(row.get("table").asText()).isEqualTo("public.orders");
        assertThat(row.get("backfill").asText()).isEqualTo("done");
        assertThat(row.get("mode").asText()).isEqualTo("key_chunks");
        assertThat(row.get("rows_read").asLong()).isEqualTo(50);
        assertThat(row.get("progress").asText()).isEqualTo("100%");
        assertThat(row.get("events").asLong()).isEqualTo(52);
        assertThat(row.get("last_commit_lsn").asText()).matches("[0-9A-F]+/[0-9A-F]+");
        assertThat(row.get("last_commit_time").asText()).startsWith("20");
        // lag grows while the slot is not read
        f.sql("CREATE TABLE unrelated AS SELECT generate_series(1, 10000) g");
        Cli.Result table = cli.run("capture", "status", "--config", config.toString());
        assertThat(table.exitCode()).as(table.toString()).isZero();
        assertThat(table.out()).contains("capture " + f.slot + ": slot " + f.slot + " inactive, lag ")
                .contains("public.orders | done").contains("100%");
        long lagAfter = JSON.readTree(cli.run("capture", "status", "--config", config.toString(), "--format", "json")
                .out()).get("slot_lag_bytes").asLong();
        assertThat(lagAfter).isGreaterThan(doc.get("slot_lag_bytes").asLong());

        Cli.Result drop = cli.run("capture", "drop", "--config", config.toString());
        assertThat(drop.exitCode()).as(drop.toString()).isZero();
        assertThat(drop.out()).contains("dropped replication slot " + f.slot)
                .contains("dropped publication " + f.publication)
                .contains("dropped watermarks table public." + f.watermarks);
        assertThat(f.query("SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + f.slot + "'")).isEqualTo("0");
        assertThat(f.query("SELECT count(*) FROM pg_publication WHERE pubname = '" + f.publication + "'")).isEqualTo("0");
        assertThat(f.query("SELECT to_regclass('public." + f.watermarks + "') IS NULL")).isEqualTo("t");
        assertThat(f.query("SELECT count(*) FROM orders")).as("the captured table stays").isEqualTo("51");
        assertThat(state).doesNotExist();
        // bug: drop said "dropped publication" also when there was none; it reports only what existed
        Cli.Result again = cli.run("capture", "drop", "--config", config.toString());
        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(again.out()).isEqualTo("nothing to drop: capture " + f.slot + " has no replication slot, publication, "
                + "watermarks or state here\n");
    }

    // bug: capture status showed a binding whose table does not exist like any other pending table
    @Test
    void statusFlagsABindingWhoseTableDoesNotExist() throws Exception {
        f.sql("CREATE TABLE present (id int PRIMARY KEY)");
        Path config = f.configFile("", "present", "absent");
        Cli cli = new Cli(home);
        Cli.Result table = cli.run("capture", "status", "--config", config.toString());
        assertThat(table.exitCode()).as(table.toString()).isZero();
        assertThat(table.out()).containsPattern("public\\.absent +\\| not started .*\\| table does not exist");
        assertThat(table.err()).contains("warning: the table public.absent of a binding does not exist")
                .contains("hint: create it, or remove the binding from " + config);
        JsonNode doc = JSON.readTree(cli.run("capture", "status", "--config", config.toString(), "--format", "json").out());
        java.util.Map<String, JsonNode> byTable = new java.util.HashMap<>();
        doc.get("tables").forEach(n -> byTable.put(n.get("table").asText(), n));
        assertThat(byTable.get("public.absent").get("problem").asText()).isEqualTo("table does not exist");
        assertThat(byTable.get("public.present").get("problem").isNull()).isTrue();
    }

    @Test
    void dropKeepsAPublicationADbaMadeAndRefusesWhileTheCaptureRuns() throws Exception {
        f.sql("CREATE TABLE t (id int PRIMARY KEY)");
        f.server.executeIn(f.db.name(), "CREATE PUBLICATION " + f.publication + " FOR TABLE public.t");
        f.server.executeIn(f.db.name(), "ALTER PUBLICATION " + f.publication + " OWNER TO " + f.role.name());
        Path config = f.configFile("", "t");
        Cli cli = new Cli(home);
        Process run = cli.start(f.work.resolve("o"), f.work.resolve("e"), "capture", "run", "--config",
                config.toString());
        try {
            CaptureFixture.await("slot active", Duration.ofSeconds(90), f::slotStreaming);
            Cli.Result refused = cli.run("capture", "drop", "--config", config.toString());
            assertThat(refused.exitCode()).isEqualTo(1);
            assertThat(refused.err()).startsWith("error: capture " + f.slot + " is running: session pid")
                    .contains("hint: stop it first");
            run.destroy();
            assertThat(run.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        finally {
            run.destroyForcibly();
        }
        Cli.Result drop = cli.run("capture", "drop", "--config", config.toString());
        assertThat(drop.exitCode()).as(drop.toString()).isZero();
        assertThat(drop.out()).contains("dropped replication slot").contains("kept publication " + f.publication
                + " (pgbridge did not create it)");
        assertThat(f.query("SELECT count(*) FROM pg_publication WHERE pubname = '" + f.publication + "'")).isEqualTo("1");
    }

    @Test
    void discoverListsKeysAndIdentitiesAndFlagsWhatNeedsAFixWithItsSql() throws Exception {
        f.sql("CREATE TABLE with_pk (id int PRIMARY KEY, v text)",
                "CREATE TABLE no_key (v text)",
                "CREATE TABLE full_no_key (v text)", "ALTER TABLE full_no_key REPLICA IDENTITY FULL",
                "CREATE TABLE by_index (id int PRIMARY KEY, code text NOT NULL UNIQUE)",
                "ALTER TABLE by_index REPLICA IDENTITY USING INDEX by_index_code_key",
                "CREATE TABLE nothing (id int PRIMARY KEY)", "ALTER TABLE nothing REPLICA IDENTITY NOTHING");
        Cli cli = new Cli(home).env("AIRFLOW_CONN_SRC", f.airflowUri());
        Cli.Result r = cli.run("capture", "discover", "--conn", "src", "--format", "json");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        JsonNode rows = JSON.readTree(r.out());
        java.util.Map<String, JsonNode> byTable = new java.util.HashMap<>();
        rows.forEach(n -> byTable.put(n.get("table").asText(), n));
        assertThat(byTable.keySet()).contains("with_pk", "no_key", "full_no_key", "by_index", "nothing");
        assertThat(byTable.get("with_pk").get("capturable").asText()).isEqualTo("yes");
        assertThat(byTable.get("with_pk").get("event_key").asText()).isEqualTo("id");
        assertThat(byTable.get("with_pk").get("backfill").asText()).isEqualTo("key_chunks");
        assertThat(byTable.get("no_key").get("capturable").asText()).isEqualTo("no");
        assertThat(byTable.get("no_key").get("fix").asText())
                .isEqualTo("ALTER TABLE \"public\".\"no_key\" REPLICA IDENTITY FULL;  -- or add a primary key");
        assertThat(byTable.get("full_no_key").get("capturable").asText()).isEqualTo("yes");
        assertThat(byTable.get("full_no_key").get("backfill").asText()).isEqualTo("exported_snapshot");
        assertThat(byTable.get("full_no_key").get("replica_identity").asText()).isEqualTo("full");
        assertThat(byTable.get("by_index").get("replica_identity").asText()).isEqualTo("using index code");
        assertThat(byTable.get("by_index").get("event_key").asText()).isEqualTo("code");
        assertThat(byTable.get("nothing").get("fix").asText())
                .isEqualTo("ALTER TABLE \"public\".\"nothing\" REPLICA IDENTITY DEFAULT;");
        assertThat(r.err()).contains("2 tables need a fix before it can be captured");

        Cli.Result table = cli.run("capture", "discover", "--conn", "src");
        assertThat(table.exitCode()).isZero();
        assertThat(table.out()).contains("no_key").contains("REPLICA IDENTITY FULL");
        // in a pipe the full text, however wide
        assertThat(table.out().lines().mapToInt(String::length).max().orElseThrow()).isGreaterThan(100);

        // bug: discover printed a 330-character-wide table on an 80- or 100-column terminal
        Cli.Result onTerminal = cli.exec(java.util.List.of("script", "-qec",
                "env COLUMNS=100 " + Cli.LAUNCHER + " capture discover --conn src", "/dev/null"), null);
        assertThat(onTerminal.exitCode()).as(onTerminal.toString()).isZero();
        java.util.List<String> lines = onTerminal.out().replace("\r", "").lines().toList();
        assertThat(lines).as(onTerminal.toString()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(100));
        assertThat(onTerminal.out()).contains("no_key").contains("…")
                .contains("--format json shows them in full");
    }

    // regression: a privilege the PostgreSQL sink lacked was reported as "check the disk space"
    @Test
    void aPostgresSinkWithoutInsertPrivilegeStopsTheRunWithThePrivilegeErrorAndTheGrant() throws Exception {
        f.sql("CREATE TABLE orders (id int PRIMARY KEY, item text)");
        String role = "\"" + f.role.name() + "\"";
        // the sink applies into schema mirror of the same database; its table belongs to a DBA and is read-only to us
        f.server.executeIn(f.db.name(), "CREATE SCHEMA mirror AUTHORIZATION " + role + "; CREATE TABLE mirror.orders "
                + "(id int PRIMARY KEY, item text); GRANT SELECT ON mirror.orders TO " + role);
        Path config = f.configFile(f.yaml(CaptureFixture.byConnection("src"), "",
                "{type: postgres, connection: src, schema: mirror}", "orders"));
        Cli cli = new Cli(home).env("AIRFLOW_CONN_SRC", f.airflowUri());
        Path out = f.work.resolve("run.out");
        Path err = f.work.resolve("run.err");
        Process run = cli.start(out, err, "capture", "run", "--config", config.toString(), "--status-every", "0");
        try {
            CaptureFixture.await("the capture streaming", Duration.ofSeconds(90), f::slotStreaming);
            f.sql("INSERT INTO orders VALUES (1, 'denied')");
            assertThat(run.waitFor(90, TimeUnit.SECONDS)).as("the run ends by itself").isTrue();
        }
        finally {
            run.destroyForcibly();
        }
        String stderr = read(err);
        assertThat(run.exitValue()).as(stderr).isEqualTo(1);
        List<String> errors = stderr.lines().filter(l -> l.startsWith("error: ")).toList();
        assertThat(errors).as(stderr).hasSize(1);
        assertThat(errors.getFirst()).contains("postgres sink").contains("permission denied for table orders");
        assertThat(stderr).contains("\nhint: ask the owner of the tables or a superuser of the target to run:\n"
                + "GRANT INSERT, UPDATE, DELETE, TRUNCATE ON TABLE \"mirror\".\"orders\" TO " + role + ";")
                .doesNotContain("disk space").doesNotContain("a bug in pgbridge")
                .doesNotContain(CaptureFixture.PASSWORD);
        assertThat(f.query("SELECT count(*) FROM mirror.orders")).isEqualTo("0");
    }

    @Test
    void configErrorsAreAllReportedAtOnceWithTheValidChoicesAndExitCode2() throws Exception {
        Path config = f.work.resolve("bad.yaml");
        Files.writeString(config, """
                address: "db.example.com:99999"
                database: shop
                user: capture
                colour: blue
                advanced:
                  backfill_chunk_size: 0
                  sslmode: sometimes
                  slotName: Bad-Slot
                sink: {type: carrier-pigeon}
                """);
        Cli cli = new Cli(home);
        for (String command : List.of("run", "status", "drop")) {
            Cli.Result r = cli.run("capture", command, "--config", config.toString());
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
            assertThat(r.out()).isEmpty();
            assertThat(r.err()).startsWith("error: " + config + ": the capture config has 6 problems:")
                    .contains("unknown key 'colour'; valid keys: name, address, database, user, password, connection")
                    .contains("port 99999; allowed: 1 to 65535")
                    .contains("advanced.backfill_chunk_size is 0; allowed: 1 to 1000000")
                    .contains("advanced.sslmode is 'sometimes'; allowed: disable, allow, prefer, require, verify-ca, "
                            + "verify-full")
                    .contains("advanced.slotName 'Bad-Slot' is not a valid slot name")
                    .contains("sink.type is 'carrier-pigeon'; allowed: jsonl, stdout")
                    .contains("\nhint: fix the listed keys");
            assertThat(r.err().lines().filter(l -> l.startsWith("error:")).count()).isEqualTo(1);
        }
        Cli.Result missing = cli.run("capture", "run", "--config", f.work.resolve("nope.yaml").toString());
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).startsWith("error: ").contains("cannot read the capture config");

        Path unknownConn = f.configFile(f.yaml(CaptureFixture.byConnection("no_such_conn"), "", f.jsonlSink(), "t"));
        Cli.Result unresolved = cli.run("capture", "status", "--config", unknownConn.toString());
        assertThat(unresolved.exitCode()).as(unresolved.toString()).isEqualTo(1);
        assertThat(unresolved.err()).startsWith("error: ").contains("no_such_conn");
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        }
        catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
