package dev.pgbridge.metadata.dbt;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.metadata.openmetadata.Requests;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * A dbt project as its artifacts describe it: {@code manifest.json} (nodes, sources, tests, lineage; schema v10 to
 * v12), {@code catalog.json} (the columns' types, v1) and {@code run_results.json} (the last run's results, v4 to v6).
 * Only the keys pgbridge reads are looked at; any other key is ignored, so newer dbt versions read the same.
 */
final class DbtProject {
    private static final Pattern SCHEMA_VERSION = Pattern.compile("/dbt/([a-z-]+)/v(\\d+)\\.json$");

    /**
     * A model, seed, snapshot or source: something that is a table of the warehouse.
     *
     * @param alias    the relation's name ({@code alias}; a source's {@code identifier})
     * @param columns  the documented columns (from the YAML), in the manifest's order
     * @param upstream the unique ids of the nodes and sources it reads ({@code depends_on.nodes})
     * @param owner    {@code meta.owner} (or {@code config.meta.owner}); null when none
     */
    record Node(String uniqueId, String resourceType, String name, String database, String schema, String alias,
                String description, String path, String rawSql, String compiledSql, String materialized,
                List<String> tags, List<DocumentedColumn> columns, List<String> upstream, String owner) {
        boolean ephemeral() {
            return "ephemeral".equals(materialized);
        }
    }

    record DocumentedColumn(String name, String description, List<String> tags) {
    }

    /**
     * A dbt test.
     *
     * @param testName     the generic test's name ({@code unique}, {@code relationships}); a singular test's own name
     * @param attachedNode the node it tests ({@code attached_node}, else its first {@code depends_on} node)
     * @param column       the tested column; null for a table test
     * @param parameters   the generic test's arguments but {@code model} and {@code column_name}, as text
     */
    record Test(String uniqueId, String name, String testName, String description, String attachedNode, String column,
                Map<String, String> parameters) {
    }

    /** A test's outcome in {@code run_results.json}; {@code completedAt} null when it did not run. */
    record Result(String status, Long failures, String message, String completedAt) {
    }

    /** A column of the warehouse as {@code catalog.json} lists it. */
    record CatalogColumn(String name, String type) {
    }

    private final Map<String, Node> nodes;
    private final List<Test> tests;
    private final Map<String, List<CatalogColumn>> catalog;
    private final Map<String, Result> results;
    private final String generatedAt;
    private final String resultsGeneratedAt;

    private DbtProject(Map<String, Node> nodes, List<Test> tests, Map<String, List<CatalogColumn>> catalog,
                       Map<String, Result> results, String generatedAt, String resultsGeneratedAt) {
        this.nodes = nodes;
        this.tests = tests;
        this.catalog = catalog;
        this.results = results;
        this.generatedAt = generatedAt;
        this.resultsGeneratedAt = resultsGeneratedAt;
    }

    /** Reads the files {@code settings} names; a missing, unreadable or malformed one is an error with its path. */
    static DbtProject read(DbtSettings settings) {
        JsonNode manifest = artifact(settings.manifest(), "dbtManifestFilePath", "manifest", "target/manifest.json");
        JsonNode catalogJson = settings.catalog() == null ? null
                : artifact(settings.catalog(), "dbtCatalogFilePath", "catalog", "target/catalog.json (dbt docs generate)");
        JsonNode runResults = settings.runResults() == null ? null
                : artifact(settings.runResults(), "dbtRunResultsFilePath", "run-results",
                "target/run_results.json (dbt build or dbt test)");
        Map<String, Node> nodes = new LinkedHashMap<>();
        List<Test> tests = new ArrayList<>();
        for (JsonNode n : manifest.path("nodes")) {
            String type = n.path("resource_type").asText("");
            switch (type) {
                case "model", "seed", "snapshot" -> {
                    Node node = node(n, type);
                    nodes.put(node.uniqueId(), node);
                }
                case "test" -> tests.add(test(n));
                default -> {
                    // analyses, operations, …: not tables
                }
            }
        }
        for (JsonNode s : manifest.path("sources")) {
            Node node = node(s, "source");
            nodes.put(node.uniqueId(), node);
        }
        Map<String, List<CatalogColumn>> catalog = new LinkedHashMap<>();
        if (catalogJson != null) {
            for (String section : List.of("nodes", "sources")) {
                catalogJson.path(section).properties().forEach(e -> {
                    List<JsonNode> columns = new ArrayList<>();
                    e.getValue().path("columns").forEach(columns::add);
                    columns.sort((a, b) -> Integer.compare(a.path("index").asInt(), b.path("index").asInt()));
                    catalog.put(e.getKey(), columns.stream().map(c -> new CatalogColumn(c.path("name").asText(),
                            c.path("type").asText(null))).toList());
                });
            }
        }
        Map<String, Result> results = new LinkedHashMap<>();
        if (runResults != null) {
            for (JsonNode r : runResults.path("results")) {
                String completed = null;
                for (JsonNode t : r.path("timing")) {
                    if (t.path("name").asText().equals("execute")) {
                        completed = t.path("completed_at").asText(null);
                    }
                }
                JsonNode failures = r.path("failures");
                results.put(r.path("unique_id").asText(), new Result(r.path("status").asText(""),
                        failures.isNumber() ? failures.asLong() : null, text(r, "message"), completed));
            }
        }
        return new DbtProject(nodes, tests, catalog, results, text(manifest.path("metadata"), "generated_at"),
                runResults == null ? null : text(runResults.path("metadata"), "generated_at"));
    }

