package dev.pgbridge.metadata.catalogstore;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The {@link ChangeDescription} between two bodies of one entity's create request. Columns are matched by name: a
 * column only in the new body is added ({@code columns.NAME}, its type as the value), one only in the old deleted, and
 * a column in both has its fields compared ({@code columns.NAME.dataType}, {@code .description}, {@code .constraint},
 * …; its ordinal position is left out, since it moves whenever a column before it is dropped). Every other field is
 * compared whole: added when it was absent, deleted when it is gone, updated otherwise.
 */
final class EntityDiff {
    /** Column fields whose change is a change of the column. */
    private static final List<String> COLUMN_FIELDS = List.of("dataType", "dataTypeDisplay", "arrayDataType",
            "dataLength", "precision", "scale", "constraint", "description");

    private EntityDiff() {
    }

    static ChangeDescription between(JsonNode before, JsonNode after, int previousVersion) {
        List<ChangeDescription.FieldChange> added = new ArrayList<>();
        List<ChangeDescription.FieldChange> updated = new ArrayList<>();
        List<ChangeDescription.FieldChange> deleted = new ArrayList<>();
        Set<String> fields = new LinkedHashSet<>();
        before.fieldNames().forEachRemaining(fields::add);
        after.fieldNames().forEachRemaining(fields::add);
        for (String field : fields) {
            if (field.equals("name")) {
                continue;
            }
            if (field.equals("columns")) {
                columns(before.path("columns"), after.path("columns"), added, updated, deleted);
                continue;
            }
            compare(field, before.get(field), after.get(field), added, updated, deleted);
        }
        return new ChangeDescription(added, updated, deleted, previousVersion);
    }

    private static void columns(JsonNode before, JsonNode after, List<ChangeDescription.FieldChange> added,
                                List<ChangeDescription.FieldChange> updated,
                                List<ChangeDescription.FieldChange> deleted) {
        Map<String, JsonNode> old = byName(before);
        Map<String, JsonNode> now = byName(after);
        for (Map.Entry<String, JsonNode> column : now.entrySet()) {
            JsonNode was = old.get(column.getKey());
            if (was == null) {
                added.add(new ChangeDescription.FieldChange("columns." + column.getKey(), null, type(column.getValue())));
                continue;
            }
            for (String field : COLUMN_FIELDS) {
                compare("columns." + column.getKey() + "." + field, was.get(field), column.getValue().get(field),
                        added, updated, deleted);
            }
        }
        for (Map.Entry<String, JsonNode> column : old.entrySet()) {
            if (!now.containsKey(column.getKey())) {
                deleted.add(new ChangeDescription.FieldChange("columns." + column.getKey(), type(column.getValue()),
                        null));
            }
        }
    }

    private static Map<String, JsonNode> byName(JsonNode columns) {
        Map<String, JsonNode> map = new LinkedHashMap<>();
        for (Iterator<JsonNode> it = columns.elements(); it.hasNext(); ) {
            JsonNode column = it.next();
            map.put(column.path("name").asText(), column);
        }
        return map;
    }

    /** A column's type as people read it: {@code dataTypeDisplay}, else {@code dataType}. */
    private static String type(JsonNode column) {
        JsonNode display = column.get("dataTypeDisplay");
        return display != null && !display.isNull() ? display.asText() : column.path("dataType").asText(null);
    }

    private static void compare(String name, JsonNode before, JsonNode after,
                                List<ChangeDescription.FieldChange> added, List<ChangeDescription.FieldChange> updated,
                                List<ChangeDescription.FieldChange> deleted) {
        boolean had = before != null && !before.isNull();
        boolean has = after != null && !after.isNull();
        if (!had && has) {
            added.add(new ChangeDescription.FieldChange(name, null, text(after)));
        }
        else if (had && !has) {
            deleted.add(new ChangeDescription.FieldChange(name, text(before), null));
        }
        else if (had && !Objects.equals(before, after)) {
            updated.add(new ChangeDescription.FieldChange(name, text(before), text(after)));
        }
    }

    /** Scalars as their text, an owner reference as its name, anything else as JSON text. */
    private static String text(JsonNode value) {
        if (value.isValueNode()) {
            return value.asText();
        }
        if (value.isObject() && value.has("fullyQualifiedName")) {
            return value.get("fullyQualifiedName").asText();
        }
        return value.toString();
    }
}
