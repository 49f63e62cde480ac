package dev.pgbridge.query;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.json.UTF8JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The JSON form of PostgreSQL values — the one mapping pgbridge uses for {@code query --format json|jsonl},
 * {@code export --format jsonl}, and that {@code load} reads back ({@link #toText} is the way back).
 * Input is a value as PostgreSQL prints it (its text output, see {@link Row}) and its column's {@link ValueType}.
 *
 * <table>
 * <caption>PostgreSQL type → JSON</caption>
 * <tr><th>type</th><th>JSON</th><th>example</th></tr>
 * <tr><td>any type, SQL NULL</td><td>null</td><td>{@code null}</td></tr>
 * <tr><td>int2, int4, int8, oid, xid8</td><td>number, exact digits</td><td>{@code 9223372036854775807}</td></tr>
 * <tr><td>numeric</td><td>number, exact digits and scale (never rounded through a float)</td>
 *     <td>{@code 12345678901234567890.123450}</td></tr>
 * <tr><td>float4, float8</td><td>number, as PostgreSQL prints it (shortest exact form)</td>
 *     <td>{@code 1.5e+300}, {@code 0.1}</td></tr>
 * <tr><td>numeric, float4, float8: NaN, Infinity, -Infinity</td><td>string</td><td>{@code "NaN"}, {@code "-Infinity"}</td></tr>
 * <tr><td>bool</td><td>true / false</td><td>{@code true}</td></tr>
 * <tr><td>date</td><td>string, ISO-8601</td><td>{@code "2024-02-29"}</td></tr>
 * <tr><td>timestamp</td><td>string, ISO-8601</td><td>{@code "2024-02-29T13:45:00.123456"}</td></tr>
 * <tr><td>timestamptz</td><td>string, ISO-8601 with the offset of the session's time zone</td>
 *     <td>{@code "2024-02-29T13:45:00+01:00"}</td></tr>
 * <tr><td>date, timestamp, timestamptz: infinity, -infinity</td><td>string</td><td>{@code "infinity"}</td></tr>
 * <tr><td>date, timestamp, timestamptz before year 1 or after 9999</td><td>ISO-8601 expanded year
 *     (astronomical: 1 BC is 0000)</td><td>{@code "-0043-03-15"}, {@code "+10000-01-01"}</td></tr>
 * <tr><td>time, timetz</td><td>string, ISO-8601 (timetz with offset)</td><td>{@code "13:45:00"}, {@code "13:45:00+05:30"}</td></tr>
 * <tr><td>interval</td><td>string, ISO-8601 duration (PostgreSQL's {@code intervalstyle = iso_8601}, which pgbridge
 *     sets on its sessions)</td><td>{@code "P1Y2M3DT4H5M6.5S"}, {@code "P-1DT2H"}</td></tr>
 * <tr><td>json, jsonb</td><td>the value itself, nested; a JSON {@code null} inside json/jsonb prints as
 *     {@code null}, the same as SQL NULL, at the top level (use {@code IS NULL} to tell them apart)</td>
 *     <td>{@code {"a": [1, 2]}}</td></tr>
 * <tr><td>bytea</td><td>string, base64 (RFC 4648, padded)</td><td>{@code "AQL/"}</td></tr>
 * <tr><td>arrays of any type, any number of dimensions</td><td>array (nested per dimension), each element mapped
 *     by its type; lower bounds other than 1 are dropped</td><td>{@code [[1, 2], [3, null]]}</td></tr>
 * <tr><td>text, varchar, char, uuid, inet, cidr, macaddr, enums, money, ranges, geometric types, xml,
 *     bit strings, every other type</td><td>string, as PostgreSQL prints it</td><td>{@code "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"}</td></tr>
 * <tr><td>a domain</td><td>as its base type</td><td></td></tr>
 * </table>
 *
 * <p>Numbers keep every digit: a JSON reader that parses them into doubles (JavaScript's {@code JSON.parse})
 * loses digits beyond 2<sup>53</sup> or 17 significant digits; read them as decimals to keep them.
 */
public final class JsonValues {
    private static final StreamReadConstraints READ_WHOLE = StreamReadConstraints.builder()
            .maxStringLength(Integer.MAX_VALUE)
            .maxNumberLength(Integer.MAX_VALUE)
            .maxNestingDepth(Integer.MAX_VALUE)
            .build();
    private static final StreamWriteConstraints WRITE_WHOLE = StreamWriteConstraints.builder()
            .maxNestingDepth(Integer.MAX_VALUE)
            .build();
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(READ_WHOLE)
            .streamWriteConstraints(WRITE_WHOLE)
            // characters beyond U+FFFF as their 4 UTF-8 bytes, not as an escaped surrogate pair
            .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
            .build();
    /** Reads JSON keeping every digit of every number. */
    private static final JsonMapper EXACT = JsonMapper.builder(FACTORY)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();

    private JsonValues() {
    }

    /** The factory pgbridge writes JSON with: no limits on string length, number length or nesting. */
    public static JsonFactory factory() {
        return FACTORY;
    }

    /**
     * A new factory with the same settings, for a mapper of its own (a mapper takes its factory over): whatever
     * PostgreSQL stores (1 GB strings, 131,072-digit numbers, deep json) is read and written whole.
     */
    public static JsonFactory newFactory() {
        return JsonFactory.builder()
                .streamReadConstraints(READ_WHOLE)
                .streamWriteConstraints(WRITE_WHOLE)
                .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
                .build();
    }

    /** Writes one row as a JSON object: keys are the column names exactly, in column order. */
    public static void writeRow(JsonGenerator g, List<Column> columns, Row row) throws IOException {
        g.writeStartObject();
        for (int i = 0; i < columns.size(); i++) {
            Column column = columns.get(i);
            g.writeFieldName(column.name());
            write(g, column.type(), row, i);
        }
        g.writeEndObject();
    }

    /**
     * Writes value {@code index} of {@code row} as JSON: the same as {@link #write(JsonGenerator, ValueType, String)},
     * faster on a byte-stream generator, which takes numbers, text and jsonb straight from the bytes that came in.
     */
    public static void write(JsonGenerator g, ValueType type, Row row, int index) throws IOException {
        if (!(g instanceof UTF8JsonGenerator)) {
            write(g, type, row.get(index));
            return;
        }
        byte[] utf8 = row.utf8(index);
        if (utf8 == null) {
            g.writeNull();
            return;
        }
        switch (type.kind()) {
            case INTEGER, JSONB -> g.writeRawValue(new RawJson(utf8));
            case NUMERIC, FLOAT -> {
                if (isSpecialNumber(utf8)) {
                    g.writeString(row.get(index));
                }
                else {
                    g.writeRawValue(new RawJson(utf8));
                }
            }
            case TEXT -> g.writeUTF8String(utf8, 0, utf8.length);
            default -> write(g, type, row.get(index));
        }
    }

    /** NaN, Infinity, -Infinity: PostgreSQL's numeric and float output starts with a digit, '-' or '.' otherwise. */
    private static boolean isSpecialNumber(byte[] utf8) {
        return utf8.length > 0 && (utf8[0] == 'N' || utf8[0] == 'I' || (utf8.length > 1 && utf8[0] == '-' && utf8[1] == 'I'));
    }

    /** Writes one value ({@code text} as PostgreSQL prints it, null for SQL NULL) as JSON. */
    public static void write(JsonGenerator g, ValueType type, String text) throws IOException {
        if (text == null) {
            g.writeNull();
            return;
        }
        switch (type.kind()) {
            case INTEGER -> g.writeNumber(text);
            case NUMERIC, FLOAT -> {
                if (isSpecialNumber(text)) {
                    g.writeString(text);
                }
                else {
                    g.writeNumber(text);
                }
            }
            case BOOLEAN -> g.writeBoolean(bool(text));
            case TEXT -> g.writeString(text);
            case DATE -> g.writeString(isoDate(text));
            case TIMESTAMP -> g.writeString(isoTimestamp(text));
            case TIMESTAMPTZ -> g.writeString(isoTimestamptz(text));
            case TIME -> g.writeString(text);
            case TIMETZ -> g.writeString(isoTimetz(text));
            case INTERVAL -> g.writeString(text);
            case JSONB -> g.writeRawValue(text); // jsonb prints on one line, always valid JSON
            case JSON -> writeJson(g, text);
            case BYTEA -> g.writeBinary(bytea(text));
            case ARRAY -> writeArray(g, type.element(), ArrayLiteral.parse(text, type.delimiter()));
        }
    }

    /** The JSON of one value, as a tree with exact numbers; {@link com.fasterxml.jackson.databind.node.NullNode} for SQL NULL. */
    public static JsonNode toJson(ValueType type, String text) {
        return parseExact(toJsonText(type, text));
    }

    /** The JSON text of one value. */
    public static String toJsonText(ValueType type, String text) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            write(g, type, text);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** Parses JSON text keeping every digit of every number (decimals as {@code BigDecimal}). */
    public static JsonNode parseExact(String json) {
        try {
            return EXACT.readTree(json);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The way back: the PostgreSQL input text for a JSON value of a column of {@code type}, or null for SQL NULL
     * (a JSON {@code null}, also for json/jsonb columns). Numbers should come from an exact reader
     * ({@link #parseExact}); strings are taken as they are for every type that maps to a string; ISO-8601 expanded
     * years become PostgreSQL's {@code BC} notation; base64 becomes bytea's hex form; JSON arrays become array
     * literals (for json[] and jsonb[] the outer JSON array is the only dimension).
     *
     * @throws IllegalArgumentException when the JSON value cannot be a value of that type (e.g. an object for int4)
     */
    public static String toText(ValueType type, JsonNode value) {
        requireNonNull(type, "type is null");
        if (value == null || value.isNull() || value.isMissingNode()) {
            return null;
        }
        return switch (type.kind()) {
            case INTEGER, NUMERIC, FLOAT -> {
                if (value.isNumber()) {
                    if (value.isBigDecimal()) {
                        // plain digits keep the scale (numeric); an exponent stays one (1.5E+300, a float)
                        java.math.BigDecimal d = value.decimalValue();
                        yield d.scale() >= 0 ? d.toPlainString() : d.toString();
                    }
                    yield value.asText();
                }
                if (value.isTextual()) {
                    yield value.textValue();
                }
                throw mismatch(type, value);
            }
            case BOOLEAN -> {
                if (value.isBoolean()) {
                    yield value.booleanValue() ? "t" : "f";
                }
                if (value.isTextual()) {
                    yield value.textValue();
                }
                throw mismatch(type, value);
            }
            case DATE, TIMESTAMP, TIMESTAMPTZ -> postgresDateTime(scalarText(type, value));
            case TIMETZ, TIME, INTERVAL, TEXT -> scalarText(type, value);
            case JSON, JSONB -> value.toString();
            case BYTEA -> {
                if (!value.isTextual()) {
                    throw mismatch(type, value);
                }
                byte[] bytes;
                try {
                    bytes = Base64.getMimeDecoder().decode(value.textValue());
                }
                catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("bytea value is not base64: " + e.getMessage(), e);
                }
                yield "\\x" + HexFormat.of().formatHex(bytes);
            }
            case ARRAY -> {
                if (!value.isArray()) {
                    throw mismatch(type, value);
                }
                yield ArrayLiteral.format(arrayElements(type.element(), value), type.delimiter());
            }
        };
    }

    private static List<Object> arrayElements(ValueType element, JsonNode array) {
        List<Object> out = new ArrayList<>(array.size());
        boolean valueArrays = element.kind() == ValueType.Kind.JSON || element.kind() == ValueType.Kind.JSONB
                || element.kind() == ValueType.Kind.ARRAY;
        for (JsonNode item : array) {
            if (item.isArray() && !valueArrays) {
                out.add(arrayElements(element, item));
            }
            else {
                out.add(toText(element, item));
            }
        }
        return out;
    }

    private static String scalarText(ValueType type, JsonNode value) {
        if (value.isTextual()) {
            return value.textValue();
        }
        if (value.isValueNode()) {
            return value.asText();
        }
        throw mismatch(type, value);
    }

    private static IllegalArgumentException mismatch(ValueType type, JsonNode value) {
        // the value itself is data: name only its JSON kind
        return new IllegalArgumentException("a JSON " + value.getNodeType().name().toLowerCase(java.util.Locale.ROOT)
                + " cannot be a value of type " + type.name());
    }

    private static void writeArray(JsonGenerator g, ValueType element, List<Object> items) throws IOException {
        g.writeStartArray();
        for (Object item : items) {
            if (item == null) {
                g.writeNull();
            }
            else if (item instanceof List<?> nested) {
                @SuppressWarnings("unchecked")
                List<Object> dimension = (List<Object>) nested;
                writeArray(g, element, dimension);
            }
            else {
                write(g, element, (String) item);
            }
        }
        g.writeEndArray();
    }

    /**
     * json keeps the text as it was given, line breaks included: copied raw when on one line (it is valid JSON),
     * else token by token so JSON lines stay one line — numbers by their text, so no digit changes.
     */
    private static void writeJson(JsonGenerator g, String text) throws IOException {
        if (text.indexOf('\n') < 0 && text.indexOf('\r') < 0) {
            g.writeRawValue(text.strip());
            return;
        }
        try (JsonParser p = FACTORY.createParser(text)) {
            JsonToken token;
            while ((token = p.nextToken()) != null) {
                switch (token) {
                    case START_OBJECT -> g.writeStartObject();
                    case END_OBJECT -> g.writeEndObject();
                    case START_ARRAY -> g.writeStartArray();
                    case END_ARRAY -> g.writeEndArray();
                    case FIELD_NAME -> g.writeFieldName(p.currentName());
                    case VALUE_STRING -> g.writeString(p.getText());
                    case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> g.writeNumber(p.getText());
                    case VALUE_TRUE -> g.writeBoolean(true);
                    case VALUE_FALSE -> g.writeBoolean(false);
                    case VALUE_NULL -> g.writeNull();
                    default -> throw new IOException("unexpected JSON token " + token + " in a json value");
                }
            }
        }
    }

    static boolean isSpecialNumber(String text) {
        return text.equals("NaN") || text.equals("Infinity") || text.equals("-Infinity");
    }

    private static boolean bool(String text) {
        return switch (text) {
            case "t", "true" -> true;
            case "f", "false" -> false;
            default -> throw new IllegalArgumentException("not a PostgreSQL boolean: " + text.length() + " chars");
        };
    }

    /** bytea's text output in either {@code bytea_output}: {@code \x0aff} (hex) or escape ({@code a\\\001}). */
    static byte[] bytea(String text) {
        if (text.startsWith("\\x")) {
            return HexFormat.of().parseHex(text, 2, text.length());
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '\\') {
                out.write(c);
            }
            else if (i + 1 < text.length() && text.charAt(i + 1) == '\\') {
                out.write('\\');
                i++;
            }
            else if (i + 3 < text.length()) {
                out.write(Integer.parseInt(text, i + 1, i + 4, 8));
                i += 3;
            }
            else {
                throw new IllegalArgumentException("malformed bytea escape at character " + (i + 1));
            }
        }
        return out.toByteArray();
    }

    // --- dates and times: PostgreSQL's ISO DateStyle (which pgjdbc requires) to ISO-8601 and back

    /** {@code 2024-02-29} stays; {@code 0044-03-15 BC} → {@code -0043-03-15}; {@code 10000-01-01} → {@code +10000-01-01}. */
    static String isoDate(String text) {
        return isoDateTime(text, false);
    }

    /** {@code 2024-02-29 13:45:00.5} → {@code 2024-02-29T13:45:00.5}. */
    static String isoTimestamp(String text) {
        return isoDateTime(text, false);
    }

    /** {@code 2024-02-29 13:45:00+01} → {@code 2024-02-29T13:45:00+01:00}. */
    static String isoTimestamptz(String text) {
        return isoDateTime(text, true);
    }

    /** {@code 13:45:00+05} → {@code 13:45:00+05:00}. */
    static String isoTimetz(String text) {
        int sign = Math.max(text.lastIndexOf('+'), text.lastIndexOf('-'));
        return sign < 0 ? text : text.substring(0, sign) + isoOffset(text.substring(sign));
    }

    private static String isoDateTime(String text, boolean withOffset) {
        if (text.equals("infinity") || text.equals("-infinity")) {
            return text;
        }
        boolean bc = text.endsWith(" BC");
        String t = bc ? text.substring(0, text.length() - 3) : text;
        int dash = t.indexOf('-', 1);
        if (dash < 0 || !digits(t, 0, dash)) {
            return text; // not the ISO DateStyle: leave it as PostgreSQL printed it
        }
        long year = Long.parseLong(t, 0, dash, 10);
        StringBuilder sb = new StringBuilder(t.length() + 8);
        appendIsoYear(sb, bc ? 1 - year : year);
        int space = t.indexOf(' ', dash);
        if (space < 0) {
            return sb.append(t, dash, t.length()).toString();
        }
        sb.append(t, dash, space).append('T');
        String time = t.substring(space + 1);
        if (withOffset) {
            int sign = Math.max(time.lastIndexOf('+'), time.lastIndexOf('-'));
            if (sign > 0) {
                return sb.append(time, 0, sign).append(isoOffset(time.substring(sign))).toString();
            }
        }
        return sb.append(time).toString();
    }

    private static void appendIsoYear(StringBuilder sb, long year) {
        if (year > 9999) {
            sb.append('+').append(year);
            return;
        }
        if (year < 0) {
            sb.append('-');
        }
        String digits = Long.toString(Math.abs(year));
        sb.append("0".repeat(Math.max(0, 4 - digits.length()))).append(digits);
    }

    /** {@code +05} → {@code +05:00}; {@code +05:30} and {@code +00:19:32} stay. */
    private static String isoOffset(String offset) {
        return offset.length() == 3 ? offset + ":00" : offset;
    }

    /** ISO-8601 (as {@link #write} prints it) back to text PostgreSQL reads, with {@code BC} for years before 1. */
    static String postgresDateTime(String iso) {
        if (iso.isEmpty() || iso.equals("infinity") || iso.equals("-infinity")) {
            return iso;
        }
        char first = iso.charAt(0);
        boolean signed = first == '+' || first == '-';
        int dash = iso.indexOf('-', 1);
        if (dash < 0 || !digits(iso, signed ? 1 : 0, dash)) {
            return iso; // not ISO-8601 (e.g. 'epoch'): PostgreSQL reads it or says why not
        }
        long year = Long.parseLong(iso, signed ? 1 : 0, dash, 10);
        if (first == '-') {
            year = -year;
        }
        String rest = iso.substring(dash).replace('T', ' ');
        StringBuilder sb = new StringBuilder(iso.length() + 4);
        if (year >= 1) {
            appendIsoYear(sb, year);
            if (year > 9999) {
                sb.deleteCharAt(0); // no '+' for PostgreSQL
            }
            return sb.append(rest).toString();
        }
        appendIsoYear(sb, 1 - year);
        return sb.append(rest).append(" BC").toString();
    }

    private static boolean digits(String s, int from, int to) {
        if (from >= to || to - from > 18) {
            return false;
        }
        for (int i = from; i < to; i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
