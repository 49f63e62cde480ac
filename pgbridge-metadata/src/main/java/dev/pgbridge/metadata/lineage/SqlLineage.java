package dev.pgbridge.metadata.lineage;

import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.query.SqlScript;
import dev.pgbridge.query.SqlStatement;
import dev.pgbridge.sql.QualifiedName;
import net.sf.jsqlparser.JSQLParserException;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.statement.Statement;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Table- and column-level lineage of PostgreSQL statements. JSqlParser reads the syntax only; this class resolves
 * scopes, aliases, CTEs, {@code *} and the search_path and derives the edges:
 * <ul>
 *   <li>table edges from every relation read to every relation written (no self-loops);</li>
 *   <li>column edges only where data flows into a written column: columns only compared, filtered or grouped on give
 *       none, constants and {@code count(*)} none, {@code count(col)} one, {@code a || b} two; INSERT, CREATE TABLE AS
 *       and view column lists map by position;</li>
 *   <li>names of CTEs, sub-queries and their {@code *} resolved down to real columns; {@code *} over a real table
 *       expanded from the {@link ColumnCatalog} when it knows the table (else the table edge alone);</li>
 *   <li>system catalogs ({@code pg_catalog}, {@code information_schema}, unqualified {@code pg_*} relations) never
 *       become nodes.</li>
 * </ul>
 * An unqualified name means the first schema of the search_path whose relation the catalog knows, else the first
 * schema; tables a statement creates always go to the first schema, as PostgreSQL does. Unquoted names fold to lower
 * case, quoted names keep their case.
 *
 * <p>Thread-safe when the catalog is: each call analyzes on its own state.
 */
public final class SqlLineage {
    /** A statement's lineage or the reason there is none; exactly one of the two is set. */
    public record Result(String sql, StatementLineage lineage, LineageException failure) {
        public Result {
            requireNonNull(sql, "sql is null");
            if ((lineage == null) == (failure == null)) {
                throw new IllegalArgumentException("exactly one of lineage and failure must be set");
            }
        }

        public boolean ok() {
            return lineage != null;
        }
    }

    private final List<String> searchPath;
    private final ColumnCatalog catalog;
    /** A typed literal whose string pg_stat_statements replaced by a parameter: {@code timestamptz $3}. */
    private static final Pattern TYPED_PARAMETER = Pattern.compile(
            "(?<![\\w.\"$])((?:timestamp|time)\\s+with(?:out)?\\s+time\\s+zone|double\\s+precision"
                    + "|character\\s+varying|timestamptz|timestamp|timetz|time|date|interval|numeric|decimal|bigint"
                    + "|smallint|integer|int[248]?|real|float[48]?|text|varchar|char|bpchar|boolean|bool|jsonb|json"
                    + "|uuid|inet|cidr|macaddr|bytea|money|xml|regclass|tsquery|tsvector)\\s+\\$(\\d+)\\b",
            Pattern.CASE_INSENSITIVE);

    /**
     * JSqlParser parses on an executor thread so that it can give up after its timeout; without one given it starts a
     * thread per statement (five times slower). One daemon thread, ended when idle, so nothing needs closing.
     */
    private final ExecutorService parserThread;

