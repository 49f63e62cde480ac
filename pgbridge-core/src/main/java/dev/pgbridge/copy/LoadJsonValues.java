package dev.pgbridge.copy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.util.Base64;

/**
 * Turns one JSON value (the token the parser stands on) into PostgreSQL's text input for a column, as UTF-8 (the row
 * encoder escapes it for COPY's text format or converts it to the binary format). The mapping is the one JSON output
 * uses, read backwards:
 * <ul>
 * <li>null is NULL (for json/jsonb too: a top-level JSON null loads as SQL NULL; nested nulls stay JSON nulls);</li>
 * <li>numbers keep their exact digits; the strings {@code NaN}, {@code Infinity}, {@code -Infinity} go to numeric
 * and float columns as they are, {@code infinity}/{@code -infinity} to dates and timestamps;</li>
 * <li>ISO-8601 strings for date, timestamp, timestamptz (years before 1 or after 9999 in ISO form, {@code -0043-03-15}
 * or {@code +10000-01-01}, become PostgreSQL's {@code 0044-03-15 BC} / {@code 10000-01-01}), time and interval
 * ({@code P1Y2M3DT4H5M6.5S}; a leading minus, {@code -P1D}, negates every field);</li>
 * <li>objects and arrays into json/jsonb as JSON text; arrays into array columns as array literals (nested arrays are
 * dimensions; for json[]/jsonb[] each element is one JSON value);</li>
 * <li>base64 strings into bytea ({@code \x…} hex, PostgreSQL's own form, is taken as well);</li>
 * <li>any other string as the type's text input (uuid, inet, enums, domains, text …).</li>
 * </ul>
 * A JSON kind that cannot mean a value of the column's type (an object into an integer) is rejected here, with the
 * column's type; everything else PostgreSQL checks.
 */
final class LoadJsonValues {
    private final StringBuilder scratch = new StringBuilder(256);

    /** A value that does not fit its column. */
    static final class BadValue extends RuntimeException {
        BadValue(String message) {
            super(message);
        }

