package dev.pgbridge.metadata.lineage;

import static java.util.Objects.requireNonNull;

/**
 * How statement text is shown: every string literal masked, so a password in {@code CREATE USER MAPPING … OPTIONS
 * (password '…')} or {@code ALTER ROLE … PASSWORD '…'} never reaches a warning, an error or a query entity. The one
 * place statement text is shortened or masked for display; everything that quotes a statement goes through here.
 */
public final class StatementText {
    /** How many characters of a statement an excerpt shows. */
    static final int EXCERPT = 80;
    /** What every string literal becomes. */
    public static final String MASK = "'…'";

    private StatementText() {
    }

    /**
     * The statement's first 80 characters on one line, in quotes, with every string literal as {@code '…'} (masked
     * before it is cut, so a literal cut in half is masked too).
     */
    public static String excerpt(String sql) {
        String oneLine = maskLiterals(sql).strip().replaceAll("\\s+", " ");
        return oneLine.length() <= EXCERPT ? "'" + oneLine + "'" : "'" + oneLine.substring(0, EXCERPT) + "…'";
    }

    /**
     * The text with every string literal replaced by {@code '…'}: standard {@code '…'} (with {@code ''} inside),
     * escape strings {@code E'…'} (with {@code \'} inside; the {@code E} goes too), and dollar-quoted {@code $$…$$} and
     * {@code $tag$…$tag$}. The rest — keywords, names, quoted identifiers, parameters ({@code $1}), comments — stays,
     * so the statement keeps its structure (OpenMetadata masks the literals of the query text it stores the same way).
     * A literal never closed is masked to the end.
     */
    public static String maskLiterals(String sql) {
        requireNonNull(sql, "sql is null");
        StringBuilder out = new StringBuilder(sql.length());
        int n = sql.length();
        int i = 0;
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int end = sql.indexOf('\n', i);
                end = end < 0 ? n : end;
                out.append(sql, i, end);
                i = end;
            }
            else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int end = sql.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
                out.append(sql, i, end);
                i = end;
            }
            else if (c == '"') {
                int end = sql.indexOf('"', i + 1);
                end = end < 0 ? n : end + 1;
                out.append(sql, i, end);
                i = end;
            }
            else if (c == '\'') {
                boolean escapes = i > 0 && (sql.charAt(i - 1) == 'E' || sql.charAt(i - 1) == 'e')
                        && (i == 1 || !identifierPart(sql.charAt(i - 2)));
                if (escapes) {
                    out.setLength(out.length() - 1);
                }
                i = stringEnd(sql, i + 1, escapes);
                out.append(MASK);
            }
            else if (c == '$' && (i == 0 || !identifierPart(sql.charAt(i - 1)))) {
                int tagEnd = dollarTagEnd(sql, i);
                if (tagEnd < 0) {
                    out.append(c);
                    i++;
                }
                else {
                    String tag = sql.substring(i, tagEnd + 1);
                    int close = sql.indexOf(tag, tagEnd + 1);
                    i = close < 0 ? n : close + tag.length();
                    out.append(MASK);
                }
            }
            else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    /** The index after the quote closing a string whose text starts at {@code from}. */
    private static int stringEnd(String sql, int from, boolean escapes) {
        int i = from;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (escapes && c == '\\') {
                i += 2;
            }
            else if (c == '\'') {
                if (i + 1 < sql.length() && sql.charAt(i + 1) == '\'') {
                    i += 2;
                }
                else {
                    return i + 1;
                }
            }
            else {
                i++;
            }
        }
        return sql.length();
    }

    /** The index of the {@code $} closing a dollar-quote tag opened at {@code start}; -1 when none opens there. */
    private static int dollarTagEnd(String sql, int start) {
        int i = start + 1;
        if (i < sql.length() && sql.charAt(i) == '$') {
            return i;
        }
        if (i >= sql.length() || !(Character.isLetter(sql.charAt(i)) || sql.charAt(i) == '_')) {
            return -1;
        }
        while (i < sql.length() && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_')) {
            i++;
        }
        return i < sql.length() && sql.charAt(i) == '$' ? i : -1;
    }

    private static boolean identifierPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }
}
