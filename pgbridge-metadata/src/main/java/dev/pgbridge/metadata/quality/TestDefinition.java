package dev.pgbridge.metadata.quality;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.metadata.openmetadata.Requests;
import dev.pgbridge.query.SqlScript;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * One of OpenMetadata's test definitions ({@code openmetadata-service/.../json/data/tests/*.json}) with the same name
 * and parameter names: whether it tests a table or a column, and its parameters, each with its type and whether it is
 * required. Declared once here; the workflow check, the runner and the docs read this list.
 */
public record TestDefinition(String name, EntityType entityType, List<Parameter> parameters, String summary) {
    public enum EntityType { TABLE, COLUMN }

    /**
     * A parameter's type as OpenMetadata declares it; {@code VALUE} is a number or a date/time (the column's type);
     * {@code QUERY} and {@code CONDITION} are the user's SQL (OpenMetadata's strings): one reading query, and one
     * condition placed inside parentheses.
     */
    public enum ParameterType { INT, NUMBER, STRING, BOOLEAN, ARRAY, CHOICE, VALUE, QUERY, CONDITION }

    /**
     * @param choices the allowed values of a {@code CHOICE} parameter (empty otherwise)
     * @param max     the largest value of an {@code INT} parameter (what the runner reads it as)
     */
    public record Parameter(String name, ParameterType type, boolean required, List<String> choices, long max) {
        public Parameter {
            requireNonNull(name, "name is null");
            requireNonNull(type, "type is null");
            choices = List.copyOf(choices);
        }

        public Parameter(String name, ParameterType type, boolean required, List<String> choices) {
            this(name, type, required, choices, Long.MAX_VALUE);
        }

        /** What is wrong with {@code text} as this parameter's value; null when it is fine. */
        public String problem(String text) {
            return switch (type) {
                case INT -> !isWhole(text) ? "'" + text + "' is not a whole number"
                        : Long.parseLong(text.strip()) > max ? "'" + text + "' is larger than " + max : null;
                case NUMBER -> isNumber(text) ? null : "'" + text + "' is not a number";
                case BOOLEAN -> text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false") ? null
                        : "'" + text + "' is not true or false";
                case CHOICE -> choices.contains(text.toUpperCase(Locale.ROOT)) || choices.contains(text) ? null
                        : "'" + text + "' is not one of " + String.join(", ", choices);
                case ARRAY -> list(text).isPresent() ? null : "'" + text + "' is not a list";
                case STRING, VALUE, QUERY, CONDITION -> text.isEmpty() && required ? "is empty" : null;
            };
        }

        /**
         * The SQL text of a {@code QUERY} or {@code CONDITION} parameter to run, checked with core's lexer so that it
         * cannot end the read-only transaction: a query is one reading statement ({@link SqlScript#query}); a
         * condition is one statement that closes no parenthesis it did not open ({@link SqlScript#single}), to be
         * placed inside {@code (…)}.
         *
         * @throws PgBridgeException when it is not (the workflow check's problem, a run's Aborted test)
         */
        public String sql(String text) {
            if (type == ParameterType.QUERY) {
                return SqlScript.query(text, name).text();
            }
            if (type != ParameterType.CONDITION) {
                throw new IllegalStateException(name + " is not SQL");
            }
            try {
                return SqlScript.single(text).text();
            }
            catch (PgBridgeException e) {
                throw new PgBridgeException(ErrorCode.INVALID_CONFIG, name + ": " + e.getMessage(),
                        "give one condition, e.g. created_at >= '2024-01-01' (no ';', every parenthesis closed)");
            }
        }

        /** How to write it, for a hint. */
        public String example() {
            return switch (type) {
                case INT -> "a whole number, e.g. 10" + (max == Long.MAX_VALUE ? "" : ", at most " + max);
                case NUMBER -> "a number, e.g. 0.5";
                case BOOLEAN -> "true or false";
                case CHOICE -> "one of " + String.join(", ", choices);
                case ARRAY -> "a list, e.g. [a, b] (or the text [\"a\", \"b\"])";
                case STRING -> "text";
                case QUERY -> "one SELECT (or WITH, VALUES, TABLE) query";
                case CONDITION -> "one condition, e.g. created_at >= '2024-01-01'";
                case VALUE -> "a number or a date/time in the column's type, e.g. 10 or 2024-01-31";
            };
        }
    }

