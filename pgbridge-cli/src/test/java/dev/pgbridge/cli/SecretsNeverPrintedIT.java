package dev.pgbridge.cli;

import dev.pgbridge.testing.SecretForms;
import dev.pgbridge.testing.TestRole;
import dev.pgbridge.testing.TestingPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs every command of the connections issue with the special password and scans every byte pgbridge wrote
 * (stdout, stderr, the log file) for any form of it. Only the outputs explicitly asked for with --reveal may carry it.
 */
@Timeout(600)
class SecretsNeverPrintedIT {
    private static final String PASSWORD = SpecialPasswordChainIT.PASSWORD;
    private final TestingPostgres server = TestingPostgres.get();

    @TempDir
    Path home;

    @Test
    void noCommandPrintsOrLogsThePasswordInAnyForm() throws Exception {
        try (TestRole role = server.createRole(TestingPostgres.uniqueName("pgb_scan"), PASSWORD, "REPLICATION")) {
            Cli cli = new Cli(home).env("PGBRIDGE_LOG_LEVEL", "DEBUG");
            String uri = "postgresql://" + role.name() + ":" + URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8).replace("+", "%20")
                    + "@" + server.host() + ":" + server.port() + "/postgres?sslmode=disable";
            String wrongUri = uri.replace("%F0%9F%94%91", "x");
            cli.env("GOOD_URI", uri).env("WRONG_URI", wrongUri).env("PW", PASSWORD);
            List<Cli.Result> ok = new ArrayList<>();
            ok.add(cli.run("conn", "add", "scan", "--uri-env", "GOOD_URI"));
            ok.add(cli.run("conn", "add", "scan_fields", "--host", server.host(), "--port", String.valueOf(server.port()),
                    "--database", "postgres", "--login", role.name(), "--password-env", "PW", "--sslmode", "disable"));
            ok.add(cli.run("conn", "list"));
            ok.add(cli.run("conn", "list", "--format", "json"));
            ok.add(cli.run("conn", "list", "--format", "csv"));
            ok.add(cli.run("conn", "show", "scan"));
            ok.add(cli.run("conn", "show", "scan", "--format", "json"));
            ok.add(cli.run("conn", "edit", "scan", "--description", "scanned"));
            ok.add(cli.run("conn", "test", "scan"));
            ok.add(cli.run("conn", "test", "--url-env", "GOOD_URI"));
            ok.add(cli.run("conn", "parse", "--dialect", "libpq", uri.replace("postgresql://", "postgres://")));
            ok.add(cli.run("conn", "parse", uri, "--format", "json"));
            ok.add(cli.run("conn", "uri", "scan"));
            ok.add(cli.run("conn", "uri", "scan", "--dialect", "airflow"));
            ok.add(cli.run("conn", "uri", "scan", "--json"));
            ok.add(cli.run("conn", "env", "scan"));
            ok.add(cli.run("conn", "env", "scan", "--json"));
            ok.add(cli.run("doctor", "scan", "--for", "read,write,cdc,usage"));
            ok.add(cli.run("run", "--conn", "scan,scan_fields", "--", "sh", "-c",
                    "psql \"$AIRFLOW_CONN_SCAN\" --no-psqlrc -tA -c 'select 1' >/dev/null && echo task-ok"));
            Path export = home.resolve("export.json");
            Files.writeString(export, "{\"imported\": {\"conn_type\": \"postgres\", \"host\": \"h\", \"login\": \"u\", \"password\": "
                    + new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(PASSWORD) + "}}");
            ok.add(cli.run("conn", "import", export.toString()));
            ok.add(cli.run("store", "rotate-key"));
            ok.add(cli.run("conn", "delete", "scan_fields"));
            for (Cli.Result r : ok) {
                assertThat(r.exitCode()).as(r.toString()).isIn(0, 1);
            }
            assertThat(ok.get(8).exitCode()).as(ok.get(8).toString()).isZero();
            assertThat(ok.get(18).out()).contains("task-ok");

            // failures: wrong password, bad URIs
            Cli.Result wrong = cli.run("conn", "test", "--url-env", "WRONG_URI");
            assertThat(wrong.exitCode()).isEqualTo(1);
            assertThat(wrong.out() + wrong.err()).contains("password authentication failed for user \"" + role.name() + "\"");
            // a connection saved without a password: the authentication failure is explained in those terms
            Cli.Result saved = cli.run("conn", "add", "nopw", "--host", server.host(), "--port", String.valueOf(server.port()),
                    "--database", "postgres", "--login", role.name(), "--sslmode", "disable");
            assertThat(saved.exitCode()).as(saved.toString()).isZero();
            Cli.Result noPassword = cli.run("conn", "test", "nopw");
            assertThat(noPassword.exitCode()).as(noPassword.toString()).isEqualTo(1);
            assertThat(noPassword.err()).contains("error: authentication failed: ").contains("\nhint: this connection has "
                    + "no password saved; add one with 'pgbridge conn edit nopw --prompt-password' (or --password-stdin, "
                    + "--password-env VAR)\n");
            cli.env("BROKEN", "postgresql://" + role.name() + ":" + PASSWORD + "@" + server.host() + ":" + server.port() + "/postgres");
            Cli.Result broken = cli.run("conn", "add", "broken", "--uri-env", "BROKEN");
            assertThat(broken.exitCode()).isEqualTo(2); // refused as bad input before it is saved
            Files.deleteIfExists(export);

            String written = cli.everythingWritten();
            for (String form : forms(PASSWORD)) {
                assertThat(written).as("output contains a form of the password: " + form).doesNotContain(form);
            }
        }
    }

    /** The password and the shapes it takes in URIs, forms, JSON and base64 (the one list: {@link SecretForms}). */
    static List<String> forms(String password) {
        return SecretForms.of(password);
    }
}
