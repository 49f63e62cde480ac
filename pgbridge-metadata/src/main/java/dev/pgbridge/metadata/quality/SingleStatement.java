package dev.pgbridge.metadata.quality;

/**
 * Whether SQL text is one statement: no {@code ;} outside quotes ({@code '…'}, {@code E'…'}, {@code "…"},
 * {@code $tag$…$tag$}) and comments ({@code --}, nested {@code /* *\/}), except at the end. The driver would otherwise
 * send each statement in turn, and a {@code COMMIT;} in {@code sqlExpression} would end the read-only transaction.
 */
final class SingleStatement {
    private SingleStatement() {
    }

    /** The statement without a trailing {@code ;} (and what follows it, blanks and comments); null when several. */
    static String of(String sql) {
        int n = sql.length();
        int i = 0;
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '\'' ) {
                boolean escapes = i > 0 && (sql.charAt(i - 1) == 'E' || sql.charAt(i - 1) == 'e');
                i = quotedEnd(sql, i + 1, '\'', escapes);
            }
            else if (c == '"') {
                i = quotedEnd(sql, i + 1, '"', false);
            }
            else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int eol = sql.indexOf('\n', i);
                i = eol < 0 ? n : eol + 1;
            }
            else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                i = commentEnd(sql, i + 2);
            }
            else if (c == '$' && (i == 0 || !Character.isLetterOrDigit(sql.charAt(i - 1)) && sql.charAt(i - 1) != '_')) {
                int tagEnd = sql.indexOf('$', i + 1);
                String tag = tagEnd < 0 ? null : sql.substring(i, tagEnd + 1);
                if (tag != null && tag.chars().skip(1).limit(tag.length() - 2L)
                        .allMatch(ch -> Character.isLetterOrDigit(ch) || ch == '_')) {
                    int close = sql.indexOf(tag, tagEnd + 1);
                    i = close < 0 ? n : close + tag.length();
                }
                else {
                    i++;
                }
            }
            else if (c == ';') {
                return onlyBlanksAfter(sql, i + 1) ? sql.substring(0, i) : null;
            }
            else {
                i++;
            }
        }
        return sql;
    }

    private static int quotedEnd(String sql, int from, char quote, boolean escapes) {
        int i = from;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (escapes && c == '\\') {
                i += 2;
                continue;
            }
            if (c == quote) {
                if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        return sql.length();
    }

    private static int commentEnd(String sql, int from) {
        int depth = 1;
        int i = from;
        while (i < sql.length() && depth > 0) {
            if (sql.startsWith("/*", i)) {
                depth++;
                i += 2;
            }
            else if (sql.startsWith("*/", i)) {
                depth--;
                i += 2;
            }
            else {
                i++;
            }
        }
        return i;
    }

    private static boolean onlyBlanksAfter(String sql, int from) {
        int i = from;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c) || c == ';') {
                i++;
            }
            else if (sql.startsWith("--", i)) {
                int eol = sql.indexOf('\n', i);
                i = eol < 0 ? sql.length() : eol + 1;
            }
            else if (sql.startsWith("/*", i)) {
                i = commentEnd(sql, i + 2);
            }
            else {
                return false;
            }
        }
        return true;
    }
}
