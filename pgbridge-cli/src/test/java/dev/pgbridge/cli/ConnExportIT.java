package dev.pgbridge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code pgbridge conn export}: Airflow's export files, the inverse of {@code conn import}. */
@Timeout(300)
class ConnExportIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PASSWORD = "s3cret é/@:%?#&=+ x";

    @TempDir
    Path dir;

    private static Cli.Result ok(Cli.Result r) {
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return r;
    }

    private Cli withConnections(Path home) {
        Cli cli = new Cli(home).env("PW", PASSWORD);
        ok(cli.run("conn", "add", "warehouse", "--host", "db.example.com", "--port", "6432", "--database", "dw",
                "--login", "etl", "--password-env", "PW", "--sslmode", "verify-full", "--description", "the warehouse"));
        ok(cli.run("conn", "add", "local_pg", "--uri", "postgres://app@localhost/app"));
        return cli;
    }

    /** What a saved connection is, field by field, password included (through the revealed Airflow JSON). */
    private static String state(Cli cli, String id) {
        return ok(cli.run("conn", "show", id, "--format", "json")).out().replaceAll("\"(created_at|updated_at)\" ?: ?\"[^\"]*\"", "")
                + ok(cli.run("conn", "uri", id, "--json", "--reveal")).out();
    }

    @Test
    void exportThenImportIntoAFreshHomeGivesTheSameConnectionsInEveryFormat() throws Exception {
        Cli source = withConnections(dir.resolve("source"));
        for (String name : new String[] {"conns.json", "conns.yaml", "conns.yml", "conns.env"}) {
            Path file = dir.resolve(name);
            // .env lines as Airflow's JSON: a URI (the default) has no description
            Cli.Result export = ok(source.run("conn", "export", "--output", file.toString(), "--reveal",
                    "--serialization-format", "json"));
            assertThat(export.out()).isEqualTo("exported 2 connections of tenant default to " + file + " (with passwords)\n");
            assertThat(export.err()).isEmpty();
            assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));

            Cli fresh = new Cli(dir.resolve("fresh-" + name));
            assertThat(ok(fresh.run("conn", "import", file.toString())).out()).contains("2 added");
            for (String id : new String[] {"warehouse", "local_pg"}) {
                assertThat(state(fresh, id)).as(name + " " + id).isEqualTo(state(source, id));
            }
        }
    }

    @Test
    void theFilesHaveAirflowsShapes() throws Exception {
        Cli cli = withConnections(dir.resolve("home"));
        JsonNode json = JSON.readTree(ok(cli.run("conn", "export", "warehouse", "--reveal")).out());
        assertThat(json.fieldNames()).toIterable().containsExactly("warehouse");
        JsonNode w = json.get("warehouse");
        assertThat(w.fieldNames()).toIterable().containsExactly("conn_type", "description", "login", "password", "host",
                "port", "schema", "extra");
        assertThat(w.get("port").asInt()).isEqualTo(6432);
        assertThat(w.get("schema").asText()).isEqualTo("dw");
        assertThat(w.get("password").asText()).isEqualTo(PASSWORD);
        assertThat(JSON.readTree(w.get("extra").asText()).get("sslmode").asText()).isEqualTo("verify-full");

        assertThat(ok(cli.run("conn", "export", "local_pg", "--format", "env")).out())
                .isEqualTo("local_pg=postgres://app@localhost/app\n");
        assertThat(ok(cli.run("conn", "export", "local_pg", "--format", "yaml")).out()).startsWith("local_pg:\n  conn_type: postgres\n");
    }

    @Test
    void withoutRevealPasswordsAreLeftOutWithANote() throws Exception {
        Cli cli = withConnections(dir.resolve("home"));
        Path file = dir.resolve("out.env");
        Cli.Result r = ok(cli.run("conn", "export", "--output", file.toString()));
        assertThat(r.err()).isEqualTo("note: a URI has no description: 1 description(s) left out; --serialization-format "
                + "json keeps them\nnote: passwords left out (1 of 2 connections have one); give --reveal to include them\n");
        String text = Files.readString(file);
        assertThat(text).contains("warehouse=postgres://etl@db.example.com:6432/dw?").doesNotContain("s3cret");
        assertThat(ok(cli.run("conn", "export", "--format", "json")).out()).doesNotContain("s3cret")
                .contains("\"password\": null");
        assertThat(cli.everythingWritten()).doesNotContain("s3cret");

        Cli.Result unknown = cli.run("conn", "export", "warehous");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).contains("hint: did you mean warehouse?");
        Cli.Result badName = cli.run("conn", "export", "--output", dir.resolve("x.csv").toString());
        assertThat(badName.exitCode()).isEqualTo(2);
        assertThat(badName.err()).startsWith("error: cannot tell the format of ").contains("give --format json|yaml|env");
    }
}