        BadValue(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Writes the value the parser stands on, leaving the parser on the value's last token; false (and nothing
     * written) for a JSON null, which is SQL NULL.
     */
    boolean write(JsonParser p, LoadType type, LoadTextBuffer out) throws IOException {
        JsonToken token = p.currentToken();
        switch (token) {
            case VALUE_NULL -> {
                return false;
            }
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                switch (type.kind()) {
                    case INTEGER, NUMERIC, FLOAT, TEXT, JSON -> out.utf8(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
                    default -> throw mismatch(token, type);
                }
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                boolean value = token == JsonToken.VALUE_TRUE;
                switch (type.kind()) {
                    case BOOL -> out.ascii(value ? "t" : "f");
                    case TEXT, JSON -> out.ascii(value ? "true" : "false");
                    default -> throw mismatch(token, type);
                }
            }
            case VALUE_STRING -> {
                switch (type.kind()) {
                    case JSON -> {
                        scratch.setLength(0);
                        quoteJson(p.getTextCharacters(), p.getTextOffset(), p.getTextLength(), scratch);
                        out.utf8(scratch);
                    }
                    case BYTEA -> out.utf8(byteaHex(p.getText()));
                    case DATETIME -> out.utf8(isoYear(p.getText()));
                    case INTERVAL -> out.utf8(isoInterval(p.getText()));
                    default -> out.utf8(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
                }
            }
            case START_OBJECT -> {
                if (type.kind() != LoadType.Kind.JSON) {
                    throw mismatch(token, type);
                }
                scratch.setLength(0);
                json(p, scratch);
                out.utf8(scratch);
            }
            case START_ARRAY -> {
                scratch.setLength(0);
                if (type.kind() == LoadType.Kind.JSON) {
                    json(p, scratch);
                }
                else if (type.kind() == LoadType.Kind.ARRAY) {
                    arrayLiteral(p, type, scratch);
                }
                else {
                    throw mismatch(token, type);
                }
                out.utf8(scratch);
            }
            default -> throw new BadValue("unexpected JSON token " + token);
        }
        return true;
    }

    private static BadValue mismatch(JsonToken token, LoadType type) {
        String hint = switch (type.kind()) {
            case ARRAY -> " (an array column takes a JSON array)";
            case BYTEA -> " (bytea takes a base64 string)";
            case BOOL -> " (boolean takes true or false)";
            case INTEGER, NUMERIC, FLOAT -> " (numbers take a JSON number, or \"NaN\", \"Infinity\", \"-Infinity\")";
            default -> "";
        };
        return new BadValue(JsonLinesRecordReader.describe(token) + " cannot be loaded into a column of type "
                + type.name() + hint);
    }

    /** The array literal for a JSON array: {@code {1,2}}, {@code {{"a","b"},{"c",NULL}}}. */
    private void arrayLiteral(JsonParser p, LoadType type, StringBuilder sb) throws IOException {
        LoadType element = type.element();
        sb.append('{');
        boolean first = true;
        JsonToken token;
        while ((token = p.nextToken()) != JsonToken.END_ARRAY) {
            if (!first) {
                sb.append(type.delimiter());
            }
            first = false;
            switch (token) {
                case VALUE_NULL -> sb.append("NULL");
                case START_ARRAY -> {
                    if (element.kind() == LoadType.Kind.JSON) {
                        StringBuilder json = new StringBuilder();
                        json(p, json);
                        quoteElement(json, sb);
                    }
                    else {
                        arrayLiteral(p, type, sb);
                    }
                }
                case START_OBJECT -> {
                    if (element.kind() != LoadType.Kind.JSON) {
                        throw new BadValue("an object inside the array cannot be an element of type " + element.name());
                    }
                    StringBuilder json = new StringBuilder();
                    json(p, json);
                    quoteElement(json, sb);
                }
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                    switch (element.kind()) {
                        case INTEGER, NUMERIC, FLOAT, TEXT, JSON -> sb.append(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
                        default -> throw new BadValue("a number inside the array cannot be an element of type " + element.name());
                    }
                }
                case VALUE_TRUE, VALUE_FALSE -> {
                    boolean value = token == JsonToken.VALUE_TRUE;
                    switch (element.kind()) {
                        case BOOL -> sb.append(value ? 't' : 'f');
                        case TEXT, JSON -> sb.append(value);
                        default -> throw new BadValue("a boolean inside the array cannot be an element of type " + element.name());
                    }
                }
                case VALUE_STRING -> {
                    String text = p.getText();
                    switch (element.kind()) {
                        case JSON -> {
                            StringBuilder json = new StringBuilder();
                            quoteJson(p.getTextCharacters(), p.getTextOffset(), p.getTextLength(), json);
                            quoteElement(json, sb);
                        }
                        case BYTEA -> quoteElement(byteaHex(text), sb);
                        case DATETIME -> quoteElement(isoYear(text), sb);
                        case INTERVAL -> quoteElement(isoInterval(text), sb);
                        default -> quoteElement(text, sb);
                    }
                }
                default -> throw new BadValue("unexpected JSON token " + token + " in an array");
            }
        }
        sb.append('}');
    }

    /** An array element in double quotes, with backslash and double quote escaped by a backslash. */
    private static void quoteElement(CharSequence text, StringBuilder sb) {
        sb.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\');
            }
            sb.append(c);
        }
        sb.append('"');
    }

