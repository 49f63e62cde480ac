package dev.pgbridge.metadata.lineage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every case of the lineage corpus ({@code lineage/corpus.txt}): exact table edges and column edges (and where given
 * joins, reads and writes) for statements of every kind the issue names, many taken from the facts of OpenMetadata's,
 * DataHub's and sqllineage's own lineage test cases (written anew here).
 */
class SqlLineageCorpusTest {
    static List<LineageCorpus> cases() throws IOException {
        return LineageCorpus.load();
    }

    @Test
    void theCorpusHoldsAtLeastSixtyStatements() throws IOException {
        assertThat(cases()).hasSizeGreaterThanOrEqualTo(60);
        assertThat(cases()).extracting(LineageCorpus::name).doesNotHaveDuplicates();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void lineage(LineageCorpus c) {
        SqlLineage lineage = new SqlLineage(c.path(), table -> c.catalog().getOrDefault(table, List.of()));
        if (c.error() != null) {
            assertThatThrownBy(() -> lineage.analyze(c.sql()))
                    .isInstanceOf(LineageException.class)
                    .hasMessageContaining(c.error());
            return;
        }
        StatementLineage result = lineage.analyze(c.sql());
        assertThat(result.tableEdges()).extracting(Object::toString).as("table edges of %s", c.sql())
                .containsExactlyInAnyOrderElementsOf(c.tables());
        assertThat(result.columnEdges()).extracting(Object::toString).as("column edges of %s", c.sql())
                .containsExactlyInAnyOrderElementsOf(c.columns());
        if (c.joinsGiven()) {
            assertThat(result.joins()).extracting(Object::toString).as("joins of %s", c.sql())
                    .containsExactlyInAnyOrderElementsOf(c.joins());
        }
        if (c.readsGiven()) {
            assertThat(result.reads()).extracting(Object::toString).as("reads of %s", c.sql())
                    .containsExactlyInAnyOrderElementsOf(c.reads());
        }
        if (c.writesGiven()) {
            assertThat(result.writes()).extracting(Object::toString).as("writes of %s", c.sql())
                    .containsExactlyInAnyOrderElementsOf(c.writes());
        }
    }
}
