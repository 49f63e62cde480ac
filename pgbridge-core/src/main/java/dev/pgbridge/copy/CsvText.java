package dev.pgbridge.copy;

/**
 * CSV fields the way PostgreSQL's {@code COPY … (FORMAT csv)} writes them, so {@code query --format csv} and
 * {@code export --format csv} agree: a field is quoted when it is empty (an unquoted empty field is NULL), holds a
 * comma, a double quote, CR or LF, or is exactly {@code \.}; quotes inside are doubled. NULL is an empty field.
 */
public final class CsvText {
    private CsvText() {
    }

    /** Appends one field; {@code value} null is SQL NULL. */
    public static void appendField(StringBuilder sb, String value) {
        if (value == null) {
            return;
        }
        if (!needsQuotes(value)) {
            sb.append(value);
            return;
        }
        sb.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"') {
                sb.append('"');
            }
            sb.append(c);
        }
        sb.append('"');
    }

    static boolean needsQuotes(String value) {
        if (value.isEmpty() || value.equals("\\.")) {
            return true;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == ',' || c == '"' || c == '\n' || c == '\r') {
                return true;
            }
        }
        return false;
    }

    /** One line (LF-terminated, as COPY writes it). */
    public static String line(Iterable<String> values) {
        StringBuilder sb = new StringBuilder();
        boolean first = true;
        for (String v : values) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            appendField(sb, v);
        }
        return sb.append('\n').toString();
    }
}