    public TestDefinition {
        requireNonNull(name, "name is null");
        requireNonNull(entityType, "entityType is null");
        parameters = List.copyOf(parameters);
        requireNonNull(summary, "summary is null");
    }

    public Optional<Parameter> parameter(String parameterName) {
        return parameters.stream().filter(p -> p.name().equals(parameterName)).findFirst();
    }

    private static Parameter opt(String name, ParameterType type) {
        return new Parameter(name, type, false, List.of());
    }

    private static Parameter req(String name, ParameterType type) {
        return new Parameter(name, type, true, List.of());
    }

    private static Parameter choice(String name, boolean required, String... choices) {
        return new Parameter(name, ParameterType.CHOICE, required, List.of(choices));
    }

    private static TestDefinition table(String name, String summary, Parameter... parameters) {
        return new TestDefinition(name, EntityType.TABLE, List.of(parameters), summary);
    }

    private static TestDefinition column(String name, String summary, Parameter... parameters) {
        return new TestDefinition(name, EntityType.COLUMN, List.of(parameters), summary);
    }

    private static final ParameterType INT = ParameterType.INT;
    private static final ParameterType NUMBER = ParameterType.NUMBER;
    private static final ParameterType STRING = ParameterType.STRING;

    /** Every definition pgbridge runs, in the order of the docs. */
    public static final List<TestDefinition> ALL = List.of(
            table("tableRowCountToBeBetween", "the table's row count is within [minValue, maxValue]",
                    opt("minValue", INT), opt("maxValue", INT)),
            table("tableRowCountToEqual", "the table's row count equals value", req("value", INT)),
            table("tableColumnCountToBeBetween", "the number of columns is within [minColValue, maxColValue]",
                    opt("minColValue", INT), opt("maxColValue", INT)),
            table("tableColumnCountToEqual", "the number of columns equals columnCount", req("columnCount", INT)),
            table("tableColumnNameToExist", "a column named columnName exists", req("columnName", STRING)),
            table("tableColumnToMatchSet", "the columns are exactly columnNames (comma-separated), in order when "
                    + "ordered", req("columnNames", STRING), opt("ordered", ParameterType.BOOLEAN)),
            table("tableCustomSQLQuery", "sqlExpression (run read-only) returns no row (strategy ROWS) or a count "
                    + "(strategy COUNT); the result compared with threshold by operator",
                    req("sqlExpression", ParameterType.QUERY), choice("strategy", false, "ROWS", "COUNT"),
                    choice("operator", false, "==", ">", ">=", "<", "<=", "!="), opt("threshold", NUMBER),
                    opt("partitionCondition", ParameterType.CONDITION)),
            table("tableRowInsertedCountToBeBetween", "rows whose columnName falls in the last rangeInterval "
                    + "rangeType units number within [min, max]", opt("min", INT), opt("max", INT),
                    req("columnName", STRING), choice("rangeType", true, "HOUR", "DAY", "MONTH", "YEAR"),
                    new Parameter("rangeInterval", INT, true, List.of(), Integer.MAX_VALUE)),
            table("tableDiff", "the table and table2 (same database) have the same rows by keyColumns, comparing "
                    + "useColumns; at most threshold rows differ", req("table2", STRING),
                    opt("keyColumns", ParameterType.ARRAY), opt("useColumns", ParameterType.ARRAY),
                    opt("where", ParameterType.CONDITION), opt("threshold", INT), opt("caseSensitiveColumns", ParameterType.BOOLEAN)),
            column("columnValuesToBeNotNull", "no value is NULL (an empty string is not NULL)"),
            column("columnValuesToBeUnique", "no non-NULL value occurs twice"),
            column("columnValuesToBeBetween", "every value is within [minValue, maxValue] (numbers, dates, times)",
                    opt("minValue", ParameterType.VALUE), opt("maxValue", ParameterType.VALUE)),
            column("columnValuesToBeInSet", "values are in allowedValues (matchEnum: every value; otherwise at "
                    + "least one, as OpenMetadata)", req("allowedValues", ParameterType.ARRAY),
                    opt("matchEnum", ParameterType.BOOLEAN)),
            column("columnValuesToBeNotInSet", "no value is in forbiddenValues",
                    req("forbiddenValues", ParameterType.ARRAY)),
            column("columnValuesToMatchRegex", "every non-NULL value matches regex (PostgreSQL's ~)",
                    req("regex", STRING)),
            column("columnValuesToNotMatchRegex", "no value matches forbiddenRegex (PostgreSQL's ~)",
                    req("forbiddenRegex", STRING)),
            column("columnValuesMissingCount", "NULLs, empty strings and values in missingValueMatch number exactly "
                    + "missingCountValue", req("missingCountValue", INT), opt("missingValueMatch",
                    ParameterType.ARRAY)),
            column("columnValueLengthsToBeBetween", "every value's length is within [minLength, maxLength]",
                    opt("minLength", INT), opt("maxLength", INT)),
            column("columnValueMaxToBeBetween", "the largest value is within the bounds",
                    opt("minValueForMaxInCol", NUMBER), opt("maxValueForMaxInCol", NUMBER)),
            column("columnValueMinToBeBetween", "the smallest value is within the bounds",
                    opt("minValueForMinInCol", NUMBER), opt("maxValueForMinInCol", NUMBER)),
            column("columnValueMeanToBeBetween", "the mean is within the bounds",
                    opt("minValueForMeanInCol", NUMBER), opt("maxValueForMeanInCol", NUMBER)),
            column("columnValueMedianToBeBetween", "the median is within the bounds",
                    opt("minValueForMedianInCol", NUMBER), opt("maxValueForMedianInCol", NUMBER)),
            column("columnValueStdDevToBeBetween", "the population standard deviation is within the bounds",
                    opt("minValueForStdDevInCol", NUMBER), opt("maxValueForStdDevInCol", NUMBER)),
            column("columnValuesSumToBeBetween", "the sum is within the bounds",
                    opt("minValueForColSum", NUMBER), opt("maxValueForColSum", NUMBER)));

