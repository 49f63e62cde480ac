package dev.pgbridge.metadata.lineage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The lineage test corpus ({@code src/test/resources/lineage/corpus.txt}): one case per {@code === name} line, then
 * {@code key: value} lines. {@code sql:} runs to the next key; {@code path:} is the search_path (default
 * {@code public}); {@code catalog: schema.table: a, b} declares a table's columns; {@code tables:}, {@code columns:},
 * {@code joins:} list the expected edges ({@code from -> to}, {@code left = right}), one per line, exactly;
 * {@code reads:}/{@code writes:} list relations; {@code error:} expects a failure whose message contains the text.
 */
record LineageCorpus(String name, String sql, List<String> path, Map<TableName, List<String>> catalog,
                     List<String> tables, List<String> columns, List<String> joins, List<String> reads,
                     List<String> writes, String error, boolean joinsGiven, boolean readsGiven, boolean writesGiven) {

    @Override
    public String toString() {
        return name;
    }

    static List<LineageCorpus> load() throws IOException {
        String text;
        try (InputStream in = LineageCorpus.class.getResourceAsStream("/lineage/corpus.txt")) {
            if (in == null) {
                throw new IOException("lineage/corpus.txt is missing from the test resources");
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<LineageCorpus> out = new ArrayList<>();
        Builder b = null;
        String key = null;
        for (String line : text.split("\n", -1)) {
            if (line.startsWith("#") && b == null) {
                continue;
            }
            if (line.startsWith("=== ")) {
                if (b != null) {
                    out.add(b.build());
                }
                b = new Builder(line.substring(4).strip());
                key = null;
                continue;
            }
            if (b == null || line.isBlank() && !"sql".equals(key)) {
                continue;
            }
            int colon = line.indexOf(':');
            String candidate = colon > 0 ? line.substring(0, colon) : "";
            if (candidate.matches("sql|path|catalog|tables|columns|joins|reads|writes|error")) {
                key = candidate;
                b.add(key, line.substring(colon + 1).strip(), true);
            }
            else if (key != null) {
                b.add(key, "sql".equals(key) ? line : line.strip(), false);
            }
        }
        if (b != null) {
            out.add(b.build());
        }
        return out;
    }

    private static final class Builder {
        final String name;
        final StringBuilder sql = new StringBuilder();
        List<String> path = List.of("public");
        final Map<TableName, List<String>> catalog = new LinkedHashMap<>();
        final Map<String, List<String>> lists = new LinkedHashMap<>();
        String error;

        Builder(String name) {
            this.name = name;
        }

        void add(String key, String value, boolean first) {
            switch (key) {
                case "sql" -> sql.append(first ? "" : "\n").append(value);
                case "path" -> path = List.of(value.split("\\s*,\\s*"));
                case "error" -> error = value;
                case "catalog" -> {
                    int colon = value.lastIndexOf(':');
                    String table = value.substring(0, colon).strip();
                    int dot = table.indexOf('.');
                    catalog.put(new TableName(table.substring(0, dot), table.substring(dot + 1)),
                            List.of(value.substring(colon + 1).strip().split("\\s*,\\s*")));
                }
                default -> {
                    List<String> list = lists.computeIfAbsent(key, k -> new ArrayList<>());
                    if (!value.isEmpty() && !value.equals("none")) {
                        list.add(value);
                    }
                }
            }
        }

        LineageCorpus build() {
            return new LineageCorpus(name, sql.toString().strip(), path, catalog,
                    lists.getOrDefault("tables", List.of()), lists.getOrDefault("columns", List.of()),
                    lists.getOrDefault("joins", List.of()), lists.getOrDefault("reads", List.of()),
                    lists.getOrDefault("writes", List.of()), error, lists.containsKey("joins"),
                    lists.containsKey("reads"), lists.containsKey("writes"));
        }
    }
}
