package dev.pgbridge.metadata.lineage;

import dev.pgbridge.query.SqlScript;
import dev.pgbridge.query.SqlStatement;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * What a statement can do, by its first keyword (comments and opening parentheses skipped) and, for queries, by
 * whether a data-modifying word appears outside string literals. The one classification usage, the lineage workflow
 * and the lineage parser share.
 */
public enum StatementKind {
    /**
     * Moves no data between relations and is not parsed: transaction control, session and cursor commands,
     * maintenance ({@code VACUUM}, {@code ANALYZE}, {@code CLUSTER}, {@code REINDEX}, {@code LOCK}), notifications,
     * {@code DO} blocks. Its lineage is empty and it counts as no use of a relation.
     */
    NO_DATA_FLOW,
    /**
     * Can write a relation: {@code INSERT}, {@code UPDATE}, {@code DELETE}, {@code MERGE}, {@code CREATE},
     * {@code REFRESH}, and {@code SELECT}/{@code WITH} holding {@code INTO} or a data-modifying CTE.
     */
    WRITES,
    /** Anything else: plain queries ({@code SELECT}, {@code TABLE}, {@code VALUES}) and the remaining commands. */
    OTHER;

    private static final Set<String> NO_DATA_FLOW_KEYWORDS = Set.of("BEGIN", "START", "COMMIT", "END", "ROLLBACK",
            "ABORT", "SAVEPOINT", "RELEASE", "PREPARE", "VACUUM", "ANALYZE", "ANALYSE", "CHECKPOINT", "LISTEN",
            "UNLISTEN", "NOTIFY", "DISCARD", "RESET", "SHOW", "SET", "DEALLOCATE", "LOCK", "FETCH", "MOVE", "CLOSE",
            "DO", "CLUSTER", "REINDEX", "LOAD");
    private static final Set<String> WRITING_KEYWORDS = Set.of("INSERT", "UPDATE", "DELETE", "MERGE", "CREATE",
            "REFRESH");
    private static final Set<String> QUERY_KEYWORDS = Set.of("SELECT", "WITH");
    private static final Pattern WRITING_WORD = Pattern.compile("\\b(insert|update|delete|merge|into)\\b",
            Pattern.CASE_INSENSITIVE);

    /** The kind of the first statement of {@code sql}; {@link #OTHER} when it holds none. */
    public static StatementKind of(String sql) {
        requireNonNull(sql, "sql is null");
        List<SqlStatement> parts = SqlScript.split(sql);
        if (parts.isEmpty()) {
            return OTHER;
        }
        String keyword = parts.get(0).firstKeyword();
        if (NO_DATA_FLOW_KEYWORDS.contains(keyword)) {
            return NO_DATA_FLOW;
        }
        if (WRITING_KEYWORDS.contains(keyword)) {
            return WRITES;
        }
        if (QUERY_KEYWORDS.contains(keyword)
                && WRITING_WORD.matcher(StatementText.maskLiterals(parts.get(0).text())).find()) {
            return WRITES;
        }
        return OTHER;
    }
}
