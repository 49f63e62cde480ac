package dev.pgbridge.connection;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * JSON as Python's {@code json} module reads and writes it with default arguments, because Airflow stores
 * {@code extra} as the text {@code json.dumps} makes and reads it back with {@code json.loads}; building
 * {@code __extra__} or {@code as_json()} byte for byte needs the same text.
 *
 * <ul>
 *   <li>{@link #loads}: objects become {@link LinkedHashMap} (a repeated key keeps its first position and its last
 *   value, as a Python dict does), arrays {@link ArrayList}, integers {@link Integer}/{@link Long}/{@link BigInteger}
 *   by size, numbers with a fraction or exponent {@link Double}; {@code NaN}, {@code Infinity}, {@code -Infinity}
 *   are accepted; control characters inside strings are not.</li>
 *   <li>{@link #dumps}: separators {@code ", "} and {@code ": "}, every character outside printable ASCII escaped
 *   as {@code \}{@code uxxxx} (lower-case hex), floats as Python's {@code repr}.</li>
 * </ul>
 */
final class PythonJson {
    private PythonJson() {}

    /** Thrown when text is not JSON; the message names a position, never the text. */
    static final class DecodeException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        DecodeException(String message, int position) {
            super(message + " (character " + (position + 1) + ")");
        }
    }

    static Object loads(String text) {
        Parser parser = new Parser(text);
        parser.skipWhitespace();
        Object value = parser.value();
        parser.skipWhitespace();
        if (parser.pos != text.length()) {
            throw new DecodeException("extra data after the JSON value", parser.pos);
        }
        return value;
    }

    /** The JSON value of {@code text}, or {@code text} itself when it is not JSON (how Airflow reads query values). */
    static Object loadsOrKeep(String text) {
        try {
            return loads(text);
        }
        catch (DecodeException e) {
            return text;
        }
    }

    /** The JSON object in {@code text} as a map, or null when the text is not JSON or not an object. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> objectOrNull(String text) {
        if (text == null) {
            return null;
        }
        try {
            Object value = loads(text);
            return value instanceof Map<?, ?> ? (Map<String, Object>) value : null;
        }
        catch (DecodeException e) {
            return null;
        }
    }

    static String dumps(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value);
        return sb.toString();
    }

    private static void write(StringBuilder sb, Object value) {
        if (value == null) {
            sb.append("null");
        }
        else if (value instanceof String s) {
            writeString(sb, s);
        }
        else if (value instanceof Boolean b) {
            sb.append(b ? "true" : "false");
        }
        else if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte
                || value instanceof BigInteger) {
            sb.append(value);
        }
        else if (value instanceof Double || value instanceof Float) {
            sb.append(floatText(((Number) value).doubleValue()));
        }
        else if (value instanceof BigDecimal d) {
            sb.append(floatText(d.doubleValue()));
        }
        else if (value instanceof Map<?, ?> map) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!first) {
                    sb.append(", ");
                }
                first = false;
                writeString(sb, keyText(e.getKey()));
                sb.append(": ");
                write(sb, e.getValue());
            }
            sb.append('}');
        }
        else if (value instanceof Collection<?> list) {
            sb.append('[');
            boolean first = true;
            for (Object item : list) {
                if (!first) {
                    sb.append(", ");
                }
                first = false;
                write(sb, item);
            }
            sb.append(']');
        }
        else {
            throw new IllegalArgumentException("a " + value.getClass().getSimpleName() + " value cannot be written as JSON");
        }
    }

    /** Python converts non-string keys: True → "true", None → "null", numbers → their text. */
    private static String keyText(Object key) {
        if (key == null) {
            return "null";
        }
        if (key instanceof Double || key instanceof Float) {
            return floatText(((Number) key).doubleValue());
        }
        return String.valueOf(key);
    }

    private static void writeString(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    }
                    else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    /** A float as json.dumps writes it (allow_nan=True). */
    static String floatText(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        return floatRepr(d);
    }

    /**
     * Python's {@code repr(float)}: the shortest digits that read back as the same double (Java's
     * {@link Double#toString} finds the same digits), in fixed notation when the decimal exponent is from -4 to 16,
     * else {@code 1e+16} style with at least two exponent digits.
     */
    static String floatRepr(double d) {
        if (d == 0) {
            return 1 / d < 0 ? "-0.0" : "0.0";
        }
        BigDecimal exact = new BigDecimal(Double.toString(Math.abs(d))).stripTrailingZeros();
        String digits = exact.unscaledValue().toString();
        int decpt = digits.length() - exact.scale();
        StringBuilder sb = new StringBuilder();
        if (d < 0) {
            sb.append('-');
        }
        if (decpt <= -4 || decpt > 16) {
            int exp = decpt - 1;
            sb.append(digits.charAt(0));
            if (digits.length() > 1) {
                sb.append('.').append(digits, 1, digits.length());
            }
            sb.append('e').append(exp < 0 ? '-' : '+');
            int abs = Math.abs(exp);
            if (abs < 10) {
                sb.append('0');
            }
            sb.append(abs);
        }
        else if (decpt <= 0) {
            sb.append("0.").append("0".repeat(-decpt)).append(digits);
        }
        else if (decpt >= digits.length()) {
            sb.append(digits).append("0".repeat(decpt - digits.length())).append(".0");
        }
        else {
            sb.append(digits, 0, decpt).append('.').append(digits, decpt, digits.length());
        }
        return sb.toString();
    }

    private static final class Parser {
        private final String s;
        private int pos;

        Parser(String s) {
            this.s = s;
        }

        void skipWhitespace() {
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                    pos++;
                }
                else {
                    break;
                }
            }
        }

        Object value() {
            if (pos >= s.length()) {
                throw new DecodeException("expecting a value", pos);
            }
            char c = s.charAt(pos);
            switch (c) {
                case '{':
                    return object();
                case '[':
                    return array();
                case '"':
                    return string();
                default:
                    break;
            }
            if (s.startsWith("null", pos)) {
                pos += 4;
                return null;
            }
            if (s.startsWith("true", pos)) {
                pos += 4;
                return Boolean.TRUE;
            }
            if (s.startsWith("false", pos)) {
                pos += 5;
                return Boolean.FALSE;
            }
            if (s.startsWith("NaN", pos)) {
                pos += 3;
                return Double.NaN;
            }
            if (s.startsWith("Infinity", pos)) {
                pos += 8;
                return Double.POSITIVE_INFINITY;
            }
            if (s.startsWith("-Infinity", pos)) {
                pos += 9;
                return Double.NEGATIVE_INFINITY;
            }
            if (c == '-' || isDigit(c)) {
                return number();
            }
            throw new DecodeException("expecting a value", pos);
        }

        private Map<String, Object> object() {
            pos++; // {
            Map<String, Object> map = new LinkedHashMap<>();
            skipWhitespace();
            if (pos < s.length() && s.charAt(pos) == '}') {
                pos++;
                return map;
            }
            while (true) {
                skipWhitespace();
                if (pos >= s.length() || s.charAt(pos) != '"') {
                    throw new DecodeException("expecting a property name in double quotes", pos);
                }
                String key = string();
                skipWhitespace();
                if (pos >= s.length() || s.charAt(pos) != ':') {
                    throw new DecodeException("expecting ':' after a property name", pos);
                }
                pos++;
                skipWhitespace();
                map.put(key, value());
                skipWhitespace();
                if (pos < s.length() && s.charAt(pos) == ',') {
                    pos++;
                    continue;
                }
                if (pos < s.length() && s.charAt(pos) == '}') {
                    pos++;
                    return map;
                }
                throw new DecodeException("expecting ',' or '}' in an object", pos);
            }
        }

        private List<Object> array() {
            pos++; // [
            List<Object> list = new ArrayList<>();
            skipWhitespace();
            if (pos < s.length() && s.charAt(pos) == ']') {
                pos++;
                return list;
            }
            while (true) {
                skipWhitespace();
                list.add(value());
                skipWhitespace();
                if (pos < s.length() && s.charAt(pos) == ',') {
                    pos++;
                    continue;
                }
                if (pos < s.length() && s.charAt(pos) == ']') {
                    pos++;
                    return list;
                }
                throw new DecodeException("expecting ',' or ']' in an array", pos);
            }
        }

        private String string() {
            int start = pos;
            pos++; // opening quote
            StringBuilder sb = new StringBuilder();
            while (true) {
                if (pos >= s.length()) {
                    throw new DecodeException("unterminated string", start);
                }
                char c = s.charAt(pos++);
                if (c == '"') {
                    return sb.toString();
                }
                if (c < 0x20) {
                    throw new DecodeException("invalid control character in a string", pos - 1);
                }
                if (c != '\\') {
                    sb.append(c);
                    continue;
                }
                if (pos >= s.length()) {
                    throw new DecodeException("unterminated string", start);
                }
                char e = s.charAt(pos++);
                switch (e) {
                    case '"' -> sb.append('"');
                    case '\\' -> sb.append('\\');
                    case '/' -> sb.append('/');
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case 't' -> sb.append('\t');
                    case 'u' -> {
                        if (pos + 4 > s.length()) {
                            throw new DecodeException("invalid \\u escape", pos - 2);
                        }
                        int code = 0;
                        for (int i = 0; i < 4; i++) {
                            int digit = Character.digit(s.charAt(pos + i), 16);
                            if (digit < 0 || s.charAt(pos + i) > 'f') {
                                throw new DecodeException("invalid \\u escape", pos - 2);
                            }
                            code = code * 16 + digit;
                        }
                        pos += 4;
                        sb.append((char) code);
                    }
                    default -> throw new DecodeException("invalid escape", pos - 2);
                }
            }
        }

        private Object number() {
            int start = pos;
            if (s.charAt(pos) == '-') {
                pos++;
            }
            if (pos >= s.length() || !isDigit(s.charAt(pos))) {
                throw new DecodeException("expecting a value", start);
            }
            if (s.charAt(pos) == '0') {
                pos++;
            }
            else {
                while (pos < s.length() && isDigit(s.charAt(pos))) {
                    pos++;
                }
            }
            boolean isFloat = false;
            if (pos + 1 < s.length() && s.charAt(pos) == '.' && isDigit(s.charAt(pos + 1))) {
                isFloat = true;
                pos += 2;
                while (pos < s.length() && isDigit(s.charAt(pos))) {
                    pos++;
                }
            }
            if (pos < s.length() && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
                int mark = pos;
                int p = pos + 1;
                if (p < s.length() && (s.charAt(p) == '+' || s.charAt(p) == '-')) {
                    p++;
                }
                if (p < s.length() && isDigit(s.charAt(p))) {
                    while (p < s.length() && isDigit(s.charAt(p))) {
                        p++;
                    }
                    pos = p;
                    isFloat = true;
                }
                else {
                    pos = mark;
                }
            }
            String text = s.substring(start, pos);
            if (isFloat) {
                return Double.parseDouble(text);
            }
            BigInteger big = new BigInteger(text);
            if (big.bitLength() < 32) {
                return big.intValue();
            }
            if (big.bitLength() < 64) {
                return big.longValue();
            }
            return big;
        }

        private static boolean isDigit(char c) {
            return c >= '0' && c <= '9';
        }
    }
}
