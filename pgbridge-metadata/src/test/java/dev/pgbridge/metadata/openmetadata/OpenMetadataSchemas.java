package dev.pgbridge.metadata.openmetadata;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a request the way an OpenMetadata 1.4 server would: against the published JSON schema of its body (from
 * {@code org.open-metadata:openmetadata-spec:1.4.0}, {@code json/schema/**} on the test class path), then the rules the
 * server adds in {@code DatabaseUtil.java} (see {@code openmetadata.md}). A real server cannot run here (it needs a
 * search cluster), so these two are what stands in for it.
 */
public final class OpenMetadataSchemas {
    private static final String ID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

    /** The marker of {@code PATCH /v1/tables/{id}}: checked by {@link #tablePatchRules}, not by a schema file. */
    private static final String PATCH = "patch";
    /** The routes pgbridge calls, {@code METHOD path-pattern}, and the schema of each one's body (null: no body). */
    private static final Map<String, String> SCHEMA_OF_ROUTE = Map.ofEntries(
            Map.entry("PUT /v1/services/databaseServices", "api/services/createDatabaseService.json"),
            Map.entry("PUT /v1/databases", "api/data/createDatabase.json"),
            Map.entry("PUT /v1/databaseSchemas", "api/data/createDatabaseSchema.json"),
            Map.entry("PUT /v1/tables", "api/data/createTable.json"),
            Map.entry("PUT /v1/queries", "api/data/createQuery.json"),
            Map.entry("PUT /v1/lineage", "api/lineage/addLineage.json"),
            Map.entry("POST /v1/usage/table/" + ID, "type/usageRequest.json"),
            Map.entry("PUT /v1/tables/" + ID + "/joins", "entity/data/table.json#/definitions/tableJoins"),
            Map.entry("PUT /v1/tables/" + ID + "/tableProfile", "api/data/createTableProfile.json"),
            Map.entry("DELETE /v1/tables/" + ID + "\\?recursive=true&hardDelete=false", ""),
            // dbt: data models, descriptions and owners (a JSON Patch; the file sink's body, see tablePatchRules),
            // dbt's tags, its tests with their results
            Map.entry("PUT /v1/tables/" + ID + "/dataModel", "entity/data/table.json#/definitions/dataModel"),
            Map.entry("PATCH /v1/tables/" + ID, PATCH),
            Map.entry("PUT /v1/tables/" + ID + "/sampleData", "entity/data/table.json#/definitions/tableData"),
            Map.entry("PUT /v1/classifications", "api/classification/createClassification.json"),
            Map.entry("PUT /v1/tags", "api/classification/createTag.json"),
            Map.entry("PUT /v1/dataQuality/testDefinitions", "api/tests/createTestDefinition.json"),
            Map.entry("PUT /v1/dataQuality/testSuites/executable", "api/tests/createTestSuite.json"),
            Map.entry("PUT /v1/dataQuality/testCases", "api/tests/createTestCase.json"),
            Map.entry("PUT /v1/dataQuality/testCases/[^/?]+/testCaseResult", "tests/basic.json#/definitions/testCaseResult"),
            // the reads of the metadata-rest sink: the server's version, an entity by its (percent-encoded) FQN, and
            // a schema's tables page by page
            Map.entry("GET /v1/system/version", ""),
            Map.entry("GET /v1/(services/databaseServices|databases|databaseSchemas|tables|queries|users|teams)"
                    + "/name/[^/?]+(\\?fields=[a-zA-Z,]+)?", ""),
            Map.entry("GET /v1/tables\\?databaseSchema=[^&]+&limit=[0-9]+(&after=[^&]+)?", ""));

    private final JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7,
            builder -> builder.schemaMappers(m -> m.mapPrefix("https://open-metadata.org/schema/",
                    "classpath:json/schema/")));
    private final Map<String, JsonSchema> schemas = new HashMap<>();

    /** Every problem the server would find in a request, empty when it would accept it. */
    public List<String> problems(String method, String path, JsonNode body) {
        List<String> out = new ArrayList<>();
        String call = method + " " + path;
        String schemaFile = SCHEMA_OF_ROUTE.entrySet().stream().filter(e -> call.matches(e.getKey()))
                .map(Map.Entry::getValue).findFirst().orElse(null);
        if (schemaFile == null) {
            out.add("no such route: " + call);
            return out;
        }
        if (schemaFile.isEmpty()) {
            if (body != null && !body.isNull()) {
                out.add(call + " takes no body");
            }
            return out;
        }
        if (body == null) {
            out.add(call + " needs a body");
            return out;
        }
        if (schemaFile.equals(PATCH)) {
            out.addAll(tablePatchRules(body));
            return out;
        }
        JsonSchema schema = schemas.computeIfAbsent(schemaFile,
                f -> factory.getSchema(SchemaLocation.of("classpath:json/schema/" + f)));
        for (ValidationMessage m : schema.validate(body)) {
            // columnProfile.min/max is oneOf number | integer | date…: a whole number matches both of the first two,
            // so no whole number could pass; the server reads the field into an Object and takes any number
            if (!m.getMessage().matches("\\$\\.columnProfile\\[\\d+]\\.(min|max): must be valid to one and only "
                    + "one schema, but 2 are valid with indexes '0, 1'")) {
                out.add(m.getMessage());
            }
        }
        if (path.equals("/v1/tables")) {
            out.addAll(tableRules(body));
        }
        return out;
    }

    /**
     * {@code PATCH /v1/tables/{id}}: a JSON Patch (RFC 6902) as the {@code metadata-rest} sink sends it (descriptions
     * as text, an owner as an entity reference with id and type, column tags as tag labels), or the body the
     * {@code file} sink writes before the patch is made ({@code description}, {@code columns} of
     * {@code {column, description | tag}}, {@code owner}, {@code overwrite}), whose values must be the same.
     */
    List<String> tablePatchRules(JsonNode body) {
        List<String> out = new ArrayList<>();
        if (body.isArray()) {
            for (JsonNode op : body) {
                String path = op.path("path").asText("");
                if (!List.of("add", "replace", "remove").contains(op.path("op").asText())
                        || !path.matches("/(description|owner|owners|tags|columns/[0-9]+/(description|tags)(/[0-9]+|/-)?)")) {
                    out.add("a JSON Patch operation pgbridge never sends: " + op);
                    continue;
                }
                JsonNode value = op.path("value");
                if (path.endsWith("description") && !value.isTextual()) {
                    out.add(path + ": a description is text");
                }
                if (path.equals("/owner") && (!value.hasNonNull("id") || !value.hasNonNull("type"))) {
                    out.add("/owner: an entity reference needs id and type");
                }
                if (path.contains("/tags")) {
                    for (JsonNode label : value.isArray() ? value : List.of(value)) {
                        out.addAll(validate("type/tagLabel.json", label));
                    }
                }
            }
            return out;
        }
        for (java.util.Iterator<String> keys = body.fieldNames(); keys.hasNext(); ) {
            String key = keys.next();
            if (!List.of("description", "columns", "owner", "overwrite").contains(key)) {
                out.add("unknown key " + key + " in a table patch");
            }
        }
        if (body.has("description") && !body.get("description").isTextual()) {
            out.add("description: a description is text");
        }
        if (body.has("owner")) {
            out.addAll(validate("type/entityReference.json", body.get("owner")));
        }
        for (JsonNode c : body.path("columns")) {
            if (!c.path("column").isTextual()) {
                out.add("a column of a table patch needs its name: " + c);
            }
            if (c.has("tag")) {
                out.addAll(validate("type/tagLabel.json", c.get("tag")));
            }
            else if (!c.path("description").isTextual()) {
                out.add("a column of a table patch needs a description or a tag: " + c);
            }
        }
        return out;
    }

    private List<String> validate(String schemaFile, JsonNode value) {
        JsonSchema schema = schemas.computeIfAbsent(schemaFile,
                f -> factory.getSchema(SchemaLocation.of("classpath:json/schema/" + f)));
        List<String> out = new ArrayList<>();
        for (ValidationMessage m : schema.validate(value)) {
            out.add(m.getMessage());
        }
        return out;
    }

    /** The server's own rules for a table ({@code DatabaseUtil.validateColumns}, constraints, view definitions). */
    static List<String> tableRules(JsonNode table) {
        List<String> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        int primaryKeyColumns = 0;
        for (JsonNode c : table.path("columns")) {
            String name = c.path("name").asText();
            if (!names.add(name)) {
                out.add("duplicate column " + name);
            }
            String type = c.path("dataType").asText();
            if (List.of("CHAR", "VARCHAR", "BINARY", "VARBINARY").contains(type) && !c.has("dataLength")) {
                out.add(name + ": " + type + " needs dataLength");
            }
            if (type.equals("ARRAY") && !c.has("arrayDataType")) {
                out.add(name + ": ARRAY needs arrayDataType");
            }
            if (type.equals("STRUCT") && !c.has("children")) {
                out.add(name + ": STRUCT needs children");
            }
            if (c.has("scale") && (!c.has("precision") || c.get("scale").asInt() > c.get("precision").asInt())) {
                out.add(name + ": scale needs a precision at least as large");
            }
            if (c.path("constraint").asText().equals("PRIMARY_KEY")) {
                primaryKeyColumns++;
            }
        }
        if (primaryKeyColumns > 1) {
            out.add("more than one column with constraint PRIMARY_KEY");
        }
        for (JsonNode tc : table.path("tableConstraints")) {
            if (tc.path("constraintType").asText().equals("PRIMARY_KEY") && primaryKeyColumns > 0) {
                out.add("primary key both as column constraint and as table constraint");
            }
            for (JsonNode column : tc.path("columns")) {
                if (!names.contains(column.asText())) {
                    out.add("table constraint on missing column " + column.asText());
                }
            }
        }
        String tableType = table.path("tableType").asText();
        if (table.has("schemaDefinition") && !List.of("View", "SecureView", "MaterializedView").contains(tableType)) {
            out.add("schemaDefinition on a " + tableType + " table");
        }
        return out;
    }
}
