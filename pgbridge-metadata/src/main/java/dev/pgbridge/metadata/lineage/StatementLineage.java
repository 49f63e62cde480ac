package dev.pgbridge.metadata.lineage;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * The lineage of one statement.
 *
 * @param sql         the statement's text
 * @param reads       every real relation it reads (system catalogs left out), in order of appearance
 * @param writes      every relation it writes (INSERT, UPDATE, DELETE, MERGE targets; created tables and views)
 * @param tableEdges  from every relation read to every relation written, self-loops left out
 * @param columnEdges data flow into written columns
 * @param joins       columns of different relations compared with {@code =}
 */
public record StatementLineage(String sql, Set<TableName> reads, Set<TableName> writes,
                               List<TableEdge> tableEdges, List<ColumnEdge> columnEdges, List<JoinPair> joins) {
    public StatementLineage {
        requireNonNull(sql, "sql is null");
        reads = Collections.unmodifiableSet(new LinkedHashSet<>(reads));
        writes = Collections.unmodifiableSet(new LinkedHashSet<>(writes));
        tableEdges = List.copyOf(tableEdges);
        columnEdges = List.copyOf(columnEdges);
        joins = List.copyOf(joins);
    }
}