    Map<String, Node> nodes() {
        return nodes;
    }

    List<Test> tests() {
        return tests;
    }

    /** The warehouse's columns of a node in position order; empty when the catalog does not list it. */
    List<CatalogColumn> catalogColumns(String uniqueId) {
        return catalog.getOrDefault(uniqueId, List.of());
    }

    boolean hasCatalog() {
        return !catalog.isEmpty();
    }

    Result result(String uniqueId) {
        return results.get(uniqueId);
    }

    String generatedAt() {
        return generatedAt;
    }

    String resultsGeneratedAt() {
        return resultsGeneratedAt;
    }

    // ---- reading

    private static JsonNode artifact(Path file, String key, String kind, String whereDbtWritesIt) {
        requireNonNull(file, key + " is null");
        String what = key + " " + file;
        JsonNode root;
        try {
            root = Requests.JSON.readTree(Files.readAllBytes(file));
        }
        catch (NoSuchFileException e) {
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG, what + ": no such file",
                    "point " + key + " at dbt's " + whereDbtWritesIt + " in the project directory");
        }
        catch (AccessDeniedException e) {
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG, what + ": permission denied",
                    "let the user running pgbridge read it");
        }
        catch (JsonProcessingException e) {
            throw new PgBridgeException(ErrorCode.INVALID_DATA, what + " is not JSON (line "
                    + e.getLocation().getLineNr() + ": " + e.getOriginalMessage() + ")",
                    "give the file dbt wrote, " + whereDbtWritesIt + ", unchanged");
        }
        catch (IOException e) {
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG, what + " cannot be read: " + e.getMessage(),
                    "point " + key + " at a readable file", e);
        }
        String version = root == null ? "" : root.path("metadata").path("dbt_schema_version").asText("");
        Matcher m = SCHEMA_VERSION.matcher(version);
        if (!m.find() || !m.group(1).equals(kind)) {
            throw new PgBridgeException(ErrorCode.INVALID_DATA, what + " is not a dbt " + kind.replace('-', ' ')
                    + " file (metadata.dbt_schema_version is '" + version + "')",
                    "give dbt's " + whereDbtWritesIt);
        }
        return root;
    }

    private static Node node(JsonNode n, String type) {
        boolean source = type.equals("source");
        String alias = source ? text(n, "identifier") : text(n, "alias");
        List<DocumentedColumn> columns = new ArrayList<>();
        for (JsonNode c : n.path("columns")) {
            columns.add(new DocumentedColumn(c.path("name").asText(), text(c, "description"), strings(c.path("tags"))));
        }
        String owner = text(n.path("meta"), "owner");
        if (owner == null) {
            owner = text(n.path("config").path("meta"), "owner");
        }
        String compiled = text(n, "compiled_code");
        if (compiled == null) {
            compiled = text(n, "compiled_sql"); // manifest v6 and older called it so
        }
        return new Node(n.path("unique_id").asText(), type, n.path("name").asText(), text(n, "database"),
                text(n, "schema"), alias == null ? n.path("name").asText() : alias, text(n, "description"),
                text(n, "original_file_path"), source ? null : text(n, "raw_code"), compiled,
                text(n.path("config"), "materialized"), strings(n.path("tags")), columns,
                strings(n.path("depends_on").path("nodes")), owner);
    }

    private static Test test(JsonNode n) {
        JsonNode metadata = n.path("test_metadata");
        String testName = metadata.isObject() ? text(metadata, "name") : null;
        String attached = text(n, "attached_node");
        List<String> dependsOn = strings(n.path("depends_on").path("nodes"));
        if (attached == null && !dependsOn.isEmpty()) {
            attached = dependsOn.getFirst();
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        metadata.path("kwargs").properties().forEach(e -> {
            if (!e.getKey().equals("model") && !e.getKey().equals("column_name") && !e.getValue().isNull()) {
                parameters.put(e.getKey(), e.getValue().isValueNode() ? e.getValue().asText()
                        : e.getValue().toString());
            }
        });
        String name = n.path("name").asText();
        return new Test(n.path("unique_id").asText(), name, testName == null ? name : testName,
                text(n, "description"), attached, text(n, "column_name"), parameters);
    }

    /** A text value; null when absent, null or blank. */
    private static String text(JsonNode n, String key) {
        JsonNode v = n.path(key);
        return v.isValueNode() && !v.isNull() && !v.asText().isBlank() ? v.asText() : null;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asText()));
        return out;
    }
}
