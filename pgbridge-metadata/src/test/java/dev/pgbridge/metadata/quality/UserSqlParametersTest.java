package dev.pgbridge.metadata.quality;

import dev.pgbridge.error.PgBridgeException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The user's SQL of a test (sqlExpression, partitionCondition, tableDiff's where) checked by core's lexer before it
 * reaches the read-only transaction, and list parameters in every form OpenMetadata uses.
 */
class UserSqlParametersTest {
    private static TestDefinition.Parameter parameter(String definition, String name) {
        return TestDefinition.named(definition).orElseThrow().parameter(name).orElseThrow();
    }

    private static final TestDefinition.Parameter PARTITION = parameter("tableCustomSQLQuery", "partitionCondition");
    private static final TestDefinition.Parameter WHERE = parameter("tableDiff", "where");
    private static final TestDefinition.Parameter QUERY = parameter("tableCustomSQLQuery", "sqlExpression");

    @Test
    void oneConditionWithATrailingSemicolonIsThatCondition() {
        assertThat(PARTITION.sql("id > 1")).isEqualTo("id > 1");
        assertThat(PARTITION.sql("id > 1;  -- done\n")).isEqualTo("id > 1");
        assertThat(WHERE.sql("(a = 1) OR (b = 2)")).isEqualTo("(a = 1) OR (b = 2)");
    }

    @Test
    void semicolonsAndParenthesesInsideQuotesAndCommentsAreText() {
        for (String sql : List.of("s = ';'", "s = 'it''s; fine)'", "s = E'a\\';b)'", "\"x;y)\" = 1", "s = $$a;b)$$",
                "s = $q$a;$$;b$q$", "id = 1 /* a; /* nested; ) */ b; */")) {
            assertThat(PARTITION.sql(sql)).as(sql).isEqualTo(sql);
            assertThat(WHERE.sql(sql)).as(sql).isEqualTo(sql);
        }
    }

    // the bug: partitionCondition and tableDiff's where were concatenated into SQL unchecked and could end the
    // read-only transaction (COMMIT) or close the parenthesis they are placed in
    @Test
    void aSecondStatementOrAStrayClosingParenthesisInAConditionIsRefused() {
        for (String sql : List.of("true; COMMIT; DELETE FROM t", "true;DELETE FROM t", "s = ';'; DELETE FROM t",
                "s = $$;$$; DELETE FROM t", "true /* ; */; DELETE FROM t", "true; -- comment\nDELETE FROM t",
                "true) OR (true", "true) UNION SELECT 1 --", "s = 'unterminated")) {
            for (TestDefinition.Parameter p : List.of(PARTITION, WHERE)) {
                PgBridgeException e = catchThrowableOfType(PgBridgeException.class, () -> p.sql(sql));
                assertThat(e).as(p.name() + ": " + sql).isNotNull();
                assertThat(e.getMessage()).startsWith(p.name() + ": ");
                assertThat(e.hint()).contains("one condition");
            }
        }
    }

    // the bug: sqlExpression had a lexer of its own that let a write or a function call statement through to the server
    @Test
    void sqlExpressionIsOneReadingQuery() {
        assertThat(QUERY.sql("SELECT 1;")).isEqualTo("SELECT 1");
        assertThat(QUERY.sql("WITH x AS (SELECT 1) SELECT * FROM x")).startsWith("WITH");
        for (String sql : List.of("SELECT 1; COMMIT; DELETE FROM t", "DELETE FROM t RETURNING id",
                "SELECT 1) UNION (SELECT 2", "COPY t TO PROGRAM 'x'")) {
            PgBridgeException e = catchThrowableOfType(PgBridgeException.class, () -> QUERY.sql(sql));
            assertThat(e).as(sql).isNotNull();
            assertThat(e.getMessage()).startsWith("sqlExpression");
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
