package dev.pgbridge.copy;

import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * How to load: the table (as typed by the user: {@code orders}, {@code sales.orders}, {@code "Sales"."Orders"}),
 * the input format, and
 * <ul>
 * <li>{@code columns}: for CSV the columns the fields of each record go to, in order (a header line is then skipped,
 * as {@code psql \copy (cols)} does); for JSON lines the keys to load (other keys are ignored). Empty: the CSV
 * header's names (all table columns with no header), or the keys of the first JSON object (a later object with
 * another key is an error). Names are exact, with no case folding;</li>
 * <li>{@code create}: create the table from the input when it does not exist (with the upsert key, if any, as its
 * primary key);</li>
 * <li>{@code truncate}: empty it first (in the same transaction, so a failed load restores it);</li>
 * <li>{@code upsertKey}: merge on these columns instead of appending;</li>
 * <li>{@code chunkRows}: rows per COPY statement;</li>
 * <li>{@code header}: whether CSV input starts with a header line (JSON lines has none).</li>
 * </ul>
 */
public record LoadOptions(String table, LoadFormat format, List<String> columns, boolean create, boolean truncate,
                          List<String> upsertKey, int chunkRows, boolean header) {
    public static final int DEFAULT_CHUNK_ROWS = 50_000;

    public LoadOptions {
        requireNonNull(table, "table is null");
        requireNonNull(format, "format is null");
        columns = List.copyOf(requireNonNull(columns, "columns is null"));
        upsertKey = List.copyOf(requireNonNull(upsertKey, "upsertKey is null"));
        List<String> problems = new ArrayList<>();
        if (table.isBlank()) {
            problems.add("table is empty");
        }
        if (chunkRows < 1) {
            problems.add("chunk rows is " + chunkRows + ", it must be at least 1");
        }
        if (new HashSet<>(columns).size() != columns.size()) {
            problems.add("columns name a column twice: " + columns);
        }
        if (columns.stream().anyMatch(String::isEmpty)) {
            problems.add("columns has an empty name");
        }
        if (new HashSet<>(upsertKey).size() != upsertKey.size()) {
            problems.add("upsert key names a column twice: " + upsertKey);
        }
        if (!problems.isEmpty()) {
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "invalid load options: " + String.join("; ", problems),
                    "fix the options listed");
        }
    }

    /** Appending CSV with a header (or JSON lines) in chunks of {@value #DEFAULT_CHUNK_ROWS} rows. */
    public static LoadOptions of(String table, LoadFormat format) {
        return new LoadOptions(table, format, List.of(), false, false, List.of(), DEFAULT_CHUNK_ROWS, true);
    }

    public LoadOptions withColumns(List<String> value) {
        return new LoadOptions(table, format, value, create, truncate, upsertKey, chunkRows, header);
    }

    public LoadOptions withCreate(boolean value) {
        return new LoadOptions(table, format, columns, value, truncate, upsertKey, chunkRows, header);
    }

    public LoadOptions withTruncate(boolean value) {
        return new LoadOptions(table, format, columns, create, value, upsertKey, chunkRows, header);
    }

    public LoadOptions withUpsertKey(List<String> value) {
        return new LoadOptions(table, format, columns, create, truncate, value, chunkRows, header);
    }

    public LoadOptions withChunkRows(int value) {
        return new LoadOptions(table, format, columns, create, truncate, upsertKey, value, header);
    }

    public LoadOptions withHeader(boolean value) {
        return new LoadOptions(table, format, columns, create, truncate, upsertKey, chunkRows, value);
    }
}
