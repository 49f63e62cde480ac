package dev.pgbridge.copy;

import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.testing.TestTable;
import dev.pgbridge.testing.TestingPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A load that does not end cleanly (an Error, an interruption) commits nothing and leaves its connection usable. */
@Timeout(120)
class LoadInterruptIT {
    @RegisterExtension
    static final LoadFixture db = new LoadFixture("load_interrupt");

    private static TestTable orders() {
        TestTable t = db.table("orders", "(id int PRIMARY KEY, note text)");
        db.execute("INSERT INTO " + t.name() + " VALUES (-1, 'kept'), (-2, NULL)");
        return t;
    }

    /**
     * CSV rows {@code id,note} (ids from 1) made as they are read, like a producer: at the end of the line that
     * reaches {@code failAfter} bytes it throws what {@code failure} gives (null: it ends cleanly there); with {@code hold}, it waits there until
     * the latch opens, then ends.
     */
    private static final class Producer extends InputStream {
        private final long failAfter;
        private final Supplier<Throwable> failure;
        private final CountDownLatch hold;
        private final CountDownLatch reachedEnd = new CountDownLatch(1);
        private byte[] pending = "id,note\n".getBytes(StandardCharsets.US_ASCII);
        private int at;
        private long sent;
        private long id;

        Producer(long failAfter, Supplier<Throwable> failure, CountDownLatch hold) {
            this.failAfter = failAfter;
            this.failure = failure;
            this.hold = hold;
        }

