package dev.pgbridge.cdc.event;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgbridge.pgtype.PgJson;
import dev.pgbridge.pgtype.RawJsonNode;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * The one JSON configuration of change events: numbers keep their exact digits (no float rounding, no
 * scientific notation for numerics), both when written and when read back from a spill file; text is written as
 * UTF-8 without escaping what needs no escape; no limit on a value's length or nesting (core's
 * {@link PgJson#newFactory()}).
 */
public final class EventJson {
    /**
     * Thread-safe once configured. The exact-decimals node factory is deprecated in favour of a deserialization
     * feature, but only the factory also keeps the digits of nodes built in code (a numeric's {@code 1.50}).
     */
    @SuppressWarnings("deprecation")
    public static final ObjectMapper MAPPER = JsonMapper.builder(PgJson.newFactory())
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    private EventJson() {
    }

    /**
     * Reads a spilled event back: like {@code MAPPER.readTree}, except that the column values of the rows under
     * {@code rowFields} keep their JSON text exactly (a float {@code 1e+300} or {@code -0}, a jsonb value with its
     * spaces, an array) as {@link RawJsonNode}s, so the event writes the same bytes after a spill as before.
     */
    public static ObjectNode readWithExactRows(byte[] bytes, Set<String> rowFields) throws IOException {
        ObjectNode result = MAPPER.createObjectNode();
        try (JsonParser p = MAPPER.createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("a spilled event is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken token = p.nextToken();
                if (rowFields.contains(name) && token == JsonToken.START_OBJECT) {
                    result.set(name, exactRow(p, bytes));
                }
                else {
                    result.set(name, MAPPER.readTree(p));
                }
            }
        }
        return result;
    }

    private static ObjectNode exactRow(JsonParser p, byte[] bytes) throws IOException {
        ObjectNode row = MAPPER.createObjectNode();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String column = p.currentName();
            JsonToken token = p.nextToken();
            row.set(column, switch (token) {
                case START_OBJECT, START_ARRAY -> {
                    int start = (int) p.currentTokenLocation().getByteOffset();
                    p.skipChildren();
                    int end = (int) p.currentLocation().getByteOffset();
                    yield RawJsonNode.json(new String(bytes, start, end - start, StandardCharsets.UTF_8));
                }
                case VALUE_NUMBER_INT -> {
                    String text = p.getText();
                    BigInteger value = p.getBigIntegerValue();
                    if (!value.toString().equals(text)) {
                        yield RawJsonNode.number(text); // -0
                    }
                    yield value.bitLength() < 64 ? LongNode.valueOf(value.longValue()) : BigIntegerNode.valueOf(value);
                }
                case VALUE_NUMBER_FLOAT -> {
                    String text = p.getText();
                    BigDecimal value = new BigDecimal(text);
                    yield value.toPlainString().equals(text) ? DecimalNode.valueOf(value) : RawJsonNode.number(text);
                }
                default -> MAPPER.readTree(p);
            });
        }
        return row;
    }

    /** Compact JSON text of a node. */
    public static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        }
        catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }
}