    private static final Map<String, TestDefinition> BY_NAME;

    static {
        Map<String, TestDefinition> map = new LinkedHashMap<>();
        for (TestDefinition d : ALL) {
            map.put(d.name(), d);
        }
        BY_NAME = Map.copyOf(map);
    }

    public static Optional<TestDefinition> named(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    public static List<String> names() {
        return ALL.stream().map(TestDefinition::name).toList();
    }

    // ---- parameter values (OpenMetadata keeps every value as text)

    static boolean isWhole(String text) {
        try {
            Long.parseLong(text.strip());
            return true;
        }
        catch (NumberFormatException e) {
            return false;
        }
    }

    static boolean isNumber(String text) {
        try {
            new BigDecimal(text.strip());
            return true;
        }
        catch (NumberFormatException e) {
            return false;
        }
    }

    /**
     * A list parameter's items: a JSON array ({@code ["a", "b"]}), OpenMetadata's Python form ({@code ['a', 'b']}),
     * or, for a value without brackets, its comma-separated items. Empty when it is none of these.
     */
    public static Optional<List<String>> list(String text) {
        String t = text.strip();
        if (!t.startsWith("[")) {
            List<String> items = new ArrayList<>();
            for (String item : t.split(",", -1)) {
                items.add(item.strip());
            }
            return Optional.of(items);
        }
        try {
            List<Object> items = Requests.JSON.readValue(t, new TypeReference<List<Object>>() { });
            return Optional.of(items.stream().map(String::valueOf).toList());
        }
        catch (JsonProcessingException e) {
            return pythonList(t);
        }
    }

    /** {@code ['a', 'b']} as OpenMetadata's UI writes it: single-quoted items, {@code \'} inside. */
    private static Optional<List<String>> pythonList(String t) {
        if (!t.endsWith("]")) {
            return Optional.empty();
        }
        List<String> items = new ArrayList<>();
        int i = 1;
        int end = t.length() - 1;
        while (i < end) {
            char c = t.charAt(i);
            if (Character.isWhitespace(c) || c == ',') {
                i++;
                continue;
            }
            if (c != '\'') {
                int comma = t.indexOf(',', i);
                int stop = comma < 0 || comma > end ? end : comma;
                items.add(t.substring(i, stop).strip());
                i = stop;
                continue;
            }
            StringBuilder item = new StringBuilder();
            i++;
            while (i < end && t.charAt(i) != '\'') {
                if (t.charAt(i) == '\\' && i + 1 < end) {
                    i++;
                }
                item.append(t.charAt(i++));
            }
            if (i >= end) {
                return Optional.empty();
            }
            i++;
            items.add(item.toString());
        }
        return Optional.of(items);
    }
}
