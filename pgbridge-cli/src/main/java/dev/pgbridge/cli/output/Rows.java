package dev.pgbridge.cli.output;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import static java.util.Objects.requireNonNull;

/**
 * A small result to print: named columns and rows of values. {@link #print} renders it as an aligned table,
 * a JSON array of objects (keys are the column names as given), or RFC 4180 CSV with a header. The one table printer
 * of the CLI: on a terminal a table fits its width (the widest columns are cut with {@code …}, and a note says
 * {@code --format json} has the full text); in a pipe it is printed whole.
 */
public record Rows(List<String> columns, List<List<Object>> rows) {
    /**
     * Indented, with {@code "key": value} as query's JSON writes it (Jackson's default puts a space before the colon).
     * Made on the first JSON output only: an ObjectMapper's first start (its date format, a calendar with the locale's
     * data) was a quarter of a {@code conn list}'s CPU before it printed a table.
     */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .setDefaultPrettyPrinter(new DefaultPrettyPrinter(Separators.createDefaultInstance()
                        .withObjectFieldValueSpacing(Separators.Spacing.AFTER)));
    }

    public Rows {
        columns = List.copyOf(requireNonNull(columns, "columns is null"));
        List<List<Object>> copy = new ArrayList<>();
        for (List<Object> row : requireNonNull(rows, "rows is null")) {
            copy.add(java.util.Collections.unmodifiableList(new ArrayList<>(row)));
        }
        rows = List.copyOf(copy);
    }

    public static Rows of(List<String> columns) {
        return new Rows(columns, List.of());
    }

    public Rows with(Object... row) {
        List<List<Object>> copy = new ArrayList<>(rows);
        copy.add(java.util.Arrays.asList(row));
        return new Rows(columns, copy);
    }

    public List<Map<String, Object>> asMaps() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (List<Object> row : rows) {
            Map<String, Object> map = new LinkedHashMap<>();
            for (int i = 0; i < columns.size(); i++) {
                map.put(columns.get(i), row.get(i));
            }
            out.add(map);
        }
        return out;
    }

    public void print(PrintWriter out, OutputFormat format) {
        switch (format) {
            case JSON -> out.println(json(asMaps()));
            case CSV -> {
                out.print(csvLine(new ArrayList<>(columns)));
                rows.forEach(r -> out.print(csvLine(r)));
            }
            case TABLE -> printTable(out, TerminalWidth.current());
        }
        out.flush();
    }

    /**
     * Prints one record (a connection's fields, a parsed URI): a field/value table for people, a JSON object, or CSV
     * with the field names as the header. Null values print as null / an empty field.
     */
    public static void printRecord(PrintWriter out, OutputFormat format, Map<String, Object> fields) {
        switch (format) {
            case JSON -> {
                out.println(json(fields));
                out.flush();
            }
            case CSV -> new Rows(new ArrayList<>(fields.keySet()), List.of(new ArrayList<>(fields.values()))).print(out, format);
            case TABLE -> {
                List<List<Object>> rows = new ArrayList<>();
                fields.forEach((k, v) -> rows.add(java.util.Arrays.asList(k, v)));
                new Rows(List.of("field", "value"), rows).print(out, format);
            }
        }
    }

    public static String json(Object value) {
        try {
            return Json.MAPPER.writeValueAsString(value);
        }
        catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The aligned table, fitted to {@code width} columns when one is given. */
    void printTable(PrintWriter out, OptionalInt width) {
        int[] natural = new int[columns.size()];
        for (int i = 0; i < columns.size(); i++) {
            natural[i] = width(columns.get(i));
        }
        for (List<Object> row : rows) {
            for (int i = 0; i < natural.length; i++) {
                natural[i] = Math.max(natural[i], width(text(row.get(i))));
            }
        }
        int[] widths = width.isPresent() ? fit(natural, width.getAsInt()) : natural;
        out.println(line(new ArrayList<>(columns), widths));
        StringBuilder rule = new StringBuilder();
        for (int i = 0; i < widths.length; i++) {
            rule.append(i == 0 ? "" : "-+-").append("-".repeat(widths[i]));
        }
        out.println(rule);
        rows.forEach(r -> out.println(line(r, widths)));
        out.println("(" + Figures.count(rows.size(), "row") + ")");
        if (!java.util.Arrays.equals(widths, natural)) {
            out.println("(long values are cut with … to fit " + width.getAsInt() + " columns; --format json shows them in full)");
        }
    }

    /**
     * Column widths that fit {@code width} with the {@code " | "} separators: columns narrower than a fair share keep
     * their width, the others share what is left equally (never narrower than {@link #MIN_CUT}). Unchanged when
     * the table fits.
     */
    static int[] fit(int[] natural, int width) {
        int n = natural.length;
        int budget = width - SEPARATOR * Math.max(0, n - 1);
        int total = java.util.Arrays.stream(natural).sum();
        if (total <= budget) {
            return natural;
        }
        int[] sorted = natural.clone();
        java.util.Arrays.sort(sorted);
        int remaining = budget;
        int cap = Integer.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            int share = remaining / (n - i);
            if (sorted[i] > share) {
                cap = share;
                break;
            }
            remaining -= sorted[i];
        }
        int limit = Math.max(MIN_CUT, cap);
        int[] fitted = new int[n];
        for (int i = 0; i < n; i++) {
            fitted[i] = Math.min(natural[i], limit);
        }
        return fitted;
    }

    /** The narrowest a cut column gets: four characters and the ellipsis. */
    static final int MIN_CUT = 5;
    private static final int SEPARATOR = 3;

    private static String line(List<?> values, int[] widths) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < widths.length; i++) {
            String t = cut(text(values.get(i)), widths[i]);
            sb.append(i == 0 ? "" : " | ").append(t).append(" ".repeat(widths[i] - width(t)));
        }
        return sb.toString().stripTrailing();
    }

    /** {@code text} in at most {@code width} characters: cut with {@code …} when longer. */
    static String cut(String text, int width) {
        if (width(text) <= width) {
            return text;
        }
        return text.substring(0, text.offsetByCodePoints(0, width - 1)) + "…";
    }

    private static int width(String text) {
        return text.codePointCount(0, text.length());
    }

    private static String text(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof Map<?, ?> || value instanceof List<?>) {
            return json(value).replaceAll("\\s*\\n\\s*", " ");
        }
        return String.valueOf(value);
    }

    /** One RFC 4180 line with CRLF: NULL is an empty unquoted field, the empty string is {@code ""}. */
    static String csvLine(List<Object> values) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            Object v = values.get(i);
            if (v == null) {
                continue;
            }
            String t = v instanceof Map<?, ?> || v instanceof List<?> ? json(v).replaceAll("\\s*\\n\\s*", " ") : String.valueOf(v);
            if (t.isEmpty() || t.indexOf(',') >= 0 || t.indexOf('"') >= 0 || t.indexOf('\n') >= 0 || t.indexOf('\r') >= 0) {
                sb.append('"').append(t.replace("\"", "\"\"")).append('"');
            }
            else {
                sb.append(t);
            }
        }
        return sb.append("\r\n").toString();
    }
}