    /** The JSON text of the value the parser stands on, compact, numbers with their exact digits. */
    static void json(JsonParser p, StringBuilder sb) throws IOException {
        JsonToken token = p.currentToken();
        switch (token) {
            case START_OBJECT -> {
                sb.append('{');
                boolean first = true;
                while (p.nextToken() != JsonToken.END_OBJECT) {
                    if (!first) {
                        sb.append(',');
                    }
                    first = false;
                    String name = p.currentName();
                    quoteJson(name.toCharArray(), 0, name.length(), sb);
                    sb.append(':');
                    p.nextToken();
                    json(p, sb);
                }
                sb.append('}');
            }
            case START_ARRAY -> {
                sb.append('[');
                boolean first = true;
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    if (!first) {
                        sb.append(',');
                    }
                    first = false;
                    json(p, sb);
                }
                sb.append(']');
            }
            case VALUE_STRING -> quoteJson(p.getTextCharacters(), p.getTextOffset(), p.getTextLength(), sb);
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> sb.append(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
            case VALUE_TRUE -> sb.append("true");
            case VALUE_FALSE -> sb.append("false");
            case VALUE_NULL -> sb.append("null");
            default -> throw new BadValue("unexpected JSON token " + token);
        }
    }

    /** A JSON string literal: quotes, backslash and control characters escaped. */
    static void quoteJson(char[] chars, int off, int len, StringBuilder sb) {
        sb.append('"');
        int end = off + len;
        for (int i = off; i < end; i++) {
            char c = chars[i];
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20) {
                        sb.append("\\u00").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xF, 16));
                    }
                    else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    /** PostgreSQL's hex form {@code \x0a1b} of a base64 string; a string already in that form is kept. */
    static String byteaHex(String text) {
        if (text.startsWith("\\x")) {
            return text;
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(text);
        }
        catch (IllegalArgumentException e) {
            throw new BadValue("not base64 (bytea takes base64, e.g. \"3q2+7w==\"): " + e.getMessage(), e);
        }
        StringBuilder sb = new StringBuilder(2 + bytes.length * 2);
        sb.append("\\x");
        for (byte b : bytes) {
            sb.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
        }
        return sb.toString();
    }

    /**
     * An ISO-8601 date or timestamp with its year rewritten where PostgreSQL reads it differently: ISO's signed
     * years ({@code -0043-03-15} is 44 BC, {@code 0000-…} is 1 BC) get PostgreSQL's {@code BC} suffix, and a
     * {@code +} before a five-digit year is dropped. Anything else is returned as it is.
     */
    static String isoYear(String text) {
        if (text.length() < 6) {
            return text;
        }
        char first = text.charAt(0);
        if ((first == '+' || first == '-') && isDigit(text.charAt(1))) {
            int dash = text.indexOf('-', 1);
            if (dash < 5) {
                return text;
            }
            for (int i = 1; i < dash; i++) {
                if (!isDigit(text.charAt(i))) {
                    return text;
                }
            }
            if (first == '+') {
                return text.substring(1);
            }
            long year = Long.parseLong(text.substring(1, dash));
            return bcYear(year + 1) + text.substring(dash) + " BC";
        }
        if (text.startsWith("0000-")) {
            return "0001" + text.substring(4) + " BC";
        }
        return text;
    }

    private static String bcYear(long year) {
        String digits = Long.toString(year);
        return digits.length() >= 4 ? digits : "0".repeat(4 - digits.length()) + digits;
    }

    /** An ISO-8601 duration with a leading minus ({@code -P1DT2H}) as PostgreSQL reads it ({@code P-1DT-2H}). */
    static String isoInterval(String text) {
        if (text.length() < 3 || text.charAt(0) != '-' || (text.charAt(1) != 'P' && text.charAt(1) != 'p')) {
            return text;
        }
        StringBuilder sb = new StringBuilder(text.length() + 8);
        int i = 1;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '-' || c == '+' || isDigit(c) || c == '.') {
                boolean negative = c == '-';
                int start = (c == '-' || c == '+') ? i + 1 : i;
                int end = start;
                while (end < text.length() && (isDigit(text.charAt(end)) || text.charAt(end) == '.')) {
                    end++;
                }
                sb.append(negative ? "" : "-").append(text, start, end);
                i = end;
            }
            else {
                sb.append(c);
                i++;
            }
        }
        return sb.toString();
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
