package dev.pgbridge.cli;

import dev.pgbridge.testing.TestDatabase;
import dev.pgbridge.testing.TestingPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code pgbridge load} and {@code pgbridge copy} run as a user runs them, through bin/pgbridge. */
@Timeout(300)
class LoadCommandsIT {
    private static final String PASSWORD = "l0ad pw/é:@?&🔑";
    @RegisterExtension
    static final LoadDatabases dbs = new LoadDatabases("pgb_load", PASSWORD);

    @TempDir
    Path home;

    @BeforeAll
    static void databases() {
        dbs.asRole(dbs.source(), "CREATE TABLE orders (id int PRIMARY KEY, amount numeric(10,2) NOT NULL, note text); "
                + "INSERT INTO orders SELECT i, i * 1.5, 'n' || i FROM generate_series(1, 2500) AS i");
    }

    private Cli cliWithTarget() {
        return new Cli(home).env("TARGET_URL", dbs.url(dbs.target()));
    }

    @Test
    void loadsCsvFromAFileAndJsonLinesFromStandardInput() throws Exception {
        String table = TestingPostgres.uniqueName("loaded");
        dbs.asRole(dbs.target(), "CREATE TABLE " + table + " (id int PRIMARY KEY, note text)");
        Cli cli = cliWithTarget();
        Path csv = home.resolve("in.csv");
        Files.writeString(csv, "id,note\r\n1,é日本🔑\r\n2,\"\"\r\n3,\r\n");
        Cli.Result fromFile = cli.run("load", "--url-env", "TARGET_URL", "--table", table, "--format", "csv", "--file", csv.toString());
        assertThat(fromFile.exitCode()).as(fromFile.toString()).isZero();
        // the summary goes to stderr (stdout is for results), numbers in the one format of every command
        assertThat(fromFile.out()).isEmpty();
        assertThat(fromFile.err()).matches("loaded 3 rows \\(\\d+ B\\) into \"public\"\\.\"" + table
                + "\" in \\d+\\.\\d s, [\\d,]+ rows/s; 1 chunk in one transaction\n");

        Cli.Result fromStdin = cli.runWithInput("{\"id\": 4, \"note\": \"four\"}\n{\"id\": 5, \"note\": null}\n",
                "load", "--url-env", "TARGET_URL", "--table", table, "--format", "jsonl", "--file", "-", "--chunk-rows", "1");
        assertThat(fromStdin.exitCode()).as(fromStdin.toString()).isZero();
        assertThat(fromStdin.err()).startsWith("loaded 2 rows (").contains("2 chunks in one transaction");

        Cli.Result quiet = cli.runWithInput("{\"id\": 6, \"note\": \"six\"}\n", "load", "--url-env", "TARGET_URL",
                "--table", table, "--format", "jsonl", "--file", "-", "--quiet");
        assertThat(quiet.exitCode()).as(quiet.toString()).isZero();
        assertThat(quiet.out() + quiet.err()).isEmpty();

        assertThat(dbs.rows(dbs.target(), "SELECT id || ':' || coalesce(note, '<null>') FROM " + table + " ORDER BY id"))
                .containsExactly("1:é日本🔑", "2:", "3:<null>", "4:four", "5:<null>", "6:six");
        assertThat(cli.everythingWritten()).doesNotContain(PASSWORD);
    }

