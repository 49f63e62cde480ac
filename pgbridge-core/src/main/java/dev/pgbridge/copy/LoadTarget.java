package dev.pgbridge.copy;

import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.sql.Identifier;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Where the rows of one load or transfer go, inside the caller's transaction: the table itself, emptied first with
 * {@code --truncate}; or, with an upsert key, a temporary staging table ({@code LIKE} the target, dropped at commit;
 * with the columns loaded, their NOT NULL and the CHECK constraints on them only, so a bad row fails during COPY where
 * its line is known) that {@link #finish} merges with {@code INSERT … ON CONFLICT (key) DO UPDATE}. Because all of it happens in one
 * transaction, a rollback leaves the table exactly as it was, truncate included.
 */
public final class LoadTarget {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final LoadTable table;
    private final List<LoadColumn> columns;
    private final List<String> upsertKey;
    private final String staging;

    private LoadTarget(LoadTable table, List<LoadColumn> columns, List<String> upsertKey, String staging) {
        this.table = table;
        this.columns = List.copyOf(columns);
        this.upsertKey = List.copyOf(upsertKey);
        this.staging = staging;
    }

    /**
     * Checks the columns and key against the table, then truncates and creates the staging table as asked.
     * Column names are exact (no case folding); a name the table lacks fails with the table's columns in the hint.
     */
    public static LoadTarget prepare(Connection c, LoadTable table, List<String> columnNames, boolean truncate,
                                     List<String> upsertKey) throws SQLException {
        requireNonNull(table, "table is null");
        List<LoadColumn> columns = columns(table, columnNames);
        List<String> key = List.copyOf(requireNonNull(upsertKey, "upsertKey is null"));
        for (String k : key) {
            if (!columnNames.contains(k)) {
                throw new PgBridgeException(ErrorCode.INVALID_CONFIG,
                        "upsert key column \"" + k + "\" is not among the columns loaded: " + String.join(", ", columnNames),
                        "the key must name columns the input has, exactly as spelled in the table (no case folding)"
                                + didYouMean(k, columnNames));
            }
        }
        if (new HashSet<>(key).size() != key.size()) {
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "the upsert key names a column twice: " + key,
                    "name each key column once");
        }
        if (!key.isEmpty() && table.uniqueKey(key).isEmpty()) {
            throw noSuchKey(table, key, null);
        }
        try (Statement s = c.createStatement()) {
            if (truncate) {
                s.execute("TRUNCATE TABLE " + table.qualifiedName());
            }
            String staging = null;
            if (!key.isEmpty()) {
                staging = Identifier.quote("pgbridge_stage_" + HexFormat.of().formatHex(randomBytes()));
                s.execute("CREATE TEMPORARY TABLE " + staging + " (LIKE " + table.qualifiedName()
                        + " INCLUDING DEFAULTS INCLUDING CONSTRAINTS) ON COMMIT DROP");
                // the staging table holds the columns loaded, nothing else: a column left to the table (an identity,
                // a default) would be NULL there and break its NOT NULL or a CHECK that the table itself passes
                StringBuilder drop = new StringBuilder();
                for (String name : table.columnNames()) {
                    if (!columnNames.contains(name)) {
                        drop.append(drop.isEmpty() ? "" : ", ").append("DROP COLUMN ").append(Identifier.quote(name));
                    }
                }
                if (!drop.isEmpty()) {
                    s.execute("ALTER TABLE " + staging + " " + drop);
                }
            }
            return new LoadTarget(table, columns, key, staging);
        }
    }

    /** An upsert key that is no primary key or unique constraint of the table: ON CONFLICT could not merge on it. */
    private static PgBridgeException noSuchKey(LoadTable table, List<String> key, Throwable cause) {
        List<String> keys = new ArrayList<>();
        for (List<String> k : table.uniqueKeys()) {
            keys.add("(" + String.join(", ", k) + ")" + (k.equals(table.primaryKey()) ? " (the primary key)" : ""));
        }
        return new PgBridgeException(ErrorCode.INVALID_CONFIG, "cannot upsert into " + table.qualifiedName() + " on ("
                + String.join(", ", key) + "): no primary key or unique constraint has exactly these columns",
                keys.isEmpty()
                        ? "the table has no primary key or unique constraint to merge on: add one (ALTER TABLE "
                                + table.qualifiedName() + " ADD PRIMARY KEY (…)), or load without --upsert-key"
                        : "its keys are " + String.join(", ", keys) + "; give all the columns of one of them with --upsert-key",
                cause);
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[6];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    /** The table's columns for these names, in the order given. */
    static List<LoadColumn> columns(LoadTable table, List<String> columnNames) {
        requireNonNull(columnNames, "columnNames is null");
        if (columnNames.isEmpty()) {
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "no columns to load into " + table.qualifiedName(),
                    "give a header line, --columns, or JSON objects with keys");
        }
        List<LoadColumn> columns = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String name : columnNames) {
            LoadColumn column = table.column(name).orElseThrow(() -> new PgBridgeException(ErrorCode.INVALID_CONFIG,
                    "column \"" + name + "\" is not in table " + table.qualifiedName(),
                    "its columns are: " + String.join(", ", table.columnNames())
                            + "; names are exact, with no case folding" + didYouMean(name, table.columnNames())));
            if (!seen.add(name)) {
                throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "column \"" + name + "\" is given twice",
                        "name each column once (in the header, the JSON keys or --columns)");
            }
            if (column.generated()) {
                throw new PgBridgeException(ErrorCode.INVALID_CONFIG,
                        "column \"" + name + "\" of " + table.qualifiedName() + " is generated: PostgreSQL computes it",
                        "leave it out of the input (or of --columns)");
            }
            columns.add(column);
        }
        return columns;
    }

    static String didYouMean(String name, List<String> candidates) {
        for (String candidate : candidates) {
            if (candidate.toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
                return "; did you mean \"" + candidate + "\"?";
            }
        }
        return "";
    }

    public LoadTable table() {
        return table;
    }

    public List<LoadColumn> columns() {
        return columns;
    }

    public boolean upsert() {
        return staging != null;
    }

    /** {@code COPY <table or staging> ("a", "b") FROM STDIN}, in text or binary format. */
    public String copyStatement(boolean binary) {
        StringBuilder sql = new StringBuilder("COPY ").append(staging != null ? staging : table.qualifiedName()).append(" (");
        for (int i = 0; i < columns.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append(Identifier.quote(columns.get(i).name()));
        }
        return sql.append(") FROM STDIN").append(binary ? " (FORMAT binary)" : "").toString();
    }

    /**
     * Merges the staging table into the table ({@code INSERT … ON CONFLICT (key) DO UPDATE SET} every other column,
     * or {@code DO NOTHING} when the key is all there is) and returns the rows inserted or updated; without an
     * upsert key, does nothing and returns -1. A {@code GENERATED ALWAYS AS IDENTITY} column among the columns
     * loaded takes the input's values ({@code OVERRIDING SYSTEM VALUE}, as COPY does) in rows inserted, and keeps its
     * value in rows updated (PostgreSQL only sets such a column to DEFAULT).
     */
    public long finish(Connection c) throws SQLException {
        if (staging == null) {
            return -1;
        }
        StringBuilder list = new StringBuilder();
        for (int i = 0; i < columns.size(); i++) {
            list.append(i == 0 ? "" : ", ").append(Identifier.quote(columns.get(i).name()));
        }
        StringBuilder keys = new StringBuilder();
        for (int i = 0; i < upsertKey.size(); i++) {
            keys.append(i == 0 ? "" : ", ").append(Identifier.quote(upsertKey.get(i)));
        }
        StringBuilder set = new StringBuilder();
        boolean overriding = false;
        for (LoadColumn column : columns) {
            overriding |= column.identityAlways();
            if (!upsertKey.contains(column.name()) && !column.identityAlways()) {
                String q = Identifier.quote(column.name());
                set.append(set.isEmpty() ? "" : ", ").append(q).append(" = EXCLUDED.").append(q);
            }
        }
        String sql = "INSERT INTO " + table.qualifiedName() + " (" + list + ")"
                + (overriding ? " OVERRIDING SYSTEM VALUE" : "") + " SELECT " + list + " FROM " + staging
                + " ON CONFLICT (" + keys + ") DO " + (set.isEmpty() ? "NOTHING" : "UPDATE SET " + set);
        try (Statement s = c.createStatement()) {
            return s.executeLargeUpdate(sql);
        }
        catch (SQLException e) {
            String state = e.getSQLState() == null ? "" : e.getSQLState();
            if (state.equals("42P10")) {
                // checked before loading; the table changed meanwhile
                throw noSuchKey(table, upsertKey, e);
            }
            if (state.equals("21000")) {
                throw new PgBridgeException(ErrorCode.INVALID_DATA, "cannot upsert into " + table.qualifiedName()
                        + ": the input has two rows with the same key (" + String.join(", ", upsertKey) + ")",
                        "an upsert takes each key once; remove the duplicate rows from the input", e);
            }
            throw e;
        }
    }
}
