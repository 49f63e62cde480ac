package dev.pgbridge.metadata.lineage;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StatementKindTest {
    // SqlLineage, usage and the lineage workflow each classified statements by first keyword and disagreed (VACUUM,
    // LOCK, FETCH parsed by usage; a SELECT naming 'update' in a literal parsed for lineage)
    @Test
    void oneClassificationForUsageLineageAndTheParser() {
        for (String sql : List.of("BEGIN READ ONLY", "  commit", "SET search_path = a", "SHOW work_mem", "DEALLOCATE ALL",
                "START TRANSACTION ISOLATION LEVEL SERIALIZABLE", "VACUUM (ANALYZE) sales.orders", "LOCK TABLE t",
                "FETCH 10 FROM c", "/* job */ DO $$BEGIN INSERT INTO t VALUES (1); END$$", "PREPARE TRANSACTION 'x'")) {
            assertThat(StatementKind.of(sql)).as(sql).isEqualTo(StatementKind.NO_DATA_FLOW);
            assertThat(new SqlLineage(List.of("public"), ColumnCatalog.NONE).analyze(sql).tableEdges()).as(sql).isEmpty();
        }
        for (String sql : List.of("INSERT INTO t SELECT * FROM s", "update t SET a = 1", "MERGE INTO t USING s ON true "
                + "WHEN MATCHED THEN DELETE", "CREATE TABLE t AS SELECT 1", "REFRESH MATERIALIZED VIEW v",
                "SELECT a INTO t FROM s", "WITH d AS (DELETE FROM a RETURNING *) INSERT INTO b SELECT * FROM d",
                "(SELECT 1) ")) {
            assertThat(StatementKind.of(sql)).as(sql).isEqualTo(sql.startsWith("(") ? StatementKind.OTHER
                    : StatementKind.WRITES);
        }
        for (String sql : List.of("SELECT * FROM settings", "SELECT 'update' FROM t WHERE note = 'insert into'",
                "SELECT insert_date FROM t", "TABLE t", "COPY t TO STDOUT", "")) {
            assertThat(StatementKind.of(sql)).as(sql).isEqualTo(StatementKind.OTHER);
        }
    }
}