    @Test
    void createFromStandardInputPrintsWhatItCreated() throws Exception {
        String table = TestingPostgres.uniqueName("created");
        Cli cli = cliWithTarget();
        Cli.Result r = cli.runWithInput("{\"id\": 1, \"at\": \"2024-01-02T03:04:05Z\", \"tags\": [\"x\"]}\n",
                "load", "--url-env", "TARGET_URL", "--table", table, "--format", "jsonl", "--file", "-", "--create");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).startsWith("created table \"public\".\"" + table + "\":\nCREATE TABLE \"public\".\"" + table + "\" (\n"
                + "    \"id\" bigint,\n    \"at\" timestamptz,\n    \"tags\" jsonb\n);\n");
        assertThat(r.err()).startsWith("loaded 1 row (");
        assertThat(dbs.rows(dbs.target(), "SELECT tags::text FROM " + table)).containsExactly("[\"x\"]");
    }

    @Test
    void aBadRowExitsWithOneAndNamesLineAndColumnAndLoadsNothing() throws Exception {
        String table = TestingPostgres.uniqueName("strict");
        dbs.asRole(dbs.target(), "CREATE TABLE " + table + " (id int PRIMARY KEY, amount numeric NOT NULL); "
                + "INSERT INTO " + table + " VALUES (100, 1)");
        Cli cli = cliWithTarget();
        StringBuilder csv = new StringBuilder("id,amount\n");
        for (int i = 1; i <= 30; i++) {
            csv.append(i).append(',').append(i).append('\n');
        }
        csv.append("31,lots\n");
        Cli.Result r = cli.runWithInput(csv.toString(), "load", "--url-env", "TARGET_URL", "--table", table, "--format", "csv",
                "--file", "-", "--chunk-rows", "10", "--truncate");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).startsWith("error: cannot load standard input into \"public\".\"" + table + "\": line 32, column "
                + "\"amount\": invalid input syntax for type numeric: \"lots\"").contains("\nhint: nothing was loaded");
        assertThat(dbs.rows(dbs.target(), "SELECT string_agg(id::text, ',') FROM " + table)).containsExactly("100");

        Cli.Result missing = cli.run("load", "--url-env", "TARGET_URL", "--table", "no_such_table", "--format", "csv",
                "--file", home.resolve("x.csv").toString());
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).startsWith("error: table no_such_table does not exist").contains("hint: ").contains("--create");

        Cli.Result usage = cli.run("load", "--url-env", "TARGET_URL", "--format", "csv", "--file", "-");
        assertThat(usage.exitCode()).as("no --table").isEqualTo(2);
        Cli.Result badFormat = cli.run("load", "--url-env", "TARGET_URL", "--table", table, "--format", "xml", "--file", "-");
        assertThat(badFormat.exitCode()).isEqualTo(2);
    }

    @Test
    void copyBetweenTwoDatabasesThroughSavedConnections() throws Exception {
        Cli cli = new Cli(home);
        for (TestDatabase db : List.of(dbs.source(), dbs.target())) {
            String id = db == dbs.source() ? "src" : "dst";
            Cli.Result add = cli.runWithInput(PASSWORD + "\n", "conn", "add", id, "--host", dbs.server().host(), "--port",
                    String.valueOf(dbs.server().port()), "--database", db.name(), "--login", dbs.role().name(), "--password-stdin");
            assertThat(add.exitCode()).as(add.toString()).isZero();
        }
        String table = TestingPostgres.uniqueName("copied");
        Cli.Result r = cli.run("copy", "--from", "src", "--table", "orders", "--to", "dst", "--target-table", table, "--create");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("CREATE TABLE \"public\".\"" + table + "\" (\n    \"id\" integer NOT NULL,\n"
                + "    \"amount\" numeric(10,2) NOT NULL,\n    \"note\" text,\n    PRIMARY KEY (\"id\")\n);");
        assertThat(r.err()).startsWith("copied 2,500 rows (").contains(" into \"public\".\"" + table + "\" in ")
                .endsWith("; binary COPY\n");
        assertThat(dbs.rows(dbs.target(), "SELECT count(*) || ' ' || sum(amount) FROM " + table)).containsExactly("2500 4689375.00");
        // the source read by two sessions in one snapshot, into the target's one COPY: the same rows
        String parallel = TestingPostgres.uniqueName("copied_par");
        Cli.Result par = cli.run("copy", "--from", "src", "--table", "orders", "--to", "dst", "--target-table", parallel,
                "--create", "--parallel", "2");
        assertThat(par.exitCode()).as(par.toString()).isZero();
        assertThat(par.err()).startsWith("copy: source read by 2 sessions in one snapshot, split by ").contains("copied 2,500 rows (");
        assertThat(dbs.rows(dbs.target(), "SELECT count(*) || ' ' || sum(amount) FROM " + parallel)).containsExactly("2500 4689375.00");

        Cli.Result failed = cli.run("copy", "--from", "src", "-c", "SELECT id, amount FROM orders WHERE nonsense", "--to", "dst",
                "--target-table", table, "--truncate");
        assertThat(failed.exitCode()).isEqualTo(1);
        assertThat(failed.err()).startsWith("error: the source 'src' (").contains("column \"nonsense\" does not exist")
                .contains("hint: ").contains("the target was rolled back");
        assertThat(dbs.rows(dbs.target(), "SELECT count(*) FROM " + table)).containsExactly("2500");
        assertThat(cli.everythingWritten()).doesNotContain(PASSWORD);
    }

    @Test
    void copyTakesUrlsThroughTheEnvironment() throws Exception {
        String table = TestingPostgres.uniqueName("by_url");
        Cli cli = new Cli(home).env("SRC_URL", dbs.url(dbs.source())).env("DST_URL", dbs.url(dbs.target()));
        Cli.Result viaEnv = cli.run("copy", "--from-env", "SRC_URL", "-c", "SELECT id, note FROM orders WHERE id <= 10",
                "--to-env", "DST_URL", "--target-table", table, "--create");
        assertThat(viaEnv.exitCode()).as(viaEnv.toString()).isZero();
        assertThat(viaEnv.err()).contains("copied 10 rows");
        assertThat(viaEnv.err()).doesNotContain("process list");
        dbs.server().executeIn(dbs.target().name(), "ALTER TABLE " + table + " ADD PRIMARY KEY (id)");

        // a URL expanded by the shell onto the command line works too, with a warning about the process list
        Cli.Result viaShell = cli.exec(List.of("sh", "-c", Cli.LAUNCHER + " copy --from \"$SRC_URL\" -c "
                + "'SELECT id, note FROM orders WHERE id > 2490' --to \"$DST_URL\" --target-table " + table
                + " --upsert-key id"), null);
        assertThat(viaShell.exitCode()).as(viaShell.toString()).isZero();
        assertThat(viaShell.err()).contains("merged 10 rows (").contains(" into \"public\".\"" + table + "\" in ")
                .contains(": 10 inserted or updated; ").endsWith(" COPY\n");
        assertThat(viaShell.err()).contains("--from-env");
        assertThat(dbs.rows(dbs.target(), "SELECT count(*) FROM " + table)).containsExactly("20");

        dbs.server().executeIn(dbs.target().name(), "ALTER TABLE " + table + " ADD CHECK (id < 2000) NOT VALID");
        Cli.Result rejected = cli.run("copy", "--from-env", "SRC_URL", "-c", "SELECT id, note FROM orders ORDER BY id",
                "--to-env", "DST_URL", "--target-table", table, "--truncate");
        assertThat(rejected.exitCode()).isEqualTo(1);
        assertThat(rejected.err()).startsWith("error: the target (").contains("failed: row 2000 of the source: new row for relation")
                .contains("hint: the target was rolled back");
        assertThat(dbs.rows(dbs.target(), "SELECT count(*) FROM " + table)).containsExactly("20");
        assertThat(cli.everythingWritten()).doesNotContain(PASSWORD);
    }

    // bug: --upsert-key id failed on a GENERATED ALWAYS identity key (428C9), and a key that is no unique key of the
    // table (id of a table keyed on (id, ordered_at)) was not refused before loading
    @Test
    void upsertMergesOnAnIdentityKeyAndRefusesAKeyTheTableDoesNotHave() throws Exception {
        String table = TestingPostgres.uniqueName("upsert_identity");
        dbs.asRole(dbs.target(), "CREATE TABLE " + table + " (id bigint GENERATED ALWAYS AS IDENTITY, ordered_at date NOT NULL, "
                + "note text, PRIMARY KEY (id, ordered_at)) PARTITION BY RANGE (ordered_at); "
                + "CREATE TABLE " + table + "_2024 PARTITION OF " + table + " FOR VALUES FROM ('2024-01-01') TO ('2025-01-01'); "
                + "INSERT INTO " + table + " (ordered_at, note) VALUES ('2024-03-01', 'one'), ('2024-04-01', 'two')");
        Cli cli = cliWithTarget();
        Cli.Result merged = cli.runWithInput("id,ordered_at,note\n2,2024-04-01,changed\n7,2024-05-01,new\n", "load",
                "--url-env", "TARGET_URL", "--table", table, "--format", "csv", "--file", "-", "--upsert-key", "id,ordered_at");
        assertThat(merged.exitCode()).as(merged.toString()).isZero();
        assertThat(merged.err()).startsWith("merged 2 rows (").contains(" into \"public\".\"" + table + "\" on (id, ordered_at) in ")
                .contains(": 2 inserted or updated; 1 chunk in one transaction");

        Cli.Result refused = cli.runWithInput("id,ordered_at,note\n1,2024-03-01,lost\n", "load", "--url-env", "TARGET_URL",
                "--table", table, "--format", "csv", "--file", "-", "--upsert-key", "id", "--truncate");
        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(1);
        assertThat(refused.err()).isEqualTo("error: cannot upsert into \"public\".\"" + table + "\" on (id): no primary key or "
                + "unique constraint has exactly these columns\nhint: its keys are (id, ordered_at) (the primary key); "
                + "give all the columns of one of them with --upsert-key\n");
        assertThat(dbs.rows(dbs.target(), "SELECT string_agg(id || ':' || note, ',' ORDER BY id) FROM " + table))
                .containsExactly("1:one,2:changed,7:new");
    }
}
