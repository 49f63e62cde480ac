package dev.pgbridge.cli;

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
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

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

    /** The password and the shapes it takes in URIs, forms, JSON and base64. */
    static List<String> forms(String password) {
        List<String> forms = new ArrayList<>();
        byte[] utf8 = password.getBytes(StandardCharsets.UTF_8);
        forms.add(password);
        String upper = percentEncode(utf8, false);
        forms.add(upper);
        forms.add(percentEncode(utf8, true));
        forms.add(URLEncoder.encode(password, StandardCharsets.UTF_8));
        forms.add(Base64.getEncoder().encodeToString(utf8));
        forms.add(HexFormat.of().formatHex(utf8));
        // distinctive fragments, so a partly masked or split value is caught too
        forms.add("p@ss:w/rd");
        forms.add("p%40ss");
        forms.add("p%40ss");
        forms.add("é日本");
        forms.add("\\u00e9\\u65e5");
        return forms;
    }

    private static String percentEncode(byte[] bytes, boolean lower) {
        StringBuilder sb = new StringBuilder();
        for (byte b : bytes) {
            int c = b & 0xff;
            if (Character.isLetterOrDigit(c) && c < 128 || c == '-' || c == '.' || c == '_' || c == '~') {
                sb.append((char) c);
            }
            else {
                String hex = String.format(Locale.ROOT, "%%%02X", c);
                sb.append(lower ? hex.toLowerCase(Locale.ROOT) : hex);
            }
        }
        return sb.toString();
    }
}
