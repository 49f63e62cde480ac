package dev.pgbridge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgbridge.testing.TestDatabase;
import dev.pgbridge.testing.TestRole;
import dev.pgbridge.testing.TestingPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One grammar in every command, run through bin/pgbridge: the connection id as the first argument or with --conn,
 * repeated -c, --format from a file's extension, usage errors with exit code 2 and "did you mean".
 */
@Timeout(600)
class GrammarIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PASSWORD = "gr4mmar pw/é:@";
    private static TestingPostgres server;
    private static TestRole role;
    private static TestDatabase db;

    @TempDir
    static Path home;

    @TempDir
    Path files;

    @BeforeAll
    static void database() {
        server = TestingPostgres.get();
        role = server.createRole(TestingPostgres.uniqueName("pgb_grammar"), PASSWORD);
        db = server.createDatabase(TestingPostgres.uniqueName("pgb_grammar"), role.name());
        server.executeIn(db.name(), "SET ROLE " + role.name() + "; "
                + "CREATE TABLE orders (id int PRIMARY KEY, note text); "
                + "INSERT INTO orders SELECT i, 'n' || i FROM generate_series(1, 5) AS i; "
                + "CREATE TABLE loaded (id int PRIMARY KEY, note text)");
        Cli.Result saved = cli().run("conn", "add", "shop", "--uri-env", "SHOP_URL", "--dialect", "libpq");
        assertThat(saved.exitCode()).as(saved.toString()).isZero();
    }

    @AfterAll
    static void drop() {
        if (db != null) {
            db.close();
        }
        if (role != null) {
            role.close();
        }
    }

    private static Cli cli() {
        String url = "postgresql://" + role.name() + ":" + URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8).replace("+", "%20")
                + "@" + server.host() + ":" + server.port() + "/" + db.name() + "?sslmode=disable";
        return new Cli(home).env("SHOP_URL", url);
    }

    private static Cli.Result ok(Cli.Result r) {
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return r;
    }

    private static Cli.Result usage(Cli.Result r) {
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).as(r.toString()).containsPattern("\nusage: pgbridge .*\nsee 'pgbridge.* --help'\n$");
        return r;
    }

    @Test
    void theConnectionIdIsTheFirstArgumentOrGivenWithConnTheSameInEveryCommand() throws Exception {
        Cli cli = cli();
        // "pgbridge query demo -c …" was a usage error while "pgbridge doctor demo" was right
        List<List<String>> commands = List.of(
                List.of("query", "-c", "SELECT count(*) AS n FROM orders", "--format", "json"),
                List.of("schemas", "--format", "json"),
                List.of("tables", "--format", "json"),
                List.of("columns", "orders", "--format", "json"),
                List.of("preview", "orders", "--format", "json"),
                List.of("export", "--table", "orders"),
                List.of("doctor", "--format", "json"),
                List.of("capture", "discover", "--format", "json"),
                List.of("conn", "show", "--format", "json"),
                List.of("conn", "uri"),
                List.of("conn", "env"));
        for (List<String> command : commands) {
            int at = command.get(0).equals("conn") || command.get(0).equals("capture") ? 2 : 1;
            String[] positional = with(command, at, "shop");
            String[] option = with(command, at, "--conn", "shop");
            Cli.Result first = ok(cli.run(positional));
            Cli.Result second = ok(cli.run(option));
            if (!command.get(0).equals("doctor") && !command.get(1).equals("discover")) {
                assertThat(first.out()).as(String.join(" ", command)).isEqualTo(second.out()).isNotBlank();
            }
        }
        assertThat(JSON.readTree(ok(cli.run("query", "shop", "-c", "SELECT count(*) AS n FROM orders", "--format", "json"))
                .out()).get(0).get("n").asInt()).isEqualTo(5);
        assertThat(ok(cli.run("conn", "test", "shop")).out()).contains("connection ok");
        assertThat(ok(cli.run("conn", "test", "--conn", "shop")).out()).contains("connection ok");

        // load, copy and run take it the same way
        Path csv = files.resolve("rows.csv");
        Files.writeString(csv, "id,note\n1,a\n2,b\n");
        assertThat(ok(cli.run("load", "shop", "--table", "loaded", "--file", csv.toString(), "--truncate")).err())
                .contains("loaded 2 rows");
        assertThat(ok(cli.run("load", "--conn", "shop", "--table", "loaded", "--file", csv.toString(), "--truncate")).err())
                .contains("loaded 2 rows");
        assertThat(ok(cli.run("copy", "shop", "shop", "--table", "orders", "--target-table", "loaded", "--truncate")).err())
                .contains("copied 5 rows");
        assertThat(ok(cli.run("run", "shop", "--", "sh", "-c", "test -n \"$AIRFLOW_CONN_SHOP\" && echo set")).out())
                .isEqualTo("set\n");
    }

    private static String[] with(List<String> command, int at, String... inserted) {
        List<String> args = new java.util.ArrayList<>(command);
        args.addAll(at, List.of(inserted));
        return args.toArray(String[]::new);
    }

    @Test
    void twoDifferentConnectionsOrNoneAreUsageErrors() {
        Cli cli = cli();
        Cli.Result both = usage(cli.run("tables", "shop", "--conn", "other"));
        assertThat(both.err().lines().toList()).containsExactly(
                "error: two different connections given: 'shop' as CONN_ID and 'other' with --conn",
                "hint: give the connection once, as the first argument or with --conn ID",
                "usage: pgbridge tables [OPTIONS] [CONN_ID]",
                "see 'pgbridge tables --help'");
        ok(cli.run("tables", "shop", "--conn", "SHOP"));
        assertThat(usage(cli.run("schemas")).err()).startsWith("error: no connection given\n");
        assertThat(usage(cli.run("columns", "shop")).err()).startsWith("error: missing TABLE\n");
        assertThat(usage(cli.run("conn", "show")).err()).startsWith("error: no connection given\n");
        assertThat(usage(cli.run("copy", "shop", "--to", "other", "shop", "--table", "orders")).err())
                .startsWith("error: two different values for the TO side");
        assertThat(usage(cli.run("run", "shop", "--conn", "other", "--", "true")).err())
                .startsWith("error: two different connections given");
    }

    @Test
    void repeatedCommandsRunInOrderAsPsqlRunsThem() {
        Cli.Result r = ok(cli().run("query", "shop", "-c", "SET search_path = pg_catalog", "-c",
                "SELECT current_schema() AS s", "-c", "SELECT 2 AS two", "--format", "csv"));
        // the results one after another, as one -c with two statements prints them
        assertThat(r.out().replace("\r\n", "\n")).isEqualTo("s\npg_catalog\n\ntwo\n2\n");
        assertThat(usage(cli().run("query", "shop", "-c", "SELECT ?", "-c", "SELECT 1", "--param", "1")).err())
                .contains("--param needs a single -c");
    }

    @Test
    void theFormatFollowsTheFileExtensionAndExportWritesToStdoutByDefault() throws Exception {
        Cli cli = cli();
        assertThat(ok(cli.run("export", "shop", "--table", "orders")).out()).startsWith("id,note\n1,n1\n");
        Path jsonl = files.resolve("orders.jsonl");
        ok(cli.run("export", "shop", "--table", "orders", "--output", jsonl.toString()));
        assertThat(Files.readAllLines(jsonl)).hasSize(5).first().isEqualTo("{\"id\":1,\"note\":\"n1\"}");
        Path ndjson = files.resolve("orders.ndjson");
        Files.copy(jsonl, ndjson);
        assertThat(ok(cli.run("load", "shop", "--table", "loaded", "--file", ndjson.toString(), "--truncate")).err())
                .contains("loaded 5 rows");

        Path text = files.resolve("orders.txt");
        Files.copy(jsonl, text);
        assertThat(usage(cli.run("load", "shop", "--table", "loaded", "--file", text.toString())).err().lines().toList())
                .startsWith("error: cannot tell the format of " + text + " from its name (.txt)",
                        "hint: give --format csv|jsonl, or name the file with one of these extensions");
        assertThat(usage(cli.runWithInput("id,note\n", "load", "shop", "--table", "loaded", "--file", "-")).err())
                .startsWith("error: --format is missing: standard input has no file extension to tell it by");
        assertThat(ok(cli.run("load", "shop", "--table", "loaded", "--file", text.toString(), "--format", "jsonl",
                "--truncate")).err()).contains("loaded 5 rows");
    }

    @Test
    void usageErrorsExitTwoWithAShortUsageLineAndDidYouMean() {
        Cli cli = cli();
        assertThat(usage(cli.run("tabls", "shop")).err().lines().toList()).containsExactly(
                "error: unknown command 'tabls' for 'pgbridge'",
                "hint: did you mean tables?",
                "usage: pgbridge [OPTIONS] [COMMAND]",
                "see 'pgbridge --help'");
        assertThat(usage(cli.run("conn", "shwo", "shop")).err()).startsWith(
                "error: unknown command 'shwo' for 'pgbridge conn'\nhint: did you mean show?\n");
        assertThat(usage(cli.run("tables", "shop", "--formt", "json")).err()).startsWith(
                "error: unknown option '--formt'\nhint: did you mean --format?\nusage: pgbridge tables [OPTIONS] [CONN_ID]\n");
        assertThat(usage(cli.run("tables", "shop", "--format", "jsn")).err()).contains("\nhint: did you mean json?\n");
        assertThat(usage(cli.run("export", "shop", "--table", "orders", "--format", "cvs")).err())
                .contains("\nhint: did you mean csv?\n");
        // doctor --for reed exited 1 although usage errors are documented as 2
        assertThat(usage(cli.run("doctor", "shop", "--for", "reed")).err()).startsWith(
                "error: --for: unknown capability 'reed'; allowed: read, write, cdc, usage\nhint: did you mean read?");
        assertThat(usage(cli.run("load", "shop", "--file", "x.csv")).err()).startsWith("error: Missing required option: '--table=TABLE'");
        Cli.Result bare = exitTwo(cli.run());
        assertThat(bare.err()).contains("Connections:").contains("  tables ");
    }

    /** {@code pgbridge} alone: the whole command list on stderr, exit 2. */
    private static Cli.Result exitTwo(Cli.Result r) {
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        return r;
    }

    @Test
    void anUnknownConnectionIdOrTableSuggestsTheNearestOnes() throws Exception {
        Cli cli = cli();
        Cli.Result conn = cli.run("query", "shp", "-c", "SELECT 1");
        assertThat(conn.exitCode()).as(conn.toString()).isEqualTo(1);
        assertThat(conn.err()).startsWith("error: no connection 'shp' in tenant 'default' (and AIRFLOW_CONN_SHP is not set)\n"
                + "hint: did you mean shop? list saved connections with 'pgbridge conn list'");
        assertThat(cli.run("conn", "show", "shopp").err()).contains("hint: did you mean shop?");

        Cli.Result export = cli.run("export", "shop", "--table", "ordrs");
        assertThat(export.exitCode()).as(export.toString()).isEqualTo(1);
        assertThat(export.err().lines().toList()).containsExactly(
                "error: table ordrs does not exist in any schema of the search_path (public)",
                "hint: did you mean orders?");
        Path csv = files.resolve("rows.csv");
        Files.writeString(csv, "id,note\n1,a\n");
        assertThat(cli.run("load", "shop", "--table", "ordrs", "--file", csv.toString()).err())
                .contains("hint: did you mean orders? (or give --create to create it from the input)");
        assertThat(cli.run("copy", "shop", "shop", "--table", "ordrs", "--target-table", "loaded").err())
                .contains("table ordrs does not exist").contains("did you mean orders?");
        assertThat(cli.run("preview", "shop", "ordrs").err()).contains("hint: did you mean orders?");
    }

    @Test
    void aMisspelledCaptureConfigKeyIsReportedOnceWithTheNearestKey() throws Exception {
        Path config = files.resolve("capture.yaml");
        Files.writeString(config, "connection: shop\nbindings: [{namespace: public, stream: orders}]\n"
                + "sink: {type: jsonl, dri: " + files.resolve("out") + "}\n");
        Cli.Result r = cli().run("capture", "status", "--config", config.toString());
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).startsWith("error: " + config + ": the capture config has 1 problem:\n"
                + "  - unknown key 'sink.dri': did you mean dir?\n").doesNotContain("sink.dir is missing");
    }

    @Test
    void completionScriptsAndAGroupedHelp() {
        Cli cli = cli();
        Cli.Result bash = ok(cli.run("completion", "bash"));
        assertThat(bash.out()).contains("complete -F _complete_pgbridge").contains("tables").contains("--format");
        assertThat(ok(cli.run("completion", "zsh")).out()).contains("bashcompinit").contains("_complete_pgbridge");
        usage(cli.run("completion", "fish"));

        String help = ok(cli.run("--help")).out();
        assertThat(help).containsSubsequence("\nConnections:\n", "  conn ", "\nData:\n", "  query ", "  export ",
                "\nCapture:\n", "  capture ", "\nMetadata:\n", "  tables ", "\nServer:\n", "  server ", "\nShell:\n",
                "  completion ");
        assertThat(help).doesNotContain("\nOther:\n");
        // one line per command
        assertThat(help.lines().filter(l -> l.startsWith("  tables ")).toList()).hasSize(1);
        assertThat(help.lines().filter(l -> l.startsWith("  ") && l.length() > 100).toList()).isEmpty();
    }
}
