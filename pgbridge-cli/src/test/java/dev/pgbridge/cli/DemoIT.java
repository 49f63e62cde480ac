package dev.pgbridge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code pgbridge demo}: a real embedded PostgreSQL with sample data, saved as connection 'demo', kept between runs. */
@Timeout(300)
class DemoIT {
    @TempDir
    Path home;

    @Test
    void demoCreatesTheSampleDatabaseAndKeepsItBetweenRuns() throws Exception {
        Cli cli = new Cli(home);
        Cli.Result first = cli.run("demo", "--port", "0", "--exit-when-ready");
        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(first.out()).contains("Creating").contains("saved as connection 'demo'").contains("pgbridge conn test demo");
        assertThat(Files.exists(home.resolve("demo/pgdata/PG_VERSION"))).isTrue();

        JsonNode show = new ObjectMapper().readTree(cli.run("conn", "show", "demo", "--format", "json").out());
        assertThat(show.get("database").asText()).isEqualTo("demo");
        assertThat(show.get("password").asText()).isEqualTo("set");

        Cli.Result second = cli.run("demo", "--port", "0", "--exit-when-ready");
        assertThat(second.exitCode()).as(second.toString()).isZero();
        assertThat(second.out()).contains("Starting");
    }

    @Test
    void theSampleHasWhatTheTourPromises() {
        Cli cli = new Cli(home);
        // keep the demo running in the background for the duration of this test
        Cli.Result r = cli.exec(List.of("sh", "-c",
                "cd \"$PGBRIDGE_HOME\"; " + Cli.LAUNCHER + " demo --port 0 > demo.out 2>&1 & pid=$!; "
                        + "for i in $(seq 1 120); do grep -q 'saved as connection' demo.out && break; sleep 1; done; "
                        + "export AIRFLOW_CONN_DEMO=\"$(" + Cli.LAUNCHER + " conn uri demo --reveal)\"; "
                        + "psql \"$AIRFLOW_CONN_DEMO\" --no-psqlrc -tA -F ' ' -c \""
                        + "select (select count(*) from pg_namespace where nspname in ('sales','inventory','analytics')),"
                        + " (select count(*) from pg_partitioned_table),"
                        + " (select count(*) from pg_matviews),"
                        + " (select count(*) from information_schema.views where table_schema = 'sales'),"
                        + " (select count(*) from pg_constraint where contype = 'f' and conparentid = 0),"
                        + " (select max(length(body)) > 100000 from inventory.product_manuals)\"; "
                        + "status=$?; kill -TERM $pid; wait $pid; exit $status"), null);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out().strip()).isEqualTo("3 1 1 1 5 t");
    }
}
