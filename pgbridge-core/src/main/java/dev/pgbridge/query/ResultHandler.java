package dev.pgbridge.query;

import java.io.IOException;
import java.util.List;

/**
 * Receives the results of {@link QueryRunner#run(Query, ResultHandler)} as they come, statement by statement:
 * for rows {@code start}, every {@code row}, {@code end}; for a statement without rows {@code count}.
 */
public interface ResultHandler {
    void start(SqlStatement statement, List<Column> columns) throws IOException;

    void row(Row row) throws IOException;

    void end(SqlStatement statement, long rows) throws IOException;

    void count(CountResult count) throws IOException;
}
