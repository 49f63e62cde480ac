package dev.pgbridge.query;

import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static java.util.Objects.requireNonNull;

/**
 * Splits SQL text into statements at top-level semicolons, as psql does: a semicolon inside a quoted string
 * ({@code '…'}, {@code E'…'}), a quoted identifier, a dollar-quoted body ({@code $tag$…$tag$}), a comment
 * ({@code --}, nested {@code /* *}{@code /}), parentheses, or the {@code BEGIN … END} body of a
 * {@code CREATE FUNCTION|PROCEDURE … BEGIN ATOMIC} does not end a statement. Statements that hold only blanks and
 * comments are dropped. Each statement keeps where it starts in the text, so an error position can be shown on
 * the line of the script it came from.
 *
 * <p>This is a lexer, not a parser: it never decides whether SQL is valid. It also finds the {@code ?} parameter
 * markers outside quotes and comments the way pgjdbc does ({@code ??} is a literal {@code ?}).
 */
public final class SqlScript {
    private SqlScript() {
    }

    /** The statements of {@code sql}, in order; empty when it holds none. */
    public static List<SqlStatement> split(String sql) {
        requireNonNull(sql, "sql is null");
        return new Lexer(sql).statements();
    }

    /**
     * The one statement of {@code sql} (a trailing semicolon is allowed), checked so that it can be placed inside
     * parentheses — {@code COPY (…) TO STDOUT} — without changing what it means: no unterminated quote or comment,
     * no parenthesis closing one it did not open.
     */
    public static SqlStatement single(String sql) {
        List<SqlStatement> statements = split(sql);
        if (statements.size() != 1) {
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG,
                    statements.isEmpty() ? "the SQL text holds no statement"
                            : "the SQL text holds " + statements.size() + " statements where one is expected",
                    "give exactly one statement (a SELECT, VALUES or TABLE query)");
        }
        SqlStatement statement = statements.get(0);
        if (statement.problem() != null) {
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG,
                    "the SQL statement cannot be used as a subquery: " + statement.problem(), "check the quotes, comments and parentheses");
        }
        return statement;
    }

    /**
     * The one query of {@code sql} ({@link #single}, and a {@code SELECT}, {@code WITH}, {@code VALUES} or
     * {@code TABLE}): for SQL a user hands to be read from, such as a data-quality test's {@code sqlExpression} or a
     * profiler's {@code profileQuery}. A {@code COPY … TO PROGRAM} or a function call statement is refused before it
     * reaches the server.
     *
     * @param what names the SQL in the error ({@code "sqlExpression"})
     */
    public static SqlStatement query(String sql, String what) {
        SqlStatement statement;
        try {
            statement = single(sql);
        }
        catch (PgBridgeException e) {
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG, what + ": " + e.getMessage(), e.hint());
        }
        String text = statement.text().stripLeading();
        while (text.startsWith("(")) {
            text = text.substring(1).stripLeading();
        }
        int end = 0;
        while (end < text.length() && Character.isLetter(text.charAt(end))) {
            end++;
        }
        String keyword = text.substring(0, end).toUpperCase(Locale.ROOT);
        if (!List.of("SELECT", "WITH", "VALUES", "TABLE").contains(keyword)) {
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG, what + " must be a query; it starts with "
                    + (keyword.isEmpty() ? "no keyword" : keyword), "write a SELECT (or WITH, VALUES, TABLE) query");
        }
        return statement;
    }

    private static final class Lexer {
        private final String text;
        private final List<SqlStatement> statements = new ArrayList<>();
        private int pos;
        // per statement
        private int first;
        private boolean content;
        private int parenDepth;
        private boolean unbalanced;
        private String problem;
        private final List<Integer> markers = new ArrayList<>();
        private final List<Integer> escapedMarkers = new ArrayList<>();
        // BEGIN ATOMIC tracking, as psql does: only in CREATE [OR REPLACE] FUNCTION|PROCEDURE
        private final List<String> leadingWords = new ArrayList<>();
        private int beginDepth;

        Lexer(String text) {
            this.text = text;
        }

        List<SqlStatement> statements() {
            resetStatement(0);
            int n = text.length();
            while (pos < n) {
                char c = text.charAt(pos);
                if (first < 0 && !Character.isWhitespace(c) && c != ';') {
                    first = pos;
                }
                if (c == ';' && parenDepth <= 0 && beginDepth == 0) {
                    finish(pos);
                    pos++;
                    resetStatement(pos);
                }
                else if (c == '\'') {
                    markContent();
                    boolean escapes = isEscapeStringPrefix(pos);
                    pos = skipQuoted(pos, '\'', escapes, "quoted string");
                }
                else if (c == '"') {
                    markContent();
                    pos = skipQuoted(pos, '"', false, "quoted identifier");
                }
                else if (c == '-' && next(pos) == '-') {
                    int end = text.indexOf('\n', pos);
                    pos = end < 0 ? n : end + 1;
                }
                else if (c == '/' && next(pos) == '*') {
                    pos = skipBlockComment(pos);
                }
                else if (c == '$' && !identifierChar(previous(pos))) {
                    markContent();
                    pos = skipDollar(pos);
                }
                else if (c == '(') {
                    markContent();
                    parenDepth++;
                    pos++;
                }
                else if (c == ')') {
                    markContent();
                    parenDepth--;
                    if (parenDepth < 0) {
                        unbalanced = true;
                    }
                    pos++;
                }
                else if (c == '?') {
                    markContent();
                    if (next(pos) == '?') {
                        escapedMarkers.add(pos);
                        pos += 2;
                    }
                    else {
                        markers.add(pos);
                        pos++;
                    }
                }
                else if (identifierStart(c)) {
                    markContent();
                    int end = pos + 1;
                    while (end < n && identifierChar(text.charAt(end))) {
                        end++;
                    }
                    word(text.substring(pos, end));
                    pos = end;
                }
                else {
                    if (!Character.isWhitespace(c)) {
                        markContent();
                    }
                    pos++;
                }
            }
            finish(n);
            return List.copyOf(statements);
        }

        private void resetStatement(int at) {
            first = -1;
            content = false;
            parenDepth = 0;
            unbalanced = false;
            problem = null;
            markers.clear();
            escapedMarkers.clear();
            leadingWords.clear();
            beginDepth = 0;
        }

        private void markContent() {
            content = true;
        }

        private void finish(int end) {
            if (!content) {
                return;
            }
            int start = first;
            int stop = end;
            while (stop > start && Character.isWhitespace(text.charAt(stop - 1))) {
                stop--;
            }
            String issue = problem;
            if (issue == null && unbalanced) {
                issue = "a closing parenthesis has no opening one";
            }
            else if (issue == null && parenDepth > 0) {
                issue = "a parenthesis is not closed";
            }
            statements.add(new SqlStatement(text.substring(start, stop), statements.size(), start,
                    lineOf(start), markers.stream().mapToInt(i -> i - start).toArray(),
                    escapedMarkers.stream().mapToInt(i -> i - start).toArray(), issue));
        }

        private int lineOf(int offset) {
            int line = 1;
            for (int i = 0; i < offset; i++) {
                if (text.charAt(i) == '\n') {
                    line++;
                }
            }
            return line;
        }

        private void word(String word) {
            String lower = word.toLowerCase(Locale.ROOT);
            if (leadingWords.size() < 4) {
                leadingWords.add(lower);
            }
            if (!routineDefinition() || parenDepth != 0) {
                return;
            }
            switch (lower) {
                case "begin" -> beginDepth++;
                case "case" -> {
                    if (beginDepth > 0) {
                        beginDepth++;
                    }
                }
                case "end" -> {
                    if (beginDepth > 0) {
                        beginDepth--;
                    }
                }
                default -> {
                }
            }
        }

        /** CREATE FUNCTION, CREATE PROCEDURE, CREATE OR REPLACE FUNCTION|PROCEDURE. */
        private boolean routineDefinition() {
            if (leadingWords.size() < 2 || !leadingWords.get(0).equals("create")) {
                return false;
            }
            String second = leadingWords.get(1);
            if (second.equals("function") || second.equals("procedure")) {
                return true;
            }
            return leadingWords.size() >= 4 && second.equals("or") && leadingWords.get(2).equals("replace")
                    && (leadingWords.get(3).equals("function") || leadingWords.get(3).equals("procedure"));
        }

        /** {@code E'…'} (or {@code e'…'}) where the E is not the end of a longer word. */
        private boolean isEscapeStringPrefix(int quote) {
            if (quote == 0) {
                return false;
            }
            char e = text.charAt(quote - 1);
            return (e == 'E' || e == 'e') && !identifierChar(previous(quote - 1));
        }

        /** Index after the closing quote; the quote is doubled to embed it, or backslash-escaped in E strings. */
        private int skipQuoted(int open, char quote, boolean backslashEscapes, String what) {
            int i = open + 1;
            int n = text.length();
            while (i < n) {
                char c = text.charAt(i);
                if (backslashEscapes && c == '\\') {
                    i += 2;
                    continue;
                }
                if (c == quote) {
                    if (i + 1 < n && text.charAt(i + 1) == quote) {
                        i += 2;
                        continue;
                    }
                    return i + 1;
                }
                i++;
            }
            unterminated(what);
            return n;
        }

        private int skipBlockComment(int open) {
            int depth = 0;
            int i = open;
            int n = text.length();
            while (i < n) {
                if (text.startsWith("/*", i)) {
                    depth++;
                    i += 2;
                }
                else if (text.startsWith("*/", i)) {
                    depth--;
                    i += 2;
                    if (depth == 0) {
                        return i;
                    }
                }
                else {
                    i++;
                }
            }
            unterminated("comment");
            return n;
        }

        /** {@code $tag$ … $tag$} (tag may be empty); a {@code $} that starts no tag ({@code $1}) is one character. */
        private int skipDollar(int open) {
            int n = text.length();
            int i = open + 1;
            if (i < n && (identifierStart(text.charAt(i)))) {
                while (i < n && text.charAt(i) != '$' && identifierChar(text.charAt(i))) {
                    i++;
                }
            }
            if (i >= n || text.charAt(i) != '$') {
                return open + 1; // $1 or a lone $
            }
            String tag = text.substring(open, i + 1);
            int close = text.indexOf(tag, i + 1);
            if (close < 0) {
                unterminated("dollar-quoted string " + tag);
                return n;
            }
            return close + tag.length();
        }

        private void unterminated(String what) {
            if (problem == null) {
                problem = "unterminated " + what;
            }
        }

        private char next(int i) {
            return i + 1 < text.length() ? text.charAt(i + 1) : '\0';
        }

        private char previous(int i) {
            return i > 0 ? text.charAt(i - 1) : '\0';
        }
    }

    static boolean identifierStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
    }

    static boolean identifierChar(char c) {
        return identifierStart(c) || (c >= '0' && c <= '9') || c == '$';
    }
}
