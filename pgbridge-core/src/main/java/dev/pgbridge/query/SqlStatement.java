package dev.pgbridge.query;

import java.util.Arrays;
import java.util.Locale;

import static java.util.Objects.requireNonNull;

/**
 * One statement of a SQL text (see {@link SqlScript}).
 *
 * @param text the statement without its semicolon and surrounding blanks
 * @param index 0-based position among the statements of the text
 * @param offset where {@code text} starts in the whole SQL text (a {@code char} index)
 * @param line the 1-based line of the whole SQL text on which the statement starts
 * @param markers {@code char} indexes in {@code text} of the {@code ?} parameter markers
 * @param escapedMarkers {@code char} indexes in {@code text} of {@code ??} (a literal {@code ?} for pgjdbc)
 * @param problem why the statement cannot be wrapped in parentheses (an unterminated quote or comment,
 *                unbalanced parentheses), or null
 */
public record SqlStatement(String text, int index, int offset, int line, int[] markers, int[] escapedMarkers,
                           String problem) {
    public SqlStatement {
        requireNonNull(text, "text is null");
        markers = markers.clone();
        escapedMarkers = escapedMarkers.clone();
    }

    /** How many {@code ?} parameters the statement takes. */
    public int parameterCount() {
        return markers.length;
    }

    /** The first word, upper case ({@code SELECT}, {@code INSERT}, {@code CREATE} …), or empty. */
    public String firstKeyword() {
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c) || c == '(') {
                i++;
            }
            else if (text.startsWith("--", i)) {
                int end = text.indexOf('\n', i);
                i = end < 0 ? n : end + 1;
            }
            else if (text.startsWith("/*", i)) {
                int end = text.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
            }
            else {
                break;
            }
        }
        int end = i;
        while (end < n && Character.isLetter(text.charAt(end))) {
            end++;
        }
        return text.substring(i, end).toUpperCase(Locale.ROOT);
    }

    /**
     * Maps a position PostgreSQL reported (1-based, counted in characters — code points — of the statement as pgjdbc
     * sent it, with each {@code ?} replaced by {@code $n} and {@code ??} by {@code ?}) to a {@code char} index in
     * {@link #text()}; -1 when it lies outside.
     */
    public int sourceIndex(int serverPosition) {
        if (serverPosition < 1) {
            return -1;
        }
        int sent = 0; // code points of the sent text before index i
        int marker = 0;
        int i = 0;
        while (i < text.length()) {
            int width; // code points this source piece has in the sent text
            int length; // chars this piece has in the source
            if (Arrays.binarySearch(markers, i) >= 0) {
                marker++;
                width = 1 + Integer.toString(marker).length();
                length = 1;
            }
            else if (Arrays.binarySearch(escapedMarkers, i) >= 0) {
                width = 1;
                length = 2;
            }
            else {
                width = 1;
                length = Character.charCount(text.codePointAt(i));
            }
            if (serverPosition <= sent + width) {
                return i;
            }
            sent += width;
            i += length;
        }
        return -1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SqlStatement s && s.text.equals(text) && s.index == index && s.offset == offset
                && s.line == line && Arrays.equals(s.markers, markers) && Arrays.equals(s.escapedMarkers, escapedMarkers)
                && java.util.Objects.equals(s.problem, problem);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(text, index, offset, line, Arrays.hashCode(markers));
    }

    @Override
    public String toString() {
        // never the text: it may hold secrets (ALTER ROLE … PASSWORD)
        return "SqlStatement[" + index + " at line " + line + ", " + text.length() + " chars]";
    }

    @Override
    public int[] markers() {
        return markers.clone();
    }

    @Override
    public int[] escapedMarkers() {
        return escapedMarkers.clone();
    }
}
