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
        JsonNode warehouse = new ObjectMapper().readTree(cli.run("conn", "show", "warehouse", "--format", "json").out());
        assertThat(warehouse.get("database").asText()).as("an empty database beside the demo, a target for copies")
                .isEqualTo("warehouse");

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
                        + " (select max(length(body)) > 100000 from inventory.product_manuals),"
                        + " (select count(*) from \\\"Sales\\\".\\\"Orders\\\"),"
                        + " (select count(*) from staging.events),"
                        + " (select string_agg(a.attname, ',') from pg_index i join pg_attribute a on a.attrelid = i.indrelid"
                        + " and a.attnum = any(i.indkey) where i.indrelid = 'staging.events'::regclass and i.indisprimary)\"; "
                        + "status=$?; kill -TERM $pid; wait $pid; exit $status"), null);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        // the README's examples use "Sales"."Orders" and staging.events (load --upsert-key id)
        assertThat(r.out().strip()).isEqualTo("3 1 1 1 5 t 1000 100 id");
    }

    // bug: a second demo said "could not lock …/epg-lock (IllegalStateException) … this is a bug in pgbridge"
    @Test
    void aSecondDemoSaysWhereTheRunningOneIsAndResetStartsOver() throws Exception {
        Cli cli = new Cli(home);
        Path out = home.resolve("first.out");
        Path err = home.resolve("first.err");
        Process first = cli.start(out, err, "demo", "--port", "0");
        try {
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(120);
            while (!(Files.exists(out) && Files.readString(out).contains("saved as connection"))) {
                assertThat(first.isAlive()).as("the first demo ended early: " + Files.readString(err)).isTrue();
                assertThat(System.nanoTime()).as("the first demo is not ready").isLessThan(deadline);
                Thread.sleep(200);
            }
            Cli.Result second = cli.run("demo", "--port", "0", "--exit-when-ready");
            assertThat(second.exitCode()).as(second.toString()).isEqualTo(1);
            assertThat(second.err()).matches("(?s)error: the demo is already running on 127\\.0\\.0\\.1:\\d+ \\(pgbridge pid "
                    + first.pid() + ", PostgreSQL pid \\d+, data in .*\\)\nhint: use it as it is \\(connection 'demo'\\); "
                    + "to stop it, press Ctrl-C where it runs or run 'kill " + first.pid() + "'\n");
            Cli.Result reset = cli.run("demo", "--reset", "--port", "0", "--exit-when-ready");
            assertThat(reset.exitCode()).as(reset.toString()).isEqualTo(1);
            assertThat(reset.err()).startsWith("error: the demo is already running");
        }
        finally {
            first.destroy();
            assertThat(first.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        }
        assertThat(Files.exists(home.resolve("demo/demo.pid"))).isFalse();
        Files.writeString(home.resolve("demo/pgdata/leftover"), "from the first run");

        Cli.Result reset = cli.run("demo", "--reset", "--port", "0", "--exit-when-ready");
        assertThat(reset.exitCode()).as(reset.toString()).isZero();
        assertThat(reset.out()).startsWith("Deleted the demo's data directory " + home.resolve("demo") + "\n"
                + "Deleted connection 'demo'\nDeleted connection 'warehouse'\nCreating the demo PostgreSQL");
        assertThat(Files.exists(home.resolve("demo/pgdata/leftover"))).isFalse();
        assertThat(cli.run("conn", "show", "demo").exitCode()).isZero();
    }
}
