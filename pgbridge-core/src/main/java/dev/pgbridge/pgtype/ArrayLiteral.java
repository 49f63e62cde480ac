package dev.pgbridge.pgtype;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * PostgreSQL's text form of arrays, both ways: {@code {1,2,NULL}}, {@code {{"a b","x\"y"},{NULL,""}}},
 * {@code [0:1]={7,8}}.
 *
 * <p>{@link #parse} gives nested lists whose leaves are the element texts (as the element type prints them) or
 * null for an unquoted {@code NULL}; a quoted {@code "NULL"} is the text {@code NULL}. Blanks around unquoted
 * elements are dropped, as PostgreSQL does. Explicit lower bounds ({@code [0:1]=}) are read and dropped: the
 * result counts from the first element.
 */
public final class ArrayLiteral {
    private final String text;
    private final char delimiter;
    private int pos;

    private ArrayLiteral(String text, char delimiter) {
        this.text = text;
        this.delimiter = delimiter;
    }

    /** Parses an array with the usual delimiter {@code ,}. */
    public static List<Object> parse(String text) {
        return parse(text, ',');
    }

    /** Parses an array whose elements are separated by {@code delimiter} ({@code ;} for {@code box[]}). */
    public static List<Object> parse(String text, char delimiter) {
        requireNonNull(text, "text is null");
        ArrayLiteral parser = new ArrayLiteral(text, delimiter);
        parser.skipDimensions();
        parser.skipBlanks();
        List<Object> result = parser.array();
        parser.skipBlanks();
        if (parser.pos != text.length()) {
            throw parser.malformed("text after the closing brace");
        }
        return result;
    }

    /**
     * The array literal of nested lists whose leaves are element texts (or null): every element quoted, so any
     * text survives; {@code null} is an unquoted {@code NULL}.
     */
    public static String format(List<?> elements) {
        requireNonNull(elements, "elements is null");
        StringBuilder sb = new StringBuilder();
        format(elements, ',', sb);
        return sb.toString();
    }

    /** As {@link #format(List)} with another delimiter. */
    public static String format(List<?> elements, char delimiter) {
        StringBuilder sb = new StringBuilder();
        format(elements, delimiter, sb);
        return sb.toString();
    }

    private static void format(List<?> elements, char delimiter, StringBuilder sb) {
        sb.append('{');
        for (int i = 0; i < elements.size(); i++) {
            if (i > 0) {
                sb.append(delimiter);
            }
            Object e = elements.get(i);
            if (e == null) {
                sb.append("NULL");
            }
            else if (e instanceof List<?> nested) {
                format(nested, delimiter, sb);
            }
            else {
                String s = e.toString();
                sb.append('"');
                for (int k = 0; k < s.length(); k++) {
                    char c = s.charAt(k);
                    if (c == '"' || c == '\\') {
                        sb.append('\\');
                    }
                    sb.append(c);
                }
                sb.append('"');
            }
        }
        sb.append('}');
    }

    private void skipDimensions() {
        skipBlanks();
        if (pos < text.length() && text.charAt(pos) == '[') {
            int eq = text.indexOf('=', pos);
            if (eq < 0) {
                throw malformed("dimensions without '='");
            }
            pos = eq + 1;
        }
    }

    private List<Object> array() {
        expect('{');
        List<Object> elements = new ArrayList<>();
        skipBlanks();
        if (peek() == '}') {
            pos++;
            return Collections.unmodifiableList(elements);
        }
        while (true) {
            skipBlanks();
            char c = peek();
            if (c == '{') {
                elements.add(array());
            }
            else if (c == '"') {
                elements.add(quoted());
            }
            else {
                elements.add(unquoted());
            }
            skipBlanks();
            char after = peek();
            pos++;
            if (after == '}') {
                return Collections.unmodifiableList(elements);
            }
            if (after != delimiter) {
                throw malformed("expected '" + delimiter + "' or '}'");
            }
        }
    }

    private String quoted() {
        pos++; // opening quote
        StringBuilder sb = new StringBuilder();
        while (pos < text.length()) {
            char c = text.charAt(pos++);
            if (c == '\\') {
                if (pos >= text.length()) {
                    break;
                }
                sb.append(text.charAt(pos++));
            }
            else if (c == '"') {
                return sb.toString();
            }
            else {
                sb.append(c);
            }
        }
        throw malformed("unterminated quoted element");
    }

    private Object unquoted() {
        StringBuilder sb = new StringBuilder();
        int lastSignificant = 0; // length of sb up to the last char that was escaped or not blank
        boolean escaped = false;
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == delimiter || c == '}') {
                break;
            }
            if (c == '{' || c == '"') {
                throw malformed("unexpected '" + c + "'");
            }
            pos++;
            if (c == '\\') {
                if (pos >= text.length()) {
                    throw malformed("backslash at the end");
                }
                sb.append(text.charAt(pos++));
                escaped = true;
                lastSignificant = sb.length();
            }
            else {
                sb.append(c);
                if (!isBlank(c)) {
                    lastSignificant = sb.length();
                }
            }
        }
        if (pos >= text.length()) {
            throw malformed("missing '}'");
        }
        sb.setLength(lastSignificant);
        String value = sb.toString();
        if (value.isEmpty() && !escaped) {
            throw malformed("empty element");
        }
        return !escaped && value.equalsIgnoreCase("NULL") ? null : value;
    }

    private void expect(char c) {
        if (peek() != c) {
            throw malformed("expected '" + c + "'");
        }
        pos++;
    }

    private char peek() {
        if (pos >= text.length()) {
            throw malformed("unexpected end");
        }
        return text.charAt(pos);
    }

    private void skipBlanks() {
        while (pos < text.length() && isBlank(text.charAt(pos))) {
            pos++;
        }
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\u000B' || c == '\f';
    }

    private IllegalArgumentException malformed(String why) {
        // the text itself is not repeated: it is data
        return new IllegalArgumentException("malformed array literal at character " + (pos + 1) + ": " + why);
    }
}
