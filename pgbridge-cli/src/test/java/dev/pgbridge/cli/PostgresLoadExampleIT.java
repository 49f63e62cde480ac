package dev.pgbridge.cli;

import dev.pgbridge.testing.TestDatabase;
import dev.pgbridge.testing.TestRole;
import dev.pgbridge.testing.TestingPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

/** examples/postgres_load, as its README walks through it. */
@Timeout(300)
class PostgresLoadExampleIT {
    private final TestingPostgres server = TestingPostgres.get();

    @TempDir
    Path home;

    @Test
    void theExampleTaskWritesTwentyRows() throws Exception {
        String password = "l0ad&er pw/é";
        try (TestRole role = server.createRole(TestingPostgres.uniqueName("pgb_loader"), password);
             TestDatabase db = server.createDatabase(TestingPostgres.uniqueName("pgb_shop"), role.name())) {
            Cli cli = new Cli(home);
            Cli.Result add = cli.runWithInput(password + "\n", "conn", "add", "pg_target", "--host", server.host(),
                    "--port", String.valueOf(server.port()), "--database", db.name(), "--login", role.name(),
                    "--password-stdin");
            assertThat(add.exitCode()).as(add.toString()).isZero();

            String script = Cli.REPO.resolve("examples/postgres_load/load.sh").toString();
            Cli.Result run = cli.run("run", "--conn", "pg_target", "--", script, "it-batch");
            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.out()).contains("loaded 20 rows");

            try (Connection c = server.connect(db.name()); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*) FROM public.load_demo WHERE batch = 'it-batch'")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(20);
            }
            assertThat(cli.everythingWritten()).doesNotContain(password);
        }
    }
}
