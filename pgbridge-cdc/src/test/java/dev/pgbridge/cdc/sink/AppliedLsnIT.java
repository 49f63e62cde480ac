package dev.pgbridge.cdc.sink;

import dev.pgbridge.pgtype.Lsn;
import dev.pgbridge.testing.TestDatabase;
import dev.pgbridge.testing.TestingPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The PostgreSQL sink's stored LSN alone, on a real server: it commits with the rows, and only from where it was. */
@Timeout(60)
class AppliedLsnIT {
    private final TestingPostgres pg = TestingPostgres.get();
    private TestDatabase db;
    private Connection sink;

    @BeforeEach
    void setUp() throws SQLException {
        db = pg.createDatabase(TestingPostgres.uniqueName("pgb_applied"), pg.superuser());
        pg.executeIn(db.name(), "CREATE SCHEMA mirror");
        pg.executeIn(db.name(), "CREATE TABLE mirror.t (id int)");
        sink = connect();
    }

    @AfterEach
    void tearDown() throws SQLException {
        sink.close();
        db.close();
    }

    private Connection connect() throws SQLException {
        Connection c = pg.connect(db.name());
        c.setAutoCommit(false);
        return c;
    }

    /** One value, read in a session of its own (so it sees only what is committed). */
    private String committed(String sql) throws SQLException {
        try (Connection c = pg.connect(db.name()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private void insertRow(Connection c, int id) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO mirror.t VALUES (" + id + ")");
        }
    }

    @Test
    void theLsnCommitsWithTheRowsAndIsWhereTheNextSinkStarts() throws Exception {
        AppliedLsn applied = AppliedLsn.open(sink, "mirror", "cap");
        sink.commit();
        assertThat(applied.applied()).isEqualTo(Lsn.INVALID);
        assertThat(committed("SELECT to_regclass('mirror.pgbridge_applied')::text"))
                .isEqualTo("mirror.pgbridge_applied");

        insertRow(sink, 1);
        assertThat(committed("SELECT lsn::text FROM mirror.pgbridge_applied WHERE capture = 'cap'")).isEqualTo("0/0");
        applied.commit(Lsn.valueOf("0/16B3748"), Instant.parse("2026-01-02T03:04:05Z"));

        assertThat(applied.applied()).isEqualTo(Lsn.valueOf("0/16B3748"));
        assertThat(committed("SELECT lsn::text || ' ' || (source_commit_time AT TIME ZONE 'UTC')::text "
                + "FROM mirror.pgbridge_applied WHERE capture = 'cap'")).isEqualTo("0/16B3748 2026-01-02 03:04:05");
        assertThat(committed("SELECT count(*) FROM mirror.t")).isEqualTo("1");
        try (Connection next = connect()) {
            assertThat(AppliedLsn.open(next, "mirror", "cap").applied()).isEqualTo(Lsn.valueOf("0/16B3748"));
            assertThat(AppliedLsn.open(next, "mirror", "other_cap").applied()).isEqualTo(Lsn.INVALID);
            next.commit();
        }
    }

    @Test
    void aSecondWriterUnderTheSameNameMakesTheCommitFailAndCommitsNothing() throws Exception {
        AppliedLsn mine = AppliedLsn.open(sink, "mirror", "cap");
        sink.commit();
        try (Connection other = connect()) {
            AppliedLsn theirs = AppliedLsn.open(other, "mirror", "cap");
            theirs.commit(Lsn.valueOf("0/200"), Instant.now());
        }

        insertRow(sink, 1);
        assertThatThrownBy(() -> mine.commit(Lsn.valueOf("0/100"), Instant.now()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the applied LSN of capture cap in \"mirror\".\"pgbridge_applied\" is 0/200, not 0/0 as "
                        + "this sink left it: another process applies a capture of that name into the same schema; "
                        + "give each capture its own name or target schema");
        sink.rollback();

        assertThat(mine.applied()).isEqualTo(Lsn.INVALID);
        assertThat(committed("SELECT count(*) FROM mirror.t")).isEqualTo("0");
        assertThat(committed("SELECT lsn::text FROM mirror.pgbridge_applied WHERE capture = 'cap'")).isEqualTo("0/200");
    }
}
