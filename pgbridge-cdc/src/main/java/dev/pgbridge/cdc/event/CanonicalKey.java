package dev.pgbridge.cdc.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.TreeMap;

/** A row key as one string, for comparing keys of events and rows of one table (backfill, TOAST obligations). */
public final class CanonicalKey {
    private CanonicalKey() {
    }

    /**
     * A key as text with its fields sorted by name: two keys of one row compare equal whatever their field order.
     * Values keep their exact text ({@code 1.50} is not {@code 1.5}); a value's kind is part of it.
     */
    public static String of(ObjectNode key) {
        if (key == null) {
            return "null";
        }
        if (key.size() == 1) {
            // one table, one key column: the value alone tells the keys apart
            JsonNode only = key.elements().next();
            return only.isTextual() ? only.textValue() : part(new StringBuilder(), "", only).toString();
        }
        TreeMap<String, JsonNode> sorted = new TreeMap<>();
        key.properties().forEach(en -> sorted.put(en.getKey(), en.getValue()));
        StringBuilder sb = new StringBuilder();
        sorted.forEach((name, value) -> part(sb, name, value));
        return sb.toString();
    }

    private static StringBuilder part(StringBuilder sb, String name, JsonNode value) {
        sb.append(name).append('\u0000').append(value.getNodeType().ordinal()).append(':');
        return (value.isContainerNode() ? sb.append(value) : sb.append(value.asText())).append('\u0001');
    }
}
