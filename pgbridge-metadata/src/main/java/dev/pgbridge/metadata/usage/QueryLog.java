package dev.pgbridge.metadata.usage;

import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.metadata.ingest.StepStatus;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The queries of a usage or lineage run: from {@code queryLogFilePath} when set, else from the server's
 * {@code pg_stat_statements}; what could not be honoured or was left out goes to the source step's warnings. Only the
 * queries that pass {@code keep} are returned (it parses them, and records why it drops one).
 */
final class QueryLog {
    private QueryLog() {
    }

    /**
     * @param connection a connection to the configured database (the one the extension is installed in)
     * @param databases  the databases whose statements count
     */
    static List<LoggedQuery> read(QueryLogSettings settings, Connection connection, List<String> databases,
                                  LocalDate today, Supplier<PgBridgeException> notReady, StepStatus status,
                                  Predicate<LoggedQuery> keep) throws SQLException {
        if (settings.queryLogFile() != null) {
            QueryLogFile.Read read = QueryLogFile.read(settings.queryLogFile(), settings, today);
            read.warnings().forEach(status::warning);
            if (read.aborted() > 0) {
                status.warning(settings.queryLogFile() + ": " + read.aborted() + " aborted queries left out");
            }
            if (read.tooOld() > 0) {
                status.warning(settings.queryLogFile() + ": " + read.tooOld() + " queries older than queryLogDuration "
                        + settings.queryLogDuration() + " left out");
            }
            return read.queries().stream().filter(keep).toList();
        }
        StatStatements.Read read = StatStatements.read(connection, databases, settings, today, notReady, keep);
        if (read.durationWarning() != null) {
            status.warning(read.durationWarning());
        }
        if (read.hidden() > 0) {
            status.warning(read.hidden() + " statements of other roles show as " + StatStatements.HIDDEN_TEXT
                    + " and were left out (GRANT pg_read_all_stats TO the workflow's role)");
        }
        return read.queries();
    }
}
