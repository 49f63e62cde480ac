package dev.pgbridge.metadata.usage;

import dev.pgbridge.copy.CsvRecordReader;
import dev.pgbridge.copy.LoadDataException;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.FileErrors;
import dev.pgbridge.error.PgBridgeException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code queryLogFilePath}: a CSV of queries in OpenMetadata's columns, read instead of the server's log. The header
 * names the columns (any order, case-insensitive): {@code query_text} (required), and optionally
 * {@code database_name}, {@code schema_name}, {@code user_name}, {@code start_time}, {@code end_time} and
 * {@code aborted}; other columns are passed over. Aborted queries are left out, as OpenMetadata does; a query counts
 * for the day of its {@code start_time} (the run's day when there is none); rows older than
 * {@code queryLogDuration} days are left out; at most {@code resultLimit} rows are read. Rows with the same text, user,
 * database, schema and day become one {@link LoggedQuery} with their count and mean duration
 * ({@code end_time - start_time}).
 */
public final class QueryLogFile {
    static final List<String> COLUMNS = List.of("query_text", "database_name", "schema_name", "user_name",
            "start_time", "end_time", "aborted");

    /** {@code 2024-05-01 10:00:00[.123456][+02[:00]]} and the ISO form with a {@code T}. */
    private static final DateTimeFormatter TIME = new DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd").optionalStart().appendLiteral('T').optionalEnd()
            .optionalStart().appendLiteral(' ').optionalEnd()
            .optionalStart().appendPattern("HH:mm[:ss]").optionalStart()
            .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd().optionalEnd()
            .optionalStart().appendOffset("+HH:mm", "Z").optionalEnd()
            .optionalStart().appendOffset("+HH", "Z").optionalEnd()
            .toFormatter(Locale.ROOT);

    /** What was read: the queries, and how many rows were left out for which reason. */
    public record Read(List<LoggedQuery> queries, int rows, int aborted, int tooOld, List<String> warnings) {
        public Read {
            queries = List.copyOf(queries);
            warnings = List.copyOf(warnings);
        }
    }

    private QueryLogFile() {
    }

    /** Reads {@code file}; {@code today} is the run's day (UTC). */
    public static Read read(Path file, QueryLogSettings settings, LocalDate today) {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString(), settings, today);
        }
        catch (IOException e) {
            throw FileErrors.cannotRead("query log file " + file, e);
        }
    }

    static Read read(InputStream in, String name, QueryLogSettings settings, LocalDate today) throws IOException {
        LocalDate oldest = today.minusDays(settings.queryLogDuration());
        List<String> warnings = new ArrayList<>();
        Map<Key, Counts> counts = new LinkedHashMap<>();
        int rows = 0;
        int aborted = 0;
        int tooOld = 0;
        CsvRecordReader reader = new CsvRecordReader(in);
        try {
            if (!reader.next()) {
                throw missingHeader(name, "the file is empty");
            }
            Map<String, Integer> column = new LinkedHashMap<>();
            for (int i = 0; i < reader.fieldCount(); i++) {
                String header = reader.text(i);
                if (header != null) {
                    column.putIfAbsent(header.strip().toLowerCase(Locale.ROOT), i);
                }
            }
            if (!column.containsKey("query_text")) {
                throw missingHeader(name, "the header line has no query_text column (found: "
                        + String.join(", ", column.keySet()) + ")");
            }
            while (rows < settings.resultLimit() && reader.next()) {
                if (reader.blank()) {
                    continue;
                }
                rows++;
                String text = field(reader, column, "query_text");
                if (text == null || text.isBlank()) {
                    warnings.add(name + " line " + reader.line() + ": no query_text; row left out");
                    continue;
                }
                String abortedText = field(reader, column, "aborted");
                if (abortedText != null && List.of("true", "t", "1", "yes").contains(abortedText.strip()
                        .toLowerCase(Locale.ROOT))) {
                    aborted++;
                    continue;
                }
                OffsetDateTime start = time(field(reader, column, "start_time"), name, reader.line(), warnings);
                OffsetDateTime end = time(field(reader, column, "end_time"), name, reader.line(), warnings);
                LocalDate day = start == null ? today : start.withOffsetSameInstant(ZoneOffset.UTC).toLocalDate();
                if (day.isBefore(oldest)) {
                    tooOld++;
                    continue;
                }
                Double millis = start != null && end != null && !end.isBefore(start)
                        ? (double) Duration.between(start, end).toNanos() / 1_000_000.0 : null;
                Key key = new Key(text, blankToNull(field(reader, column, "user_name")),
                        blankToNull(field(reader, column, "database_name")),
                        blankToNull(field(reader, column, "schema_name")), day);
                counts.computeIfAbsent(key, k -> new Counts()).add(millis);
            }
        }
        catch (LoadDataException e) {
            throw new PgBridgeException(ErrorCode.INVALID_DATA, name + " line " + e.line() + ": " + e.getMessage(),
                    "write the query log as RFC 4180 CSV: a query with commas, quotes or line breaks in double "
                            + "quotes, each quote inside doubled");
        }
        finally {
            reader.close();
        }
        List<LoggedQuery> queries = new ArrayList<>();
        counts.forEach((k, c) -> queries.add(new LoggedQuery(k.text(), k.user(), k.database(), k.schema(), c.calls,
                c.timed == 0 ? null : c.millis / c.timed, k.day())));
        return new Read(queries, rows, aborted, tooOld, warnings);
    }

    private record Key(String text, String user, String database, String schema, LocalDate day) {
    }

    private static final class Counts {
        long calls;
        long timed;
        double millis;

        void add(Double duration) {
            calls++;
            if (duration != null) {
                timed++;
                millis += duration;
            }
        }
    }

    private static String field(CsvRecordReader reader, Map<String, Integer> column, String name) {
        Integer i = column.get(name);
        return i == null || i >= reader.fieldCount() ? null : reader.text(i);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    /** A time of the file; one without an offset is UTC. Null (with a warning) when it cannot be read. */
    static OffsetDateTime time(String text, String name, long line, List<String> warnings) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            var parsed = TIME.parseBest(text.strip(), OffsetDateTime::from, LocalDateTime::from, LocalDate::from);
            return switch (parsed) {
                case OffsetDateTime o -> o;
                case LocalDateTime l -> l.atOffset(ZoneOffset.UTC);
                case LocalDate d -> d.atStartOfDay().atOffset(ZoneOffset.UTC);
                default -> null;
            };
        }
        catch (DateTimeParseException e) {
            warnings.add(name + " line " + line + ": cannot read the time '" + text + "' (expected e.g. "
                    + "2024-05-01 10:00:00); the row counts for the run's day");
            return null;
        }
    }

    private static PgBridgeException missingHeader(String name, String why) {
        return new PgBridgeException(ErrorCode.INVALID_DATA, "cannot read the query log file " + name + ": " + why,
                "start the file with a header line naming its columns: " + String.join(",", COLUMNS)
                        + " (only query_text is required)");
    }
}
