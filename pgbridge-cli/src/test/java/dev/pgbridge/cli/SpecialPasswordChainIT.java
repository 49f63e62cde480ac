package dev.pgbridge.cli;

import dev.pgbridge.connection.AirflowJson;
import dev.pgbridge.connection.AirflowUri;
import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.connection.JdbcTarget;
import dev.pgbridge.testing.TestRole;
import dev.pgbridge.testing.TestingPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The password survives every hop byte for byte: store → {@code pgbridge run} → AIRFLOW_CONN_X → real psql (libpq),
 * under scram authentication, in both the URI and the JSON form; and nothing prints it.
 */
@Timeout(300)
class SpecialPasswordChainIT {
    static final String PASSWORD = "p@ss:w/rd?#%&=+ é日本🔑";
    private final TestingPostgres server = TestingPostgres.get();

    @TempDir
    Path home;

    @Test
    void storeRunPsqlChainKeepsThePassword() throws Exception {
        try (TestRole role = server.createRole(TestingPostgres.uniqueName("pgb_chain"), PASSWORD)) {
            Cli cli = new Cli(home);
            Cli.Result add = cli.runWithInput(PASSWORD, "conn", "add", "pg_x", "--host", server.host(),
                    "--port", String.valueOf(server.port()), "--database", "postgres", "--login", role.name(),
                    "--sslmode", "disable", "--password-stdin");
            assertThat(add.exitCode()).as(add.toString()).isZero();

            Cli.Result test = cli.run("conn", "test", "pg_x");
            assertThat(test.exitCode()).as(test.toString()).isZero();

            Cli.Result psql = cli.run("run", "--conn", "pg_x", "--", "sh", "-c",
                    "psql \"$AIRFLOW_CONN_PG_X\" --no-psqlrc -tA -c 'select current_user'");
            assertThat(psql.exitCode()).as(psql.toString()).isZero();
            assertThat(psql.out().strip()).isEqualTo(role.name());
            assertThat(psql.err()).contains("AIRFLOW_CONN_PG_X").contains(role.name());

            // the env form, evaluated by a shell, is the same URI
            Cli.Result env = cli.run("conn", "env", "pg_x", "--reveal");
            assertThat(env.exitCode()).isZero();
            Cli.Result viaEval = cli.exec(List.of("sh", "-c",
                    "eval \"export $(cat)\"; psql \"$AIRFLOW_CONN_PG_X\" --no-psqlrc -tA -c 'select 40 + 2'"), env.out());
            assertThat(viaEval.out().strip()).as(viaEval.toString()).isEqualTo("42");

            // the JSON form carries the same password (a task reading it would use Airflow's Connection.from_json)
            Cli.Result json = cli.run("run", "--conn", "pg_x", "--json", "--", "sh", "-c", "printf %s \"$AIRFLOW_CONN_PG_X\"");
            assertThat(json.exitCode()).as(json.toString()).isZero();
            assertThat(json.out()).startsWith("{").contains("\"login\"");

            // a JVM task converts the same variable with pgbridge's own conversion and logs in through pgjdbc
            Cli.Result taskUri = cli.run("run", "--conn", "pg_x", "--", "sh", "-c", "printf %s \"$AIRFLOW_CONN_PG_X\"");
            for (String handedOver : List.of(taskUri.out(), json.out())) {
                ConnectionConfig parsed = handedOver.startsWith("{") ? AirflowJson.parse(handedOver) : AirflowUri.parse(handedOver);
                assertThat(parsed.password().reveal()).isEqualTo(PASSWORD);
                JdbcTarget target = JdbcTarget.of(parsed);
                assertThat(target.url()).startsWith("jdbc:postgresql://").doesNotContain("rd");
                try (Connection c = DriverManager.getConnection(target.url(), target.properties());
                     Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select current_user")) {
                    rs.next();
                    assertThat(rs.getString(1)).isEqualTo(role.name());
                }
            }

            // pgbridge itself connects with that password from the environment form as well (URI and JSON)
            Cli.Result fromEnv = cli.env("AIRFLOW_CONN_FROM_ENV", stripQuotes(env.out()))
                    .run("conn", "test", "from_env");
            assertThat(fromEnv.exitCode()).as(fromEnv.toString()).isZero();
            Cli.Result fromJson = cli.env("AIRFLOW_CONN_FROM_JSON", json.out()).run("conn", "test", "from_json");
            assertThat(fromJson.exitCode()).as(fromJson.toString()).isZero();

            String written = cli.everythingWritten().replace(json.out(), "").replace(taskUri.out(), "");
            assertThat(written).doesNotContain(PASSWORD);
            assertThat(written).doesNotContain("p%40ss%3Aw%2Frd");
            assertThat(written).doesNotContain("p%40ss%3aw%2frd");
        }
    }

    @Test
    void exitCodesAreForwarded() {
        Cli cli = new Cli(home);
        assertThat(cli.runWithInput("", "conn", "add", "some", "--host", "h", "--password-stdin").exitCode()).isZero();
        assertThat(cli.run("run", "--conn", "some", "--", "sh", "-c", "exit 7").exitCode()).isEqualTo(7);
        assertThat(cli.run("run", "--conn", "some", "--", "sh", "-c", "kill -TERM $$").exitCode()).isEqualTo(128 + 15);
        Cli.Result missing = cli.run("run", "--conn", "nope", "--", "true");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("no connection 'nope'").contains("hint:");
    }

    @Test
    void signalsReachTheTask() throws Exception {
        Cli cli = new Cli(home);
        assertThat(cli.runWithInput("", "conn", "add", "sig", "--host", "h", "--password-stdin").exitCode()).isZero();
        Path marker = home.resolve("ready");
        ProcessBuilder pb = new ProcessBuilder(Cli.LAUNCHER.toString(), "run", "--conn", "sig", "--", "sh", "-c",
                "trap 'echo got-term; exit 3' TERM; touch " + marker + "; while true; do sleep 0.1; done");
        pb.environment().put("PGBRIDGE_HOME", home.toString());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Path output = home.resolve("run.out");
        pb.redirectErrorStream(true).redirectOutput(output.toFile());
        Process p = pb.start();
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        while (!java.nio.file.Files.exists(marker) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(marker).exists();
        p.destroy(); // SIGTERM to pgbridge, which passes it on
        assertThat(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        String out = java.nio.file.Files.readString(output);
        assertThat(out).contains("got-term");
        assertThat(p.exitValue()).isEqualTo(3);
    }

    private static String stripQuotes(String envLine) {
        String value = envLine.strip().substring(envLine.indexOf('=') + 1);
        return value.substring(1, value.length() - 1).replace("'\\''", "'");
    }
}
