package dev.pgbridge.pgtype;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ValueNode;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;


/**
 * A value in a JSON tree that keeps its JSON text exactly as {@link PgJson} wrote it: a float ({@code 1e+300},
 * {@code -0}), a json or jsonb document (key order, duplicate keys, spaces), an array. Written by Jackson or by
 * {@link JsonBytes}, it gives back exactly those bytes. A number reports itself as a number (its value read from the
 * text); anything else as {@link JsonNodeType#POJO} — read it with {@link PgJson#toText} or parse {@link #json()}.
 */
public final class RawJsonNode extends ValueNode {
    private static final long serialVersionUID = 1L;

    private final String json;
    private final boolean number;

    private RawJsonNode(String json, boolean number) {
        this.json = java.util.Objects.requireNonNull(json, "json is null");
        this.number = number;
    }

    /** A number whose text is valid JSON as it is. */
    public static RawJsonNode number(String text) {
        return new RawJsonNode(text, true);
    }

    /** One JSON value on one line (an object, an array, a string …), valid JSON as it is. */
    public static RawJsonNode json(String text) {
        return new RawJsonNode(text, false);
    }

    /** The JSON text. */
    public String json() {
        return json;
    }

    @Override
    public JsonNodeType getNodeType() {
        return number ? JsonNodeType.NUMBER : JsonNodeType.POJO;
    }

    @Override
    public JsonToken asToken() {
        return number ? JsonToken.VALUE_NUMBER_FLOAT : JsonToken.VALUE_EMBEDDED_OBJECT;
    }

    @Override
    public JsonParser.NumberType numberType() {
        return number ? JsonParser.NumberType.BIG_DECIMAL : null;
    }

    @Override
    public Number numberValue() {
        return number ? decimalValue() : null;
    }

    @Override
    public BigDecimal decimalValue() {
        return number ? new BigDecimal(json) : super.decimalValue();
    }

    @Override
    public double doubleValue() {
        return number ? Double.parseDouble(json) : super.doubleValue();
    }

    @Override
    public long longValue() {
        return number ? decimalValue().longValue() : super.longValue();
    }

    @Override
    public int intValue() {
        return number ? decimalValue().intValue() : super.intValue();
    }

    @Override
    public BigInteger bigIntegerValue() {
        return number ? decimalValue().toBigInteger() : super.bigIntegerValue();
    }

    @Override
    public String asText() {
        return json;
    }

    @Override
    public void serialize(JsonGenerator g, SerializerProvider provider) throws IOException {
        if (number) {
            g.writeNumber(json);
        }
        else {
            g.writeRawValue(json);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RawJsonNode other && other.number == number && other.json.equals(json);
    }

    @Override
    public int hashCode() {
        return json.hashCode();
    }

    @Override
    public String toString() {
        return json;
    }
}
