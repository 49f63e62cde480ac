package dev.pgbridge.cli;

import dev.pgbridge.testing.TestDatabase;
import dev.pgbridge.testing.TestingPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Ctrl-C and SIGTERM to the process group of {@code producer | pgbridge load} and of {@code pgbridge copy}, in the
 * middle of the COPY: the launcher runs as a user runs it, in a process group of its own, and the signal goes to the
 * whole group as a terminal sends it.
 */
@Timeout(300)
class LoadInterruptIT {
    private static final String PASSWORD = "interrupt pw/é:@?&";
    private static final String MESSAGE = "interrupted: rolled back, nothing loaded";
    @RegisterExtension
    static final LoadDatabases dbs = new LoadDatabases("pgb_intr", PASSWORD);

    @TempDir
    Path home;

    /** A target table with two rows the interrupted load (with --truncate) must leave as they are. */
    private static String targetTable(String prefix) {
        String table = TestingPostgres.uniqueName(prefix);
        dbs.asRole(dbs.target(), "CREATE TABLE " + table
                + " (id bigint PRIMARY KEY, note text); INSERT INTO " + table + " VALUES (-1, 'kept'), (-2, NULL)");
        return table;
    }

    private static String content(String table) throws Exception {
        return dbs.query(dbs.target(), "SELECT string_agg(t::text, '|' ORDER BY t::text) FROM " + table + " t");
    }

    /** Waits until a COPY into the target database runs, then a little longer, so chunks were sent. */
    private static void awaitCopyInto(Process p, Path err) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            try (Connection c = dbs.server().connect(dbs.target().name()); PreparedStatement ps = c.prepareStatement(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = ? AND state = 'active' AND query LIKE 'COPY %'")) {
                ps.setString(1, dbs.target().name());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getInt(1) > 0) {
                        break;
                    }
                }
            }
            assertThat(p.isAlive()).as("the command ended before its COPY was seen: %s", Files.readString(err)).isTrue();
            assertThat(System.nanoTime()).as("the COPY did not start").isLessThan(deadline);
            Thread.sleep(50);
        }
        Thread.sleep(1500);
    }

    /** Within 10 s (the server notices a closed connection a moment later), no other backend of {@code db} is so. */
    private static void assertEventuallyNone(TestDatabase db, String condition, String what) throws Exception {
        String sql = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND "
                + condition;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!dbs.query(db, sql).equals("0")) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    /** The process group of a process started through setsid: the process itself leads it. */
    private static long processGroup(Process p) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + p.pid() + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[2]);
    }

    /** {@code kill -SIG -- -PGID}: the signal to every process of the group at once, as a terminal sends Ctrl-C. */
    private static void signalGroup(Process p, String signal) throws Exception {
        long group = processGroup(p);
        assertThat(group).as("the command leads its own process group").isEqualTo(p.pid());
        Process kill = new ProcessBuilder("kill", "-" + signal, "--", "-" + group).inheritIO().start();
        assertThat(kill.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
    }

    /**
     * Waits until {@code p} copies into the target, sends the signal to its process group and waits for it to end;
     * returns its exit code.
     */
    private static int interrupt(Process p, Path err, String signal) throws Exception {
        try {
            awaitCopyInto(p, err);
            signalGroup(p, signal);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the command ends after SIG%s", signal).isTrue();
            return p.exitValue();
        }
        finally {
            p.destroyForcibly();
        }
    }

    /**
     * The interrupted command said {@value #MESSAGE} and no error, printed no result ({@code resultWord}), and left
     * {@code table} as it was.
     */
    private static void assertRolledBack(String stderr, Path out, String resultWord, String table, String before,
                                         String signal) throws Exception {
        assertThat(stderr.lines().toList()).as(stderr).contains(MESSAGE);
        assertThat(stderr).doesNotContain("error:");
        assertThat(Files.readString(out)).doesNotContain(resultWord);
        assertThat(content(table)).as("the table after SIG%s", signal).isEqualTo(before);
    }

    /**
     * {@code { echo id,note; seq … | sed -u …; } | pgbridge load --file - --truncate} in a process group of its own,
     * the signal to the group mid-load; returns the loader's exit code (bash records it: its trap only waits).
     */
    private void interruptPipedLoad(String signal, int expectedExit) throws Exception {
        String table = targetTable("piped");
        String before = content(table);
        Path out = home.resolve("out-" + signal);
        Path err = home.resolve("err-" + signal);
        Path status = home.resolve("status-" + signal);
        Cli cli = new Cli(home).env("TARGET_URL", dbs.url(dbs.target())).env("LAUNCHER_PATH", Cli.LAUNCHER.toString())
                .env("STATUS_FILE", status.toString());
        String script = "trap ':' INT TERM; "
                // sed -u writes whole lines, so a producer killed anywhere leaves no half record (which would fail the
                // load for being malformed, hiding the real question: whether a clean-looking end of input commits)
                + "{ echo id,note; seq 1 200000000 | sed -u 's/$/,produced/'; } "
                + "| \"$LAUNCHER_PATH\" load --url-env TARGET_URL --table " + table + " --format csv --file - "
                + "--chunk-rows 20000 --truncate; "
                + "echo \"${PIPESTATUS[1]}\" > \"$STATUS_FILE\"";
        interrupt(cli.startCommand(List.of("setsid", "bash", "-c", script), out, err), err, signal);
        String stderr = Files.readString(err);
        assertThat(Files.readString(status).strip()).as("the loader's exit code; stderr: %s", stderr)
                .isEqualTo(String.valueOf(expectedExit));
        assertRolledBack(stderr, out, "loaded", table, before, signal);
        assertEventuallyNone(dbs.target(), "state LIKE 'idle in transaction%'", "a transaction left open");
    }

    // bug: Ctrl-C on `producer | pgbridge load --file -` committed half the input (the producer died, the loader saw
    // the end of its input and committed; it printed nothing and exited 130)
    @Test
    void ctrlCOnAPipedLoadRollsBackAndSaysSo() throws Exception {
        interruptPipedLoad("INT", 130);
    }

    @Test
    void sigtermOnAPipedLoadRollsBackAndSaysSo() throws Exception {
        interruptPipedLoad("TERM", 143);
    }

    /** {@code pgbridge copy} of an endless query into a table with rows, the signal to its process group mid-copy. */
    private void interruptCopy(String signal, int expectedExit) throws Exception {
        String table = targetTable("copied");
        String before = content(table);
        Path out = home.resolve("copy-out-" + signal);
        Path err = home.resolve("copy-err-" + signal);
        Cli cli = new Cli(home).env("SRC_URL", dbs.url(dbs.source())).env("DST_URL", dbs.url(dbs.target()));
        Process p = cli.startCommand(List.of("setsid", Cli.LAUNCHER.toString(), "copy", "--from-env", "SRC_URL",
                "-c", "SELECT id, 'copied ' || id AS note FROM (SELECT generate_series(1, 2000000000)::bigint AS id) AS s",
                "--to-env", "DST_URL", "--target-table", table, "--truncate"), out, err);
        int exit = interrupt(p, err, signal);
        String stderr = Files.readString(err);
        assertThat(exit).as(stderr).isEqualTo(expectedExit);
        assertRolledBack(stderr, out, "copied", table, before, signal);
        assertEventuallyNone(dbs.source(), "state = 'active'", "the source query still running");
    }

    @Test
    void ctrlCOnACopyRollsBackTheTargetAndSaysSo() throws Exception {
        interruptCopy("INT", 130);
    }

    @Test
    void sigtermOnACopyRollsBackTheTargetAndSaysSo() throws Exception {
        interruptCopy("TERM", 143);
    }
}
