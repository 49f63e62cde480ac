package dev.pgbridge.metadata.quality;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** tableCustomSQLQuery's guard: one statement, whatever its quotes and comments hold; a second one is refused. */
class SingleStatementTest {
    @Test
    void oneStatementWithATrailingSemicolonIsThatStatement() {
        assertThat(SingleStatement.of("SELECT 1")).isEqualTo("SELECT 1");
        assertThat(SingleStatement.of("SELECT 1;  -- done\n")).isEqualTo("SELECT 1");
        assertThat(SingleStatement.of("SELECT 1; /* done */ ;")).isEqualTo("SELECT 1");
    }

    @Test
    void semicolonsInsideQuotesAndCommentsAreText() {
        for (String sql : List.of("SELECT ';' AS a", "SELECT 'it''s; fine'", "SELECT E'a\\';b'",
                "SELECT 1 AS \"x;y\"", "SELECT $$a;b$$", "SELECT $q$a;$$;b$q$", "SELECT 1 -- a; b\n",
                "SELECT 1 /* a; /* nested; */ b; */")) {
            assertThat(SingleStatement.of(sql)).as(sql).isEqualTo(sql);
        }
    }

    // the guard against ending the read-only transaction from sqlExpression
    @Test
    void aSecondStatementIsRefused() {
        for (String sql : List.of("SELECT 1; COMMIT; DELETE FROM t", "SELECT 1;DELETE FROM t",
                "SELECT ';'; DELETE FROM t", "SELECT $$;$$; DELETE FROM t", "SELECT 1 /* ; */; DELETE FROM t",
                "SELECT 1; -- comment\nDELETE FROM t")) {
            assertThat(SingleStatement.of(sql)).as(sql).isNull();
        }
    }

    @Test
    void listParametersInEveryFormOpenMetadataUses() {
        assertThat(TestDefinition.list("[\"a\", \"b\"]")).contains(List.of("a", "b"));
        assertThat(TestDefinition.list("['a', 'it\\'s']")).contains(List.of("a", "it's"));
        assertThat(TestDefinition.list("a, b ,c")).contains(List.of("a", "b", "c"));
        assertThat(TestDefinition.list("[1, 2]")).contains(List.of("1", "2"));
        assertThat(TestDefinition.list("['unclosed")).isEmpty();
    }
}
