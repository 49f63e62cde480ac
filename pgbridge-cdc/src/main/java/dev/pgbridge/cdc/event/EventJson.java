package dev.pgbridge.cdc.event;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.pgbridge.query.JsonValues;

/**
 * The one JSON configuration of change events: numbers keep their exact digits (no float rounding, no
 * scientific notation for numerics), both when written and when read back from a spill file; text is written as
 * UTF-8 without escaping what needs no escape; no limit on a value's length or nesting (core's
 * {@link JsonValues#newFactory()}).
 */
public final class EventJson {
    /** Thread-safe once configured. */
    public static final ObjectMapper MAPPER = JsonMapper.builder(JsonValues.newFactory())
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    private EventJson() {
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