    /**
     * @param searchPath the schemas unqualified names are looked up in, in order (e.g. {@code List.of("public")}); the
     *                   first is where unqualified new tables go. Names as stored (unquoted).
     * @param catalog    the columns of real relations, {@link ColumnCatalog#NONE} when there is no database at hand
     */
    public SqlLineage(List<String> searchPath, ColumnCatalog catalog) {
        requireNonNull(searchPath, "searchPath is null");
        if (searchPath.isEmpty()) {
            throw new IllegalArgumentException("searchPath is empty: give at least the default schema");
        }
        this.searchPath = List.copyOf(searchPath);
        this.catalog = requireNonNull(catalog, "catalog is null");
        ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                task -> {
                    Thread thread = new Thread(task, "pgbridge-lineage-parser");
                    thread.setDaemon(true);
                    return thread;
                });
        executor.allowCoreThreadTimeOut(true);
        this.parserThread = executor;
    }

    public List<String> searchPath() {
        return searchPath;
    }

    /**
     * The lineage of one statement (a trailing semicolon is allowed).
     *
     * @throws LineageException when JSqlParser cannot parse it or it uses a construct this class does not understand
     */
    public StatementLineage analyze(String sql) {
        requireNonNull(sql, "sql is null");
        List<SqlStatement> parts = SqlScript.split(sql);
        if (parts.isEmpty()) {
            throw new LineageException(sql, "it holds no statement", "give one SQL statement");
        }
        if (StatementKind.of(sql) == StatementKind.NO_DATA_FLOW) {
            // transaction control, maintenance, session commands (JSqlParser partly cannot read them): an empty
            // lineage, never a failure, so a query log full of BEGIN and VACUUM does not drown the real failures
            return new StatementLineage(sql, Set.of(), Set.of(), List.of(), List.of(), List.of());
        }
        Statement statement;
        try {
            statement = parse(sql);
        }
        catch (JSQLParserException e) {
            throw new LineageException(sql, parserReason(e),
                    "JSqlParser does not read this statement; its lineage is left out", e);
        }
        catch (RuntimeException e) { // the generated parser fails with unchecked errors on some input
            throw new LineageException(sql, "the SQL parser failed (" + e.getClass().getSimpleName() + ")",
                    "JSqlParser does not read this statement; its lineage is left out", e);
        }
        if (statement == null) {
            throw new LineageException(sql, "it holds no statement", "give one SQL statement");
        }
        try {
            return new StatementAnalyzer(this, sql).analyze(statement);
        }
        catch (LineageException e) {
            throw e;
        }
        catch (PgBridgeException e) { // a malformed name (QualifiedName's INVALID_NAME)
            throw new LineageException(sql, e.getMessage(), e.hint(), e);
        }
    }

    /**
     * The lineage of a view or materialized view from its definition as {@code pg_get_viewdef} prints it (the query
     * after {@code AS}, e.g. from core's {@code ViewDefinitions}): the view is the written table, its columns take the
     * query's output names. The statement text of the result is the {@code CREATE VIEW} built around the definition.
     *
     * @throws LineageException when the definition cannot be parsed or is not understood
     */
    public StatementLineage analyzeView(TableName view, String definition) {
        requireNonNull(view, "view is null");
        requireNonNull(definition, "definition is null");
        String query = definition.strip();
        while (query.endsWith(";")) {
            query = query.substring(0, query.length() - 1).stripTrailing();
        }
        return analyze("CREATE VIEW " + QualifiedName.of(view.schema(), view.name()).quoted() + " AS " + query);
    }

    /**
     * The lineage of each statement of a script, split at top-level semicolons (quotes, dollar quotes and comments
     * respected); a statement that cannot be analyzed is a failed {@link Result} and never stops the others.
     */
    public List<Result> analyzeScript(String sql) {
        requireNonNull(sql, "sql is null");
        List<Result> out = new ArrayList<>();
        for (SqlStatement statement : SqlScript.split(sql)) {
            String text = statement.text();
            try {
                out.add(new Result(text, analyze(text), null));
            }
            catch (LineageException e) {
                out.add(new Result(text, null, e));
            }
        }
        return out;
    }

    /**
     * Parses {@code sql}; when JSqlParser refuses it and it holds typed literals whose string
     * pg_stat_statements replaced by a parameter ({@code timestamptz '2025-01-01'} logged as {@code timestamptz $3}),
     * parses it again with those written as casts ({@code $3::timestamptz}), which mean the same.
     */
    private Statement parse(String sql) throws JSQLParserException {
        try {
            return CCJSqlParserUtil.parse(sql, parserThread, null);
        }
        catch (JSQLParserException e) {
            String casts = typedParametersAsCasts(sql);
            if (casts.equals(sql)) {
                throw e;
            }
            try {
                return CCJSqlParserUtil.parse(casts, parserThread, null);
            }
            catch (JSQLParserException again) {
                throw e;
            }
        }
    }

    /**
     * The typed literals of a normalized statement ({@code TYPE $n}, the form pg_stat_statements logs
     * {@code TYPE 'text'} in) as casts ({@code $n::TYPE}); the types are the built-in ones such literals are written
     * with.
     */
    static String typedParametersAsCasts(String sql) {
        return TYPED_PARAMETER.matcher(sql).replaceAll(m -> "\\$" + m.group(2) + "::" + m.group(1));
    }

    /** JSqlParser's reason, cut to its first line (the rest lists every token it expected). */
    private static String parserReason(JSQLParserException e) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        String message = cause.getMessage() == null ? e.getMessage() : cause.getMessage();
        if (message == null || message.isBlank()) {
            return "JSqlParser cannot read it";
        }
        String first = message.strip().lines().findFirst().orElse(message).strip()
                .replaceFirst("^(net\\.sf\\.jsqlparser\\.[A-Za-z.]+Exception: )+", "")
                .replaceFirst(",? in lexical state [A-Z_]+\\.?$", "");
        return first.length() > 200 ? first.substring(0, 200) + "…" : first;
    }

    /** The catalog's columns of a relation; empty when it does not know it. */
    List<String> columns(TableName table) {
        return List.copyOf(catalog.columns(table));
    }

    /** An existing relation named without schema: the first schema of the path where the catalog knows it. */
    TableName resolveExisting(String name) {
        for (String schema : searchPath) {
            TableName candidate = new TableName(schema, name);
            if (!columns(candidate).isEmpty()) {
                return candidate;
            }
        }
        return new TableName(searchPath.get(0), name);
    }

    /** A relation a statement creates, named without schema: the first schema of the path. */
    TableName resolveCreated(String name) {
        return new TableName(searchPath.get(0), name);
    }
}
