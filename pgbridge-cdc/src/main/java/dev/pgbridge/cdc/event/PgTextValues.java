package dev.pgbridge.cdc.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * PostgreSQL's text output of a value → JSON, the mapping of the data-access issue ("Query"), self-contained so it
 * can be read and tested on its own (the logical replication stream and the TOAST re-read both hand out text):
 *
 * <table>
 * <caption>text → JSON</caption>
 * <tr><th>type</th><th>JSON</th></tr>
 * <tr><td>int2, int4, int8, oid, numeric</td><td>a number with exactly the digits PostgreSQL printed; numeric
 *   {@code NaN}, {@code Infinity}, {@code -Infinity} as those strings</td></tr>
 * <tr><td>float4, float8</td><td>a number; {@code NaN}, {@code Infinity}, {@code -Infinity} as strings</td></tr>
 * <tr><td>bool</td><td>{@code true} / {@code false}</td></tr>
 * <tr><td>json, jsonb</td><td>the document, nested (a JSON {@code null} document stays the JSON literal null,
 *   indistinguishable from SQL NULL in the output)</td></tr>
 * <tr><td>bytea</td><td>base64 (standard alphabet, padded) of the bytes; the text form is {@code \x} hex (or the
 *   old escape format)</td></tr>
 * <tr><td>date</td><td>{@code 2024-01-31}; BC dates with ISO-8601's astronomical year ({@code 0044-03-15 BC} →
 *   {@code -0043-03-15}); {@code infinity}/{@code -infinity} as strings</td></tr>
 * <tr><td>timestamp</td><td>{@code 2024-01-31T13:45:00.123456}; infinities as strings</td></tr>
 * <tr><td>timestamptz</td><td>ISO-8601 with the offset the session printed, normalised to {@code ±hh:mm}
 *   ({@code 2024-01-31T13:45:00+01:00}); infinities as strings</td></tr>
 * <tr><td>time, timetz</td><td>{@code 13:45:00.5}, {@code 13:45:00+05:30}</td></tr>
 * <tr><td>interval</td><td>an ISO-8601 duration, {@code P1Y2M3DT4H5M6.5S}; each part keeps its sign
 *   ({@code P-1DT2H}); zero is {@code PT0S}</td></tr>
 * <tr><td>arrays (any dimension)</td><td>nested JSON arrays of the element mapping; NULL elements null</td></tr>
 * <tr><td>anything else (text, uuid, inet, enums, money, …)</td><td>the text as a string</td></tr>
 * </table>
 *
 * Inputs are what a session with {@code DateStyle=ISO} and {@code IntervalStyle=postgres} (pgjdbc's and
 * PostgreSQL's defaults) prints; interval text already in ISO-8601 form is passed through.
 */
public final class PgTextValues {
    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

    private PgTextValues() {
    }

    /** The JSON form of {@code text} (PostgreSQL's output for {@code type}); null text is JSON null. */
    public static JsonNode toJson(PgType type, String text) {
        if (text == null) {
            return NODES.nullNode();
        }
        return switch (type.kind()) {
            case BOOL -> NODES.booleanNode(bool(text));
            case INTEGER -> integer(text);
            case NUMERIC -> special(text) ? NODES.textNode(text) : NODES.numberNode(new BigDecimal(text));
            case FLOAT -> floating(text);
            case JSON -> json(text);
            case BYTEA -> NODES.textNode(Base64.getEncoder().encodeToString(bytea(text)));
            case DATE -> NODES.textNode(infinite(text) ? text : date(text));
            case TIMESTAMP, TIMESTAMPTZ -> NODES.textNode(infinite(text) ? text : timestamp(text));
            case TIME -> NODES.textNode(text);
            case TIMETZ -> NODES.textNode(time(text));
            case INTERVAL -> NODES.textNode(interval(text));
            case ARRAY -> array(type.element(), text);
            case TEXT -> NODES.textNode(text);
        };
    }

    private static boolean bool(String text) {
        return switch (text) {
            case "t", "true" -> true;
            case "f", "false" -> false;
            default -> throw new IllegalArgumentException("not a boolean: " + text);
        };
    }

    private static JsonNode integer(String text) {
        try {
            return NODES.numberNode(Long.parseLong(text));
        }
        catch (NumberFormatException e) {
            return NODES.numberNode(new BigInteger(text));
        }
    }

    private static boolean special(String text) {
        return text.equals("NaN") || text.equals("Infinity") || text.equals("-Infinity");
    }

    private static boolean infinite(String text) {
        return text.equals("infinity") || text.equals("-infinity");
    }

    private static JsonNode floating(String text) {
        if (special(text)) {
            return NODES.textNode(text);
        }
        return NODES.numberNode(Double.parseDouble(text));
    }

    private static JsonNode json(String text) {
        try {
            return EventJson.MAPPER.readTree(text);
        }
        catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a JSON document: " + e.getOriginalMessage(), e);
        }
    }

    /** bytea text: {@code \x0a1b} (hex output) or the escape format ({@code a\000\\}). */
    static byte[] bytea(String text) {
        if (text.startsWith("\\x")) {
            return HexFormat.of().parseHex(text, 2, text.length());
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(text.length());
        byte[] raw = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == '\\') {
                if (i + 1 < raw.length && raw[i + 1] == '\\') {
                    out.write('\\');
                    i++;
                }
                else if (i + 3 < raw.length) {
                    out.write(Integer.parseInt(new String(raw, i + 1, 3, java.nio.charset.StandardCharsets.US_ASCII), 8));
                    i += 3;
                }
                else {
                    throw new IllegalArgumentException("bad bytea escape in: " + text);
                }
            }
            else {
                out.write(raw[i]);
            }
        }
        return out.toByteArray();
    }

    /** {@code 2024-01-31} or {@code 0044-03-15 BC} → ISO-8601 (astronomical year numbering). */
    private static String date(String text) {
        if (text.endsWith(" BC")) {
            String date = text.substring(0, text.length() - 3);
            int dash = date.indexOf('-');
            long year = Long.parseLong(date.substring(0, dash));
            long astronomical = 1 - year;
            String y = astronomical == 0 ? "0000" : String.format(java.util.Locale.ROOT, "-%04d", -astronomical);
            return y + date.substring(dash);
        }
        return text;
    }

    /**
     * {@code 2024-01-31 13:45:00.5}, {@code 2024-01-31 13:45:00+01}, {@code 0044-03-15 12:00:00+00:01:15 BC} →
     * ISO-8601 with {@code T} and, when there is an offset, {@code ±hh:mm[:ss]}.
     */
    private static String timestamp(String text) {
        boolean bc = text.endsWith(" BC");
        String body = bc ? text.substring(0, text.length() - 3) : text;
        int space = body.indexOf(' ');
        String date = body.substring(0, space);
        String time = body.substring(space + 1);
        return date(bc ? date + " BC" : date) + "T" + time(time);
    }

    /** {@code 13:45:00.5+05:30} style time with an optional offset; the offset becomes {@code ±hh:mm[:ss]}. */
    private static String time(String text) {
        int sign = Math.max(text.lastIndexOf('+'), text.lastIndexOf('-'));
        if (sign < 0) {
            return text;
        }
        String offset = text.substring(sign + 1);
        String[] parts = offset.split(":");
        StringBuilder sb = new StringBuilder(text.substring(0, sign + 1)).append(parts[0]);
        sb.append(':').append(parts.length > 1 ? parts[1] : "00");
        if (parts.length > 2) {
            sb.append(':').append(parts[2]);
        }
        return sb.toString();
    }

    /**
     * IntervalStyle {@code postgres} ({@code 1 year 2 mons -3 days -04:05:06.5}) → {@code P1Y2M-3DT-4H-5M-6.5S}.
     * ISO-8601 input is returned as is.
     */
    static String interval(String text) {
        if (text.startsWith("P") || text.startsWith("-P")) {
            return text;
        }
        long years = 0;
        long months = 0;
        long days = 0;
        String clock = null;
        String[] tokens = text.trim().split("\\s+");
        for (int i = 0; i < tokens.length; i++) {
            String token = tokens[i];
            if (token.indexOf(':') >= 0) {
                clock = token;
                continue;
            }
            if (i + 1 >= tokens.length) {
                throw new IllegalArgumentException("not an interval: " + text);
            }
            long n = Long.parseLong(token);
            String unit = tokens[++i];
            if (unit.startsWith("year")) {
                years += n;
            }
            else if (unit.startsWith("mon")) {
                months += n;
            }
            else if (unit.startsWith("day")) {
                days += n;
            }
            else {
                throw new IllegalArgumentException("unknown interval unit '" + unit + "' in: " + text);
            }
        }
        StringBuilder sb = new StringBuilder("P");
        if (years != 0) {
            sb.append(years).append('Y');
        }
        if (months != 0) {
            sb.append(months).append('M');
        }
        if (days != 0) {
            sb.append(days).append('D');
        }
        if (clock != null) {
            boolean negative = clock.startsWith("-");
            String[] hms = clock.replaceFirst("^[-+]", "").split(":");
            String sign = negative ? "-" : "";
            long h = Long.parseLong(hms[0]);
            long m = Long.parseLong(hms[1]);
            BigDecimal s = new BigDecimal(hms[2]);
            if (h != 0 || m != 0 || s.signum() != 0) {
                sb.append('T');
                if (h != 0) {
                    sb.append(sign).append(h).append('H');
                }
                if (m != 0) {
                    sb.append(sign).append(m).append('M');
                }
                if (s.signum() != 0) {
                    sb.append(sign).append(s.stripTrailingZeros().toPlainString()).append('S');
                }
            }
        }
        return sb.length() == 1 ? "PT0S" : sb.toString();
    }

    /**
     * An array literal ({@code {1,2,NULL}}, {@code {{"a b","c\"d"},{e,f}}}, optionally with dimension decoration
     * {@code [0:1]={…}}) → nested JSON arrays, each element mapped by its type.
     */
    private static JsonNode array(PgType element, String text) {
        int start = 0;
        if (text.startsWith("[")) {
            start = text.indexOf('=') + 1;
        }
        ArrayParser parser = new ArrayParser(text, start, ',');
        Object parsed = parser.parse();
        if (parser.pos != text.length()) {
            throw new IllegalArgumentException("trailing text after array: " + text);
        }
        return toNode(element, parsed);
    }

    private static JsonNode toNode(PgType element, Object parsed) {
        if (parsed instanceof List<?> list) {
            ArrayNode node = NODES.arrayNode(list.size());
            for (Object item : list) {
                node.add(toNode(element, item));
            }
            return node;
        }
        return toJson(element, (String) parsed);
    }

    /** Reads PostgreSQL's array output: braces, quoted elements with backslash escapes, unquoted NULL. */
    private static final class ArrayParser {
        private final String text;
        private final char delimiter;
        private int pos;

        ArrayParser(String text, int start, char delimiter) {
            this.text = text;
            this.pos = start;
            this.delimiter = delimiter;
        }

        List<Object> parse() {
            expect('{');
            List<Object> items = new ArrayList<>();
            if (peek() == '}') {
                pos++;
                return items;
            }
            while (true) {
                char c = peek();
                if (c == '{') {
                    items.add(parse());
                }
                else if (c == '"') {
                    items.add(quoted());
                }
                else {
                    String raw = unquoted();
                    items.add(raw.equals("NULL") ? null : raw);
                }
                char next = peek();
                pos++;
                if (next == '}') {
                    return items;
                }
                if (next != delimiter) {
                    throw new IllegalArgumentException("malformed array at " + (pos - 1) + ": " + text);
                }
            }
        }

        private char peek() {
            if (pos >= text.length()) {
                throw new IllegalArgumentException("array ends early: " + text);
            }
            return text.charAt(pos);
        }

        private void expect(char c) {
            if (peek() != c) {
                throw new IllegalArgumentException("expected '" + c + "' at " + pos + ": " + text);
            }
            pos++;
        }

        private String quoted() {
            expect('"');
            StringBuilder sb = new StringBuilder();
            while (true) {
                char c = peek();
                pos++;
                if (c == '\\') {
                    sb.append(peek());
                    pos++;
                }
                else if (c == '"') {
                    return sb.toString();
                }
                else {
                    sb.append(c);
                }
            }
        }

        private String unquoted() {
            int start = pos;
            while (pos < text.length() && text.charAt(pos) != delimiter && text.charAt(pos) != '}') {
                pos++;
            }
            return text.substring(start, pos).trim();
        }
    }
}
