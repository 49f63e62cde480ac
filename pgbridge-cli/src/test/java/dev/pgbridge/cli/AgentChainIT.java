package dev.pgbridge.cli;

import dev.pgbridge.connection.AirflowJson;
import dev.pgbridge.testing.TestRole;
import dev.pgbridge.testing.TestingPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The agent chain of custody, all as processes: {@code pgbridge server} (TLS, self-signed CA) → {@code pgbridge run
 * --server … --cacert …} on another home → AIRFLOW_CONN_X → real psql logs in with the special password intact; a
 * second tenant's agent token does not get the connection; and across the whole session (server log and output, every
 * CLI output and log) no form of the password appears.
 */
@Timeout(300)
class AgentChainIT {
    static final String PASSWORD = SpecialPasswordChainIT.PASSWORD;
    private static final Pattern LISTENING = Pattern.compile("listening on (https://[^ ]+)");
    private final TestingPostgres pg = TestingPostgres.get();

    @TempDir
    Path serverHome;

    @TempDir
    Path agentHome;

    @TempDir
    Path work;

    @Test
    void serverRunPsqlChainKeepsThePasswordAndTenantsApart() throws Exception {
        try (TestRole role = pg.createRole(TestingPostgres.uniqueName("pgb_agent"), PASSWORD)) {
            Cli admin = new Cli(serverHome);
            Cli.Result add = admin.runWithInput(PASSWORD, "conn", "add", "pg_x", "--tenant", "team_a", "--host", pg.host(),
                    "--port", String.valueOf(pg.port()), "--database", "postgres", "--login", role.name(),
                    "--sslmode", "disable", "--password-stdin");
            assertThat(add.exitCode()).as(add.toString()).isZero();
            String tokenA = token(admin, "team_a");
            String tokenB = token(admin, "team_b");

            Path serverOut = work.resolve("server.out");
            Path serverErr = work.resolve("server.err");
            Process server = admin.start(serverOut, serverErr, "server", "--port", "0");
            Cli agentA = new Cli(agentHome).env("PGBRIDGE_TOKEN", tokenA);
            Cli agentB = new Cli(agentHome).env("PGBRIDGE_TOKEN", tokenB);
            String url;
            List<Cli.Result> handedOver = new ArrayList<>();
            try {
                url = awaitUrl(server, serverOut, serverErr);
                String ca = serverHome.resolve("tls").resolve("ca.pem").toString();

                // the task: real psql with the variable as its connection string; the agent token is not passed on
                Cli.Result psql = agentA.run("run", "--server", url, "--cacert", ca, "--conn", "pg_x", "--", "sh", "-c",
                        "psql \"$AIRFLOW_CONN_PG_X\" --no-psqlrc -tA -c 'select current_user' && test -z \"$PGBRIDGE_TOKEN\"");
                assertThat(psql.exitCode()).as(psql.toString()).isZero();
                assertThat(psql.out().strip()).isEqualTo(role.name());
                assertThat(psql.err()).contains("AIRFLOW_CONN_PG_X").contains("(from server " + url + ")");

                // the JSON form through the same server carries the same password, byte for byte
                Path tokenFile = work.resolve("token");
                Files.writeString(tokenFile, tokenA + "\n");
                Cli.Result json = new Cli(agentHome).run("run", "--server", url, "--cacert", ca, "--token-file",
                        tokenFile.toString(), "--conn", "pg_x", "--json", "--", "sh", "-c", "printf %s \"$AIRFLOW_CONN_PG_X\"");
                assertThat(json.exitCode()).as(json.toString()).isZero();
                assertThat(AirflowJson.parse(json.out()).password().reveal()).isEqualTo(PASSWORD);
                handedOver.add(json);

                // another tenant's agent token: not found in its own tenant, and the task never starts
                Cli.Result other = agentB.run("run", "--server", url, "--cacert", ca, "--conn", "pg_x", "--", "sh", "-c",
                        "echo task-ran");
                assertThat(other.exitCode()).as(other.toString()).isEqualTo(1);
                assertThat(other.out()).doesNotContain("task-ran");
                assertThat(other.err()).contains("error: no connection 'pg_x' in tenant 'team_b' (the token's tenant)")
                        .contains("hint: ");

                // without the server's CA the certificate does not verify: the hint names --cacert and the fingerprint
                Cli.Result noCa = agentA.run("run", "--server", url, "--conn", "pg_x", "--", "true");
                assertThat(noCa.exitCode()).as(noCa.toString()).isEqualTo(1);
                assertThat(noCa.err()).contains("does not verify")
                        .contains("hint: pass the server's CA with --cacert PGBRIDGE_HOME/tls/ca.pem");

                // no token at all is a usage error (exit 2); a token on the command line is warned about
                Cli.Result noToken = new Cli(agentHome).run("run", "--server", url, "--cacert", ca, "--conn", "pg_x", "--", "true");
                assertThat(noToken.exitCode()).as(noToken.toString()).isEqualTo(2);
                assertThat(noToken.err()).contains("no token for --server").contains("PGBRIDGE_TOKEN");
                Cli.Result withTenant = agentA.run("run", "--server", url, "--cacert", ca, "--tenant", "team_b",
                        "--conn", "pg_x", "--", "true");
                assertThat(withTenant.exitCode()).as(withTenant.toString()).isEqualTo(2);
                assertThat(withTenant.err()).contains("--tenant does not go with --server");
                Cli.Result onCommandLine = new Cli(agentHome).run("run", "--server", url, "--cacert", ca, "--token", tokenA,
                        "--conn", "pg_x", "--", "true");
                assertThat(onCommandLine.exitCode()).as(onCommandLine.toString()).isZero();
                assertThat(onCommandLine.err()).contains("visible to other users (ps)");
                assertThat(onCommandLine.err()).doesNotContain(tokenA);
            }
            finally {
                server.destroy();
                assertThat(server.waitFor(60, TimeUnit.SECONDS)).isTrue();
            }

            // every delivery is in the audit log: the server's log file carries the audit lines
            String serverLogs = Files.readString(serverOut) + Files.readString(serverErr) + allFiles(serverHome.resolve("logs"));
            assertThat(serverLogs).contains("secret.read").contains("conn_id=pg_x");

            // the log scan: no form of the password in anything the session wrote (the JSON handed to printf aside)
            StringBuilder everything = new StringBuilder(serverLogs)
                    .append(admin.everythingWritten()).append(agentA.everythingWritten()).append(agentB.everythingWritten())
                    .append(allFiles(agentHome));
            String written = everything.toString();
            for (Cli.Result r : handedOver) {
                written = written.replace(r.out(), "");
            }
            for (String form : forms(PASSWORD)) {
                assertThat(written).as("a form of the password: " + form).doesNotContain(form);
            }
            // nor the agent tokens, outside the admin's token create that printed them once
            String agentSide = serverLogs + agentA.everythingWritten() + agentB.everythingWritten() + allFiles(agentHome);
            assertThat(agentSide).doesNotContain(tokenA).doesNotContain(tokenB);
        }
    }

