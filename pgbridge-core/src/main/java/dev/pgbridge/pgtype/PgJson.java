package dev.pgbridge.pgtype;

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
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.POJONode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.databind.util.RawValue;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The one mapping of PostgreSQL values to JSON and back ({@code docs/types.md} is its table). A value comes as
 * PostgreSQL prints it (its text output: query results, COPY, pgoutput) with its column's {@link PgType}, and goes
 * out
 * <ul>
 *   <li>to a Jackson generator ({@link #write(JsonGenerator, PgType, String)}): query, export;</li>
 *   <li>to raw UTF-8 bytes ({@link #write(JsonBytes, PgType, String)}): the same bytes, without a generator;</li>
 *   <li>as a tree node ({@link #node}) for change events, whose bytes — written by Jackson or by {@link JsonBytes}
 *       — are again the same.</li>
 * </ul>
 * The way back, JSON to the text PostgreSQL's input function reads, is {@link #readText} (streaming, for load) and
 * {@link #toText} (a tree node, for the PostgreSQL sink): one implementation.
 */
public final class PgJson {
    private static final StreamReadConstraints READ_WHOLE = StreamReadConstraints.builder()
            .maxStringLength(Integer.MAX_VALUE)
            .maxNumberLength(Integer.MAX_VALUE)
            .maxNestingDepth(Integer.MAX_VALUE)
            .build();
    private static final StreamWriteConstraints WRITE_WHOLE = StreamWriteConstraints.builder()
            .maxNestingDepth(Integer.MAX_VALUE)
            .build();
    private static final JsonFactory FACTORY = newFactory();
    /** Reads JSON keeping every digit of every number. */
    private static final JsonMapper EXACT = JsonMapper.builder(newFactory())
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();

    private PgJson() {
    }

    /** The factory pgbridge writes and reads JSON with: no limits on string length, number length or nesting. */
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
                // characters beyond U+FFFF as their 4 UTF-8 bytes, not as an escaped surrogate pair
                .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
                .build();
    }

    // --- PostgreSQL text → JSON

    /** Writes one value ({@code text} as PostgreSQL prints it, null for SQL NULL) as JSON. */
    public static void write(JsonGenerator g, PgType type, String text) throws IOException {
        write(new GeneratorOut(g), type, text);
    }

    /** Writes one value as JSON bytes: the same bytes as {@link #write(JsonGenerator, PgType, String)}. */
    public static void write(JsonBytes out, PgType type, String text) {
        try {
            write((JsonOut) out, type, text);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e); // JsonBytes does no I/O
        }
    }

    /**
     * Writes a value given as the UTF-8 bytes of its text (null for SQL NULL): the same as
     * {@link #write(JsonGenerator, PgType, String)}, faster on a byte-stream generator, which takes numbers, text and
     * jsonb straight from the bytes.
     */
    public static void writeUtf8(JsonGenerator g, PgType type, byte[] utf8) throws IOException {
        // a generator over characters takes no raw UTF-8: it gets the decoded text
        Utf8Form form = g instanceof UTF8JsonGenerator ? form(type, utf8) : utf8 == null ? Utf8Form.NULL
                : Utf8Form.DECODED;
        switch (form) {
            case NULL -> g.writeNull();
            case RAW -> g.writeRawValue(new RawJson(utf8));
            case PLAIN_STRING -> g.writeRawUTF8String(utf8, 0, utf8.length); // quoted and copied as one block
            case STRING -> g.writeUTF8String(utf8, 0, utf8.length);
            case DECODED -> write(g, type, new String(utf8, StandardCharsets.UTF_8));
        }
    }

    /**
     * Writes a value given as the UTF-8 bytes of its text as JSON bytes: the same bytes as
     * {@link #write(JsonBytes, PgType, String)}, with integers, numbers, jsonb and text copied as they came off the
     * wire (a change event's values, no {@code String} per value).
     */
    public static void writeUtf8(JsonBytes out, PgType type, byte[] utf8) {
        switch (form(type, utf8)) {
            case NULL -> out.writeNull();
            case RAW -> out.append(utf8);
            case PLAIN_STRING -> out.quoted(utf8);
            case STRING -> out.string(new String(utf8, StandardCharsets.UTF_8));
            case DECODED -> write(out, type, new String(utf8, StandardCharsets.UTF_8));
        }
    }

    /** How a value given as UTF-8 text is written; one decision for both destinations of {@code writeUtf8}. */
    private enum Utf8Form {
        /** SQL NULL. */
        NULL,
        /** The text is the value's JSON as it is: integers, numbers but NaN and the infinities, jsonb (as UTF-8). */
        RAW,
        /** A JSON string of well-formed UTF-8 that needs no escape: quoted and copied. */
        PLAIN_STRING,
        /** A JSON string with characters to escape. */
        STRING,
        /** Anything else: mapped from the decoded text by {@link #write(JsonOut, PgType, String)}. */
        DECODED
    }

    private static Utf8Form form(PgType type, byte[] utf8) {
        if (utf8 == null) {
            return Utf8Form.NULL;
        }
        // bytes that are not UTF-8 (a SQL_ASCII database's) are decoded, with U+FFFD for what is not: never copied
        return switch (type.kind()) {
            case INTEGER -> Utf8Form.RAW;
            case JSONB -> isWellFormedUtf8(utf8) ? Utf8Form.RAW : Utf8Form.DECODED;
            case NUMERIC, FLOAT -> isSpecialNumber(utf8) ? Utf8Form.DECODED : Utf8Form.RAW;
            case TEXT -> !isWellFormedUtf8(utf8) ? Utf8Form.DECODED
                    : needsNoEscape(utf8) ? Utf8Form.PLAIN_STRING : Utf8Form.STRING;
            default -> Utf8Form.DECODED;
        };
    }

    /** The JSON text of one value. */
    public static String toJsonText(PgType type, String text) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            write(g, type, text);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /**
     * The JSON of one value as a tree node whose JSON bytes are exactly those {@link #write} writes: null, booleans,
     * integers (long or big), numerics (exact decimals) and strings as Jackson's own nodes; floats, json, jsonb and
     * arrays as a {@link RawJsonNode} holding their JSON text, so no digit, key order, duplicate key or space
     * changes.
     */
    public static JsonNode node(PgType type, String text) {
        if (text == null) {
            return NullNode.getInstance();
        }
        return switch (type.kind()) {
            case INTEGER -> integer(text);
            case NUMERIC -> isSpecialNumber(text) ? TextNode.valueOf(text) : new DecimalNode(new BigDecimal(text));
            case FLOAT -> isSpecialNumber(text) ? TextNode.valueOf(text) : RawJsonNode.number(text);
            case BOOLEAN -> BooleanNode.valueOf(bool(text));
            case TEXT, TIME -> TextNode.valueOf(text);
            case DATE, TIMESTAMP -> TextNode.valueOf(PgText.isoDateTime(text, false));
            case TIMESTAMPTZ -> TextNode.valueOf(PgText.isoDateTime(text, true));
            case TIMETZ -> TextNode.valueOf(PgText.isoTimetz(text));
            case INTERVAL -> TextNode.valueOf(PgText.isoInterval(text));
            case BYTEA -> TextNode.valueOf(java.util.Base64.getEncoder().encodeToString(PgText.bytea(text)));
            case JSONB -> RawJsonNode.json(text);
            case JSON -> RawJsonNode.json(oneLine(text) ? text.strip() : toJsonText(type, text));
            case ARRAY -> {
                JsonBytes out = new JsonBytes(Math.max(16, text.length() + 16));
                write(out, type, text);
                yield RawJsonNode.json(new String(out.array(), 0, out.length(), StandardCharsets.UTF_8));
            }
        };
    }

    private static JsonNode integer(String text) {
        int n = text.length();
        if (n < 19) {
            return LongNode.valueOf(Long.parseLong(text));
        }
        BigInteger big = new BigInteger(text);
        return big.bitLength() < 64 ? LongNode.valueOf(big.longValue()) : BigIntegerNode.valueOf(big);
    }

    private static void write(JsonOut out, PgType type, String text) throws IOException {
        if (text == null) {
            out.writeNull();
            return;
        }
        switch (type.kind()) {
            case INTEGER -> out.writeNumber(text);
            case NUMERIC, FLOAT -> {
                if (isSpecialNumber(text)) {
                    out.writeString(text);
                }
                else {
                    out.writeNumber(text);
                }
            }
            case BOOLEAN -> out.writeBoolean(bool(text));
            case TEXT, TIME -> out.writeString(text);
            case DATE, TIMESTAMP -> out.writeString(PgText.isoDateTime(text, false));
            case TIMESTAMPTZ -> out.writeString(PgText.isoDateTime(text, true));
            case TIMETZ -> out.writeString(PgText.isoTimetz(text));
            case INTERVAL -> out.writeString(PgText.isoInterval(text));
            case JSONB -> out.writeRaw(text); // jsonb prints on one line, always valid JSON
            case JSON -> writeJson(out, text);
            case BYTEA -> out.writeBinary(PgText.bytea(text));
            case ARRAY -> writeArray(out, type.element(), ArrayLiteral.parse(text, type.delimiter()));
        }
    }

    private static void writeArray(JsonOut out, PgType element, List<Object> items) throws IOException {
        out.startArray();
        boolean first = true;
        for (Object item : items) {
            if (!first) {
                out.comma();
            }
            first = false;
            if (item instanceof List<?> nested) {
                @SuppressWarnings("unchecked")
                List<Object> dimension = (List<Object>) nested;
                writeArray(out, element, dimension);
            }
            else {
                write(out, element, (String) item);
            }
        }
        out.endArray();
    }

    private static boolean oneLine(String text) {
        return text.indexOf('\n') < 0 && text.indexOf('\r') < 0;
    }

    /**
     * json keeps the text as it was given (duplicate keys, key order, spaces): copied raw when on one line (it is valid
     * JSON), else token by token so JSON lines stay one line — numbers by their text, so no digit changes.
     */
    private static void writeJson(JsonOut out, String text) throws IOException {
        if (oneLine(text)) {
            out.writeRaw(text.strip());
            return;
        }
        try (JsonParser p = FACTORY.createParser(text)) {
            p.nextToken();
            copy(p, out);
        }
    }

    private static void copy(JsonParser p, JsonOut out) throws IOException {
        JsonToken token = p.currentToken();
        switch (token) {
            case START_OBJECT -> {
                out.startObject();
                boolean first = true;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    if (!first) {
                        out.comma();
                    }
                    first = false;
                    out.field(p.currentName());
                    p.nextToken();
                    copy(p, out);
                }
                out.endObject();
            }
            case START_ARRAY -> {
                out.startArray();
                boolean first = true;
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    if (!first) {
                        out.comma();
                    }
                    first = false;
                    copy(p, out);
                }
                out.endArray();
            }
            case VALUE_STRING -> out.writeString(p.getText());
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> out.writeNumber(p.getText());
            case VALUE_TRUE -> out.writeBoolean(true);
            case VALUE_FALSE -> out.writeBoolean(false);
            case VALUE_NULL -> out.writeNull();
            default -> throw new IOException("unexpected JSON token " + token + " in a json value");
        }
    }

    static boolean isSpecialNumber(String text) {
        return text.equals("NaN") || text.equals("Infinity") || text.equals("-Infinity");
    }

    /** NaN, Infinity, -Infinity: PostgreSQL's numeric and float output starts with a digit, '-' or '.' otherwise. */
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    /**
     * Whether JSON needs no escape in these UTF-8 bytes: no control character (below 0x20), no {@code "} and no
     * {@code \}, the only bytes a JSON string escapes by default (bytes of multi-byte characters pass as they are).
     * Eight bytes a step: a text column's value is then copied as one block instead of byte by byte.
     */
    static boolean needsNoEscape(byte[] utf8) {
        int i = 0;
        int n = utf8.length;
        for (; i + 8 <= n; i += 8) {
            long x = (long) LONGS.get(utf8, i);
            long quote = x ^ (ONES * '"');
            long backslash = x ^ (ONES * '\\');
            long found = ((x - ONES * 0x20) & ~x) | ((quote - ONES) & ~quote) | ((backslash - ONES) & ~backslash);
            if ((found & HIGHS) != 0) {
                return false;
            }
        }
        for (; i < n; i++) {
            byte b = utf8[i];
            if ((b >= 0 && b < 0x20) || b == '"' || b == '\\') {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether these bytes are well-formed UTF-8 (no stray continuation byte, overlong form, surrogate or code point
     * beyond U+10FFFF): what a server sends a UTF-8 client, except from a SQL_ASCII database, which converts nothing.
     * ASCII is skipped eight bytes a step.
     */
    static boolean isWellFormedUtf8(byte[] b) {
        int i = 0;
        int n = b.length;
        while (i + 8 <= n && ((long) LONGS.get(b, i) & HIGHS) == 0) {
            i += 8;
        }
        while (i < n) {
            int c = b[i] & 0xFF;
            if (c < 0x80) {
                i++;
                continue;
            }
            int length = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
            if (length == 0 || i + length > n) {
                return false;
            }
            int second = b[i + 1] & 0xFF;
            if (c == 0xE0 && second < 0xA0 || c == 0xED && second > 0x9F || c == 0xF0 && second < 0x90
                    || c == 0xF4 && second > 0x8F) {
                return false; // overlong, a surrogate, beyond U+10FFFF
            }
            for (int k = 1; k < length; k++) {
                if ((b[i + k] & 0xC0) != 0x80) {
                    return false;
                }
            }
            i += length;
        }
        return true;
    }

    private static boolean isSpecialNumber(byte[] utf8) {
        return utf8.length > 0 && (utf8[0] == 'N' || utf8[0] == 'I' || (utf8.length > 1 && utf8[0] == '-' && utf8[1] == 'I'));
    }

    private static boolean bool(String text) {
        return switch (text) {
            case "t", "true" -> true;
            case "f", "false" -> false;
            default -> throw new IllegalArgumentException("not a PostgreSQL boolean: " + text.length() + " chars");
        };
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

    // --- JSON → PostgreSQL input text

    /**
     * Writes the input text of the JSON value the parser stands on for a column of {@code type}, leaving the parser on
     * the value's last token; false (and nothing written) for a JSON null, which is SQL NULL.
     *
     * @throws BadValue when the JSON value cannot be a value of that type (an object for int4, bad base64 for bytea)
     */
    public static boolean readText(JsonParser p, PgType type, TextSink out) throws IOException {
        return JsonInput.write(p, type, out);
    }

    /**
     * The input text of a JSON value (a tree node, e.g. of a change event) for a column of {@code type}, or null for
     * SQL NULL: {@link #readText} on the node. A {@link RawJsonNode} of a json/jsonb value gives its text as it is; an
     * object or array for a text column gives its JSON text (where {@link #readText}, for a load, refuses it).
     */
    public static String toText(PgType type, JsonNode value) {
        requireNonNull(type, "type is null");
        if (value == null || value.isNull() || value.isMissingNode()) {
            return null;
        }
        if (value instanceof POJONode pojo && pojo.getPojo() instanceof RawValue raw) {
            // a RawJsonNode copied through Jackson's token buffer (valueToTree)
            return toText(type, RawJsonNode.json(String.valueOf(raw.rawValue())));
        }
        if (value instanceof RawJsonNode raw && raw.json().equals("null")) {
            return null; // a json value that is JSON null: SQL NULL, as after a spill or for a consumer (documented)
        }
        if (value instanceof RawJsonNode raw && (type.kind() == PgType.Kind.JSON || type.kind() == PgType.Kind.JSONB
                || type.kind() == PgType.Kind.FLOAT || type.kind() == PgType.Kind.NUMERIC)) {
            return raw.json();
        }
        if (type.kind() == PgType.Kind.TEXT && (value.isContainerNode() || value instanceof RawJsonNode)) {
            // a json value arriving in a text column (the sink's target changed type): its JSON text
            return value instanceof RawJsonNode raw ? raw.json() : value.toString();
        }
        if (value.isNumber()) {
            switch (type.kind()) {
                case INTEGER, NUMERIC, FLOAT, TEXT, JSON, JSONB -> {
                    if (value.isBigDecimal()) {
                        // plain digits keep the scale (numeric); an exponent stays one (1.5E+300, a float)
                        BigDecimal d = value.decimalValue();
                        return d.scale() >= 0 || type.kind() != PgType.Kind.FLOAT ? d.toPlainString() : d.toString();
                    }
                    return value.asText();
                }
                default -> {
                }
            }
        }
        if (value.isTextual()) {
            // the common case without a parser: a string maps to a string
            switch (type.kind()) {
                case TEXT, TIME, TIMETZ, INTEGER, NUMERIC, FLOAT, BOOLEAN -> {
                    return value.textValue();
                }
                case DATE, TIMESTAMP, TIMESTAMPTZ -> {
                    return PgText.postgresDateTime(value.textValue());
                }
                case INTERVAL -> {
                    return PgText.postgresInterval(value.textValue());
                }
                case BYTEA -> {
                    return PgText.byteaHex(value.textValue());
                }
                default -> {
                }
            }
        }
        StringBuilder sb = new StringBuilder();
        try (JsonParser p = value instanceof RawJsonNode raw ? FACTORY.createParser(raw.json())
                : value.traverse(EXACT)) {
            p.nextToken();
            JsonInput.write(p, type, TextSink.of(sb));
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sb.toString();
    }

    /** Where the input text goes: a StringBuilder, or a load's row buffer without a copy. */
    public interface TextSink {
        void append(char[] chars, int offset, int length);

        void append(CharSequence text);

        static TextSink of(StringBuilder sb) {
            return new TextSink() {
                @Override
                public void append(char[] chars, int offset, int length) {
                    sb.append(chars, offset, length);
                }

                @Override
                public void append(CharSequence text) {
                    sb.append(text);
                }
            };
        }
    }

    /** A Jackson generator as a {@link JsonOut}; the generator places commas itself. */
    private record GeneratorOut(JsonGenerator g) implements JsonOut {
        @Override
        public void writeNull() throws IOException {
            g.writeNull();
        }

        @Override
        public void writeBoolean(boolean value) throws IOException {
            g.writeBoolean(value);
        }

        @Override
        public void writeNumber(String text) throws IOException {
            g.writeNumber(text);
        }

        @Override
        public void writeString(String text) throws IOException {
            g.writeString(text);
        }

        @Override
        public void writeRaw(String json) throws IOException {
            g.writeRawValue(json);
        }

        @Override
        public void writeBinary(byte[] bytes) throws IOException {
            g.writeBinary(bytes);
        }

        @Override
        public void startArray() throws IOException {
            g.writeStartArray();
        }

        @Override
        public void endArray() throws IOException {
            g.writeEndArray();
        }

        @Override
        public void startObject() throws IOException {
            g.writeStartObject();
        }

        @Override
        public void endObject() throws IOException {
            g.writeEndObject();
        }

        @Override
        public void field(String name) throws IOException {
            g.writeFieldName(name);
        }

        @Override
        public void comma() {
        }
    }
}
