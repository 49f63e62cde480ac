package dev.pgbridge.pgtype;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;

/**
 * JSON → the text PostgreSQL's input function of a column's type reads: the mapping of {@link PgJson} read
 * backwards, token by token (a load never builds a tree).
 * <ul>
 * <li>null is NULL (for json/jsonb too: a top-level JSON null is SQL NULL; nested nulls stay JSON nulls);</li>
 * <li>numbers keep their exact digits; the strings {@code NaN}, {@code Infinity}, {@code -Infinity} go to numeric
 * and float columns as they are, {@code infinity}/{@code -infinity} to dates and timestamps;</li>
 * <li>ISO-8601 strings for date, timestamp, timestamptz (years before 1 or after 9999 in ISO form, {@code -0043-03-15}
 * or {@code +10000-01-01}, become PostgreSQL's {@code 0044-03-15 BC} / {@code 10000-01-01}), time and interval
 * ({@code P1Y2M3DT4H5M6.5S}; a leading minus, {@code -P1D}, negates every field);</li>
 * <li>objects and arrays into json/jsonb as compact JSON text; arrays into array columns as array literals
 * (nested arrays are dimensions; for json[]/jsonb[] each element is one JSON value);</li>
 * <li>base64 strings into bytea ({@code \x…} hex, PostgreSQL's own form, is taken as well);</li>
 * <li>any other string as the type's text input (uuid, inet, enums, domains, text …).</li>
 * </ul>
 * A JSON kind that cannot mean a value of the column's type (an object into an integer) is a {@link BadValue} naming
 * the column's type; everything else PostgreSQL checks.
 */
final class JsonInput {
    private JsonInput() {
    }

    static boolean write(JsonParser p, PgType type, PgJson.TextSink out) throws IOException {
        JsonToken token = p.currentToken();
        switch (token) {
            case VALUE_NULL -> {
                return false;
            }
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                switch (type.kind()) {
                    case INTEGER, NUMERIC, FLOAT, TEXT, JSON, JSONB -> out.append(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
                    default -> throw mismatch(token, type);
                }
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                boolean value = token == JsonToken.VALUE_TRUE;
                switch (type.kind()) {
                    case BOOLEAN -> out.append(value ? "t" : "f");
                    case TEXT, JSON, JSONB -> out.append(value ? "true" : "false");
                    default -> throw mismatch(token, type);
                }
            }
            case VALUE_STRING -> {
                switch (type.kind()) {
                    case JSON, JSONB -> {
                        StringBuilder sb = new StringBuilder(p.getTextLength() + 2);
                        quoteJson(p.getTextCharacters(), p.getTextOffset(), p.getTextLength(), sb);
                        out.append(sb);
                    }
                    case BYTEA -> out.append(PgText.byteaHex(p.getText()));
                    case DATE, TIMESTAMP, TIMESTAMPTZ -> out.append(PgText.postgresDateTime(p.getText()));
                    case INTERVAL -> out.append(PgText.postgresInterval(p.getText()));
                    default -> out.append(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
                }
            }
            case START_OBJECT -> {
                if (!isJson(type)) {
                    throw mismatch(token, type);
                }
                StringBuilder sb = new StringBuilder();
                json(p, sb);
                out.append(sb);
            }
            case START_ARRAY -> {
                StringBuilder sb = new StringBuilder();
                if (isJson(type)) {
                    json(p, sb);
                }
                else if (type.kind() == PgType.Kind.ARRAY) {
                    arrayLiteral(p, type, sb);
                }
                else {
                    throw mismatch(token, type);
                }
                out.append(sb);
            }
            default -> throw new BadValue("unexpected JSON token " + token);
        }
        return true;
    }

    private static boolean isJson(PgType type) {
        return type.kind() == PgType.Kind.JSON || type.kind() == PgType.Kind.JSONB;
    }

    private static BadValue mismatch(JsonToken token, PgType type) {
        String hint = switch (type.kind()) {
            case ARRAY -> " (an array column takes a JSON array)";
            case BYTEA -> " (bytea takes a base64 string)";
            case BOOLEAN -> " (boolean takes true or false)";
            case INTEGER, NUMERIC, FLOAT -> " (numbers take a JSON number, or \"NaN\", \"Infinity\", \"-Infinity\")";
            default -> "";
        };
        return new BadValue(describe(token) + " cannot be loaded into a column of type " + type.name() + hint);
    }

    /** A JSON token as a user reads it: "a JSON object", "a number". */
    static String describe(JsonToken token) {
        return switch (token) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> "the JSON token " + token;
        };
    }

    /** The array literal for a JSON array: {@code {1,2}}, {@code {{"a","b"},{"c",NULL}}}. */
    private static void arrayLiteral(JsonParser p, PgType type, StringBuilder sb) throws IOException {
        PgType element = type.element();
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
                    if (element.takesJsonArrays()) {
                        StringBuilder json = new StringBuilder();
                        if (element.kind() == PgType.Kind.ARRAY) {
                            arrayLiteral(p, element, json);
                        }
                        else {
                            json(p, json);
                        }
                        quoteElement(json, sb);
                    }
                    else {
                        arrayLiteral(p, type, sb);
                    }
                }
                case START_OBJECT -> {
                    if (!isJson(element) && element.kind() != PgType.Kind.TEXT) {
                        throw new BadValue("an object inside the array cannot be an element of type " + element.name());
                    }
                    StringBuilder json = new StringBuilder();
                    json(p, json);
                    quoteElement(json, sb);
                }
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                    switch (element.kind()) {
                        case INTEGER, NUMERIC, FLOAT, TEXT, JSON, JSONB -> sb.append(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
                        default -> throw new BadValue("a number inside the array cannot be an element of type " + element.name());
                    }
                }
                case VALUE_TRUE, VALUE_FALSE -> {
                    boolean value = token == JsonToken.VALUE_TRUE;
                    switch (element.kind()) {
                        case BOOLEAN -> sb.append(value ? 't' : 'f');
                        case TEXT, JSON, JSONB -> sb.append(value);
                        default -> throw new BadValue("a boolean inside the array cannot be an element of type " + element.name());
                    }
                }
                case VALUE_STRING -> {
                    String text = p.getText();
                    switch (element.kind()) {
                        case JSON, JSONB -> {
                            StringBuilder json = new StringBuilder();
                            quoteJson(p.getTextCharacters(), p.getTextOffset(), p.getTextLength(), json);
                            quoteElement(json, sb);
                        }
                        case BYTEA -> quoteElement(PgText.byteaHex(text), sb);
                        case DATE, TIMESTAMP, TIMESTAMPTZ -> quoteElement(PgText.postgresDateTime(text), sb);
                        case INTERVAL -> quoteElement(PgText.postgresInterval(text), sb);
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
}
