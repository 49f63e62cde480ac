package dev.pgbridge.metadata.usage;

import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class QueryLogFileTest {
    private static final LocalDate TODAY = LocalDate.of(2026, 3, 4);

    @Test
    void columnsInAnyOrderQuotedQueriesAndDuplicatesCounted() throws IOException {
        QueryLogFile.Read read = read("""
                User_Name,QUERY_TEXT,start_time,end_time,extra
                ann,"SELECT a, b FROM t WHERE s = 'x,y'",2026-03-04 10:00:00,2026-03-04 10:00:00.250,1
                ann,"SELECT a, b FROM t WHERE s = 'x,y'",2026-03-04 11:00:00,2026-03-04 11:00:00.750,2
                bob,"INSERT INTO t
                SELECT ""Odd"" FROM s",,,
                """, new QueryLogSettings(1, 1000, null, null));
        assertThat(read.queries()).hasSize(2);
        LoggedQuery first = read.queries().get(0);
        assertThat(first.text()).isEqualTo("SELECT a, b FROM t WHERE s = 'x,y'");
        assertThat(first.user()).isEqualTo("ann");
        assertThat(first.calls()).isEqualTo(2);
        assertThat(first.meanMillis()).isEqualTo(500.0);
        assertThat(first.day()).isEqualTo(TODAY);
        LoggedQuery second = read.queries().get(1);
        assertThat(second.text()).isEqualTo("INSERT INTO t\nSELECT \"Odd\" FROM s");
        assertThat(second.meanMillis()).isNull();
        assertThat(second.day()).as("no start_time: the run's day").isEqualTo(TODAY);
    }

    @Test
    void durationAbortedAndLimit() throws IOException {
        QueryLogFile.Read read = read("""
                query_text,start_time,aborted
                SELECT 1,2026-03-03T23:30:00+02:00,
                SELECT 2,2026-03-01 10:00:00,
                SELECT 3,2026-03-04,TRUE
                SELECT 4,not a time,
                SELECT 5,2026-03-04,
                """, new QueryLogSettings(2, 4, null, null));
        assertThat(read.rows()).as("resultLimit counts rows").isEqualTo(4);
        assertThat(read.tooOld()).isEqualTo(1);
        assertThat(read.aborted()).isEqualTo(1);
        assertThat(read.queries()).extracting(LoggedQuery::text).containsExactly("SELECT 1", "SELECT 4");
        assertThat(read.queries().get(0).day()).as("start_time in UTC").isEqualTo(LocalDate.of(2026, 3, 3));
        assertThat(read.warnings()).singleElement().asString().contains("line 5").contains("'not a time'");
    }

    @Test
    void aFileWithoutQueryTextSaysWhatItNeeds() {
        PgBridgeException e = catchThrowableOfType(PgBridgeException.class,
                () -> read("query,user\nSELECT 1,a\n", new QueryLogSettings(1, 10, null, null)));
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_DATA);
        assertThat(e.getMessage()).contains("no query_text column (found: query, user)");
        assertThat(e.hint()).contains("query_text,database_name,schema_name,user_name,start_time,end_time,aborted");
    }

    @Test
    void brokenCsvNamesTheLine() {
        PgBridgeException e = catchThrowableOfType(PgBridgeException.class,
                () -> read("query_text\n\"SELECT 1\nSELECT 2\n", new QueryLogSettings(1, 10, null, null)));
        assertThat(e.getMessage()).startsWith("q.csv line 2: ").contains("never closed");
    }

    // OpenMetadata #10918 / #22109, and pg_upgrade keeping an old extension: columns chosen by what the view has
    @Test
    void timeColumnsFollowTheViewsColumns() {
        assertThat(StatStatements.timeColumns(Set.of("query", "calls", "total_time", "mean_time")))
                .containsExactly("total_time", "mean_time");
        assertThat(StatStatements.timeColumns(Set.of("query", "calls", "total_exec_time", "mean_exec_time")))
                .containsExactly("total_exec_time", "mean_exec_time");
    }

    @Test
    void statementsThatNeverNameARelationAreNotParsed() {
        List<String> none = new ArrayList<>();
        for (String sql : List.of("BEGIN READ ONLY", "  commit", "SET search_path = a", "SHOW work_mem",
                "DEALLOCATE ALL", "START TRANSACTION ISOLATION LEVEL SERIALIZABLE")) {
            if (QueryAnalysis.namesNoRelation(sql)) {
                none.add(sql);
            }
        }
        assertThat(none).hasSize(6);
        assertThat(QueryAnalysis.namesNoRelation("UPDATE t SET a = 1")).isFalse();
        assertThat(QueryAnalysis.namesNoRelation("SELECT * FROM settings")).isFalse();
        assertThat(QueryAnalysis.start("SELECT " + "x, ".repeat(40))).hasSize(83).endsWith("…'");
    }

    private static QueryLogFile.Read read(String csv, QueryLogSettings settings) throws IOException {
        return QueryLogFile.read(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)), "q.csv", settings,
                TODAY);
    }
}
