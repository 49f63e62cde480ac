package dev.pgbridge.query;

import dev.pgbridge.error.ErrorCode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class QueryExceptionTest {
    private static QueryException at(String sql, int statement, String token) {
        SqlStatement s = SqlScript.split(sql).get(statement);
        return new QueryException(ErrorCode.SQL_ERROR, "m", null, s, s.text().indexOf(token), null, "42601", null);
    }

    @Test
    void excerptShowsTheLineOfTheScriptWithACaret() {
        QueryException e = at("select 1;\nselect 2,\n  3 frm t;", 1, "frm");
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.column()).isEqualTo(5);
        assertThat(e.excerpt()).contains("LINE 3:   3 frm t\n" + " ".repeat(12) + "^");
    }

    @Test
    void caretCountsCharactersNotUtf16Units() {
        QueryException e = at("select '🔑é' frm", 0, "frm");
        assertThat(e.excerpt()).contains("LINE 1: select '🔑é' frm\n" + " ".repeat(8 + 12) + "^");
    }

    @Test
    void longLinesAreCutAroundTheCaret() {
        String sql = "select " + "x, ".repeat(100) + "frm t";
        String excerpt = at(sql, 0, "frm").excerpt().orElseThrow();
        String[] lines = excerpt.split("\n");
        assertThat(lines[0]).startsWith("LINE 1: ...").endsWith("frm t");
        assertThat(lines[0].length()).isLessThan(120);
        assertThat(lines[0].charAt(lines[1].indexOf('^'))).isEqualTo('f');
    }

    @Test
    void theLogLineLeavesOutPostgresMessageWhichMayQuoteValues() {
        SqlStatement s = SqlScript.split("select ?::int").get(0);
        QueryException e = new QueryException(ErrorCode.SQL_ERROR, "invalid input syntax for type integer: \"s3cret\"",
                null, s, 7, null, "22P02", null);
        assertThat(e.oneLine()).isEqualTo("SQL failed with SQLSTATE 22P02 in statement 1 (line 1) at line 1, column 8 "
                + "(SQL_ERROR; the message is not logged)").doesNotContain("s3cret");
    }

    @Test
    void noPositionNoExcerpt() {
        SqlStatement s = SqlScript.split("select 1").get(0);
        QueryException e = new QueryException(ErrorCode.SQL_ERROR, "m", null, s, -1, null, "XX000", null);
        assertThat(e.excerpt()).isEmpty();
        assertThat(e.line()).isZero();
    }
}
