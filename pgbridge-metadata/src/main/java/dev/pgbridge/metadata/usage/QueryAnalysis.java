package dev.pgbridge.metadata.usage;

import dev.pgbridge.metadata.ingest.StepStatus;
import dev.pgbridge.metadata.lineage.LineageException;
import dev.pgbridge.metadata.lineage.StatementKind;
import dev.pgbridge.metadata.lineage.StatementLineage;
import dev.pgbridge.metadata.lineage.StatementText;
import dev.pgbridge.metadata.lineage.TableName;


/**
 * One logged statement through the lineage parser, in its database's context (its relations and columns, its
 * search_path). A statement the parser cannot read is a warning of the source step naming the statement and why; the
 * run goes on.
 */
final class QueryAnalysis {

    private QueryAnalysis() {
    }

    /** Whether the statement moves no data ({@link StatementKind#NO_DATA_FLOW}; it is then not parsed at all). */
    static boolean namesNoRelation(String sql) {
        return StatementKind.of(sql) == StatementKind.NO_DATA_FLOW;
    }

    /** The statement's lineage; null (with a warning) when it cannot be parsed. */
    static StatementLineage analyze(String sql, String schema, DatabaseRelations relations, StepStatus status) {
        try {
            return relations.lineage(schema).analyze(sql);
        }
        catch (LineageException e) {
            status.warning("cannot parse " + start(sql) + ": " + why(e) + "; left out");
            return null;
        }
    }

    /**
     * A view's or materialized view's lineage from its {@code pg_get_viewdef} definition; null (with a warning naming
     * {@code statement}, the view's {@code CREATE} text) when it cannot be parsed.
     */
    static StatementLineage analyzeView(TableName view, String definition, String statement,
                                        DatabaseRelations relations, StepStatus status) {
        try {
            return relations.lineage(null).analyzeView(view, definition);
        }
        catch (LineageException e) {
            status.warning("cannot parse " + start(statement) + ": " + why(e) + "; left out");
            return null;
        }
    }

    /** The statement's first 80 characters on one line, in quotes, literals masked ({@link StatementText#excerpt}). */
    static String start(String sql) {
        return StatementText.excerpt(sql);
    }

    /** The parser's reason without its own (shorter) quote of the statement: "cannot parse 'SELECT …': why". */
    private static String why(LineageException e) {
        String message = e.getMessage();
        int end = message.indexOf("': ");
        return message.startsWith("cannot parse '") && end > 0 ? message.substring(end + 3) : message;
    }
}