    private static String token(Cli admin, String tenant) {
        Cli.Result r = admin.run("server", "token", "create", "--tenant", tenant, "--role", "agent");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return r.out().strip();
    }

    private static String awaitUrl(Process server, Path out, Path err) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            Matcher m = LISTENING.matcher(Files.readString(out));
            if (m.find()) {
                return m.group(1);
            }
            if (!server.isAlive()) {
                throw new AssertionError("the server stopped: " + Files.readString(out) + Files.readString(err));
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the server did not start: " + Files.readString(out) + Files.readString(err));
    }

    /** The password as text, percent-encoded (both cases, %20 and +), and JSON-escaped (\\u form, escaped slash). */
    static List<String> forms(String password) {
        List<String> forms = new ArrayList<>();
        forms.add(password);
        String percent = URLEncoder.encode(password, StandardCharsets.UTF_8);
        forms.add(percent);
        forms.add(percent.replace("+", "%20"));
        forms.add(percent.toLowerCase(Locale.ROOT));
        StringBuilder ascii = new StringBuilder();
        for (char c : password.toCharArray()) {
            ascii.append(c < 0x80 ? String.valueOf(c) : String.format(Locale.ROOT, "\\u%04x", (int) c));
        }
        forms.add(ascii.toString());
        forms.add(ascii.toString().toUpperCase(Locale.ROOT).replace("\\U", "\\u"));
        forms.add(password.replace("/", "\\/"));
        forms.add("p@ss:w/rd"); // the ASCII head alone: no partly encoded form slips through
        forms.add("p%40ss%3Aw%2Frd");
        forms.add("p%40ss%3aw%2frd");
        return forms;
    }

    private static String allFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                sb.append(new String(Files.readAllBytes(f), StandardCharsets.UTF_8)).append('\n');
            }
        }
        return sb.toString();
    }
}
