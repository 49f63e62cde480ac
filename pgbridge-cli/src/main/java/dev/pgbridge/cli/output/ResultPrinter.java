package dev.pgbridge.cli.output;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.PrettyPrinter;
import dev.pgbridge.copy.CsvText;
import dev.pgbridge.pgtype.PgJson;
import dev.pgbridge.query.Column;
import dev.pgbridge.query.CountResult;
import dev.pgbridge.query.ResultHandler;
import dev.pgbridge.query.Row;
import dev.pgbridge.query.SqlStatement;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Prints query results as they come, in one {@link ResultFormat}. Machine formats (json, jsonl, csv) keep stdout
 * to the rows: the tags of statements without rows ({@code UPDATE 3}) go to stderr; the table format prints them
 * in line. Several results are printed one after another (json: one array each; csv: a blank line between).
 */
public abstract sealed class ResultPrinter implements ResultHandler {
    protected final PrintWriter out;
    protected final PrintWriter err;
    protected int results;

    private ResultPrinter(PrintWriter out, PrintWriter err) {
        this.out = requireNonNull(out, "out is null");
        this.err = requireNonNull(err, "err is null");
    }

    public static ResultPrinter of(ResultFormat format, PrintWriter out, PrintWriter err, boolean header) {
        return switch (format) {
            case TABLE -> new Table(out, err);
            case JSON -> new Json(out, err, true);
            case JSONL -> new Json(out, err, false);
            case CSV -> new Csv(out, err, header);
        };
    }

    @Override
    public void count(CountResult count) {
        err.println(count.tag());
        err.flush();
    }

    /** Flushes what is left. */
    public void finish() {
        out.flush();
        err.flush();
    }

    static final class Table extends ResultPrinter {
        private List<String> names;
        private List<List<Object>> rows;

        Table(PrintWriter out, PrintWriter err) {
            super(out, err);
        }

        @Override
        public void start(SqlStatement statement, List<Column> columns) {
            separate();
            names = columns.stream().map(Column::name).toList();
            rows = new ArrayList<>();
        }

        @Override
        public void row(Row row) {
            rows.add(new ArrayList<>(row.values()));
        }

        @Override
        public void end(SqlStatement statement, long count) {
            new Rows(names, rows).print(out, OutputFormat.TABLE);
            rows = null;
        }

        @Override
        public void count(CountResult count) {
            separate();
            out.println(count.tag());
            out.flush();
        }

        private void separate() {
            if (results++ > 0) {
                out.println();
            }
        }
    }

    /**
     * json: per result an array with one row object per line ({@code {"a": 1, "b": [1, 2]}}); jsonl: one compact
     * object per line.
     */
    static final class Json extends ResultPrinter {
        private final boolean array;
        private JsonGenerator g;
        private List<Column> columns;
        private long rows;

        Json(PrintWriter out, PrintWriter err, boolean array) {
            super(out, err);
            this.array = array;
        }

        @Override
        public void start(SqlStatement statement, List<Column> columns) throws IOException {
            this.columns = columns;
            this.rows = 0;
            g = PgJson.factory().createGenerator(out);
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.setRootValueSeparator(null);
            if (array) {
                g.setPrettyPrinter(new OneLine());
                g.writeRaw('[');
            }
        }

        @Override
        public void row(Row row) throws IOException {
            if (array) {
                g.writeRaw(rows == 0 ? "\n  " : ",\n  ");
            }
            Row.writeJson(g, columns, row);
            if (!array) {
                g.writeRaw('\n');
            }
            rows++;
        }

        @Override
        public void end(SqlStatement statement, long count) throws IOException {
            if (array) {
                g.writeRaw(rows == 0 ? "]\n" : "\n]\n");
            }
            g.flush();
            results++;
        }
    }

    /** JSON on one line with a space after {@code :} and {@code ,}: {@code {"a": 1, "b": [1, 2]}}. */
    private static final class OneLine implements PrettyPrinter {
        @Override
        public void writeRootValueSeparator(JsonGenerator g) {
        }

        @Override
        public void writeStartObject(JsonGenerator g) throws IOException {
            g.writeRaw('{');
        }

        @Override
        public void writeEndObject(JsonGenerator g, int entries) throws IOException {
            g.writeRaw('}');
        }

        @Override
        public void writeObjectEntrySeparator(JsonGenerator g) throws IOException {
            g.writeRaw(", ");
        }

        @Override
        public void writeObjectFieldValueSeparator(JsonGenerator g) throws IOException {
            g.writeRaw(": ");
        }

        @Override
        public void writeStartArray(JsonGenerator g) throws IOException {
            g.writeRaw('[');
        }

        @Override
        public void writeEndArray(JsonGenerator g, int values) throws IOException {
            g.writeRaw(']');
        }

        @Override
        public void writeArrayValueSeparator(JsonGenerator g) throws IOException {
            g.writeRaw(", ");
        }

        @Override
        public void beforeArrayValues(JsonGenerator g) {
        }

        @Override
        public void beforeObjectEntries(JsonGenerator g) {
        }
    }

    static final class Csv extends ResultPrinter {
        private final boolean header;

        Csv(PrintWriter out, PrintWriter err, boolean header) {
            super(out, err);
            this.header = header;
        }

        @Override
        public void start(SqlStatement statement, List<Column> columns) {
            if (results++ > 0) {
                out.print('\n');
            }
            if (header) {
                out.print(CsvText.line(columns.stream().map(Column::name).toList()));
            }
        }

        @Override
        public void row(Row row) {
            out.print(CsvText.line(row.values()));
        }

        @Override
        public void end(SqlStatement statement, long count) {
            out.flush();
        }
    }
}