        @Override
        public int read() {
            throw new UnsupportedOperationException();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (sent >= failAfter && at == pending.length) {
                reachedEnd.countDown();
                if (hold != null) {
                    try {
                        hold.await();
                    }
                    catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException(e);
                    }
                }
                Throwable t = failure == null ? null : failure.get();
                if (t instanceof Error e) {
                    throw e;
                }
                if (t instanceof RuntimeException e) {
                    throw e;
                }
                return -1;
            }
            if (at == pending.length) {
                id++;
                pending = (id + ",note " + id + "\n").getBytes(StandardCharsets.US_ASCII);
                at = 0;
            }
            int n = Math.min(len, pending.length - at);
            System.arraycopy(pending, at, b, off, n);
            at += n;
            sent += n;
            return n;
        }
    }

    private static int backendPid(Connection c) throws Exception {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static String state(int pid) throws Exception {
        try (Connection c = db.connect();
             PreparedStatement ps = c.prepareStatement("SELECT state || ':' || query FROM pg_stat_activity WHERE pid = ?")) {
            ps.setInt(1, pid);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : "";
            }
        }
    }

    /** Waits until the backend {@code pid} is in a state that starts with {@code prefix} ({@code state:query}). */
    private static void awaitState(int pid, String prefix) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String state;
        while (!(state = state(pid)).startsWith(prefix)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for the load's backend to be in \"" + prefix + "…\"; it is in \""
                        + state + "\"");
            }
            Thread.sleep(20);
        }
    }

    /** Whether {@code connection} is usable and in autocommit with no transaction open: a write is seen by others at once. */
    private static void assertSane(Connection connection, String table) throws Exception {
        assertThat(connection.getAutoCommit()).as("autocommit restored").isTrue();
        try (Statement s = connection.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT txid_current_if_assigned() IS NULL")) {
                rs.next();
                assertThat(rs.getBoolean(1)).as("no transaction left open").isTrue();
            }
            s.execute("INSERT INTO " + table + " VALUES (-3, 'after')");
        }
        assertThat(db.query("SELECT note FROM " + table + " WHERE id = -3")).isEqualTo("after");
    }

    // bug: an Error thrown during a load skipped the rollback, and restoring autocommit then committed the chunks sent
    @Test
    void anErrorThrownMidLoadRollsBackAndRestoringAutocommitCommitsNothing() throws Exception {
        List<Supplier<Throwable>> failures = List.of(() -> new OutOfMemoryError("test: out of memory mid-load"),
                () -> new StackOverflowError("test: stack overflow mid-load"),
                () -> new IllegalStateException("test: a bug mid-load"));
        for (Supplier<Throwable> failure : failures) {
            Throwable expected = failure.get();
            try (TestTable t = orders(); Connection c = db.connect()) {
                String before = db.content(t.name());
                assertThat(c.getAutoCommit()).isTrue();
                Throwable[] thrown = new Throwable[1];
                Producer producer = new Producer(200_000, () -> thrown[0] = failure.get(), null);
                assertThatThrownBy(() -> db.loader().load(c, LoadInput.stream(producer, "producer"),
                        LoadOptions.of(t.name(), LoadFormat.CSV).withChunkRows(500).withTruncate(true)))
                        .as(expected.getClass().getSimpleName())
                        .isInstanceOf(expected.getClass())
                        .satisfies(e -> assertThat(e).isSameAs(thrown[0]));
                assertThat(db.content(t.name())).as("nothing committed after " + expected.getClass().getSimpleName())
                        .isEqualTo(before);
                assertSane(c, t.name());
            }
        }
    }

    // bug: Ctrl-C on `producer | pgbridge load` committed half the input: the producer's death looked like a clean end
    @Test
    void anInterruptionWhileTheLoadSettlesAtTheEndOfAStreamRollsBack() throws Exception {
        try (TestTable t = orders(); Connection c = db.connect()) {
            String before = db.content(t.name());
            int pid = backendPid(c);
            Producer producer = new Producer(300_000, null, null);
            CommitGate gate = CommitGate.settling(Duration.ofSeconds(60));
            CompletableFuture<LoadResult> load = CompletableFuture.supplyAsync(() -> db.loader().load(c,
                    LoadInput.stream(producer, "producer"), LoadOptions.of(t.name(), LoadFormat.CSV).withChunkRows(1_000_000), gate));
            assertThat(producer.reachedEnd.await(60, TimeUnit.SECONDS)).isTrue();
            // the one COPY ended: every row was sent, and the load waits before its COMMIT
            awaitState(pid, "idle in transaction:COPY");
            assertThat(load).isNotDone();

            assertThat(gate.interrupt(Duration.ofSeconds(10))).isEqualTo(CommitGate.Outcome.NOT_COMMITTED);
            assertThatThrownBy(() -> load.get(60, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOfSatisfying(PgBridgeException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.CANCELED);
                        assertThat(e.getMessage()).isEqualTo("interrupted: rolled back, nothing loaded");
                        assertThat(e.hint()).contains("exactly as it was");
                    });
            assertThat(db.content(t.name())).isEqualTo(before);
            assertSane(c, t.name());
        }
    }

    @Test
    void anInterruptionDuringTheCopyCancelsItAndTheEndOfInputAfterItCommitsNothing() throws Exception {
        try (TestTable t = orders(); Connection c = db.connect()) {
            String before = db.content(t.name());
            int pid = backendPid(c);
            CountDownLatch hold = new CountDownLatch(1);
            Producer producer = new Producer(300_000, null, hold);
            CommitGate gate = CommitGate.create();
            CompletableFuture<LoadResult> load = CompletableFuture.supplyAsync(() -> db.loader().load(c,
                    LoadInput.stream(producer, "producer"), LoadOptions.of(t.name(), LoadFormat.CSV).withChunkRows(100_000), gate));
            assertThat(producer.reachedEnd.await(60, TimeUnit.SECONDS)).isTrue();
            // the producer stalls in the middle of a COPY
            awaitState(pid, "active:COPY");

            assertThat(gate.interrupt(Duration.ofSeconds(10))).isEqualTo(CommitGate.Outcome.NOT_COMMITTED);
            hold.countDown(); // the producer's end now looks clean
            assertThatThrownBy(() -> load.get(60, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOfSatisfying(PgBridgeException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.CANCELED);
                        assertThat(e.getMessage()).isEqualTo("interrupted: rolled back, nothing loaded");
                    });
            assertThat(db.content(t.name())).isEqualTo(before);
            assertSane(c, t.name());
        }
    }

    @Test
    void aCommitThatWonTheRaceIsReportedAsCommitted() throws Exception {
        try (TestTable t = orders()) {
            CommitGate gate = CommitGate.create();
            LoadResult result = db.loader().load(LoadInput.stream(new Producer(1_000, null, null), "producer"),
                    LoadOptions.of(t.name(), LoadFormat.CSV), gate);
            assertThat(gate.interrupt(Duration.ofSeconds(10))).isEqualTo(CommitGate.Outcome.COMMITTED);
            assertThat(db.query("SELECT count(*) FROM " + t.name())).isEqualTo(String.valueOf(result.rows() + 2));
        }
    }

    @Test
    void anInterruptedLoadWithCreateLeavesNoTable() throws Exception {
        String name = TestingPostgres.uniqueName("never_created");
        CommitGate gate = CommitGate.settling(Duration.ofSeconds(60));
        Producer producer = new Producer(50_000, null, null);
        CompletableFuture<LoadResult> load = CompletableFuture.supplyAsync(() -> db.loader().load(
                LoadInput.stream(producer, "producer"), LoadOptions.of(name, LoadFormat.CSV).withCreate(true), gate));
        assertThat(producer.reachedEnd.await(60, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(200); // whether the load is still reading or already waits at its end, it must roll back
        assertThat(gate.interrupt(Duration.ofSeconds(10))).isEqualTo(CommitGate.Outcome.NOT_COMMITTED);
        assertThatThrownBy(() -> load.get(60, TimeUnit.SECONDS)).cause()
                .isInstanceOfSatisfying(PgBridgeException.class, e -> {
                    assertThat(e.getMessage()).isEqualTo("interrupted: rolled back, nothing loaded");
                    assertThat(e.hint()).contains("the table was not created");
                });
        assertThat(db.query("SELECT to_regclass('" + name + "')::text")).isNull();
    }
}
