package dev.pgbridge.copy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Picks a column type for {@code --create} from every value of the input: the narrowest of boolean, bigint,
 * numeric, date, timestamp, timestamptz, uuid, interval, jsonb and text that holds all of them. A value that could
 * change on the way in is not taken as the narrower type: {@code 007} stays text (bigint would drop the zeros), a
 * mix of dates and timestamps is text, a number that is not exact in binary is numeric (never double precision).
 * NULLs say nothing; a column of only NULLs is text. Nothing is created NOT NULL.
 *
 * <p>CSV values are PostgreSQL's text forms. In JSON, a string stays text unless it has a date/time, uuid or
 * interval form (a string {@code "42"} is text); numbers are bigint or numeric; objects and arrays are jsonb, and a
 * column whose values have different JSON kinds is jsonb, which holds them all.
 */
final class LoadTypeInference {
    private static final int BOOLEAN = 1;
    private static final int BIGINT = 1 << 1;
    private static final int NUMERIC = 1 << 2;
    private static final int DATE = 1 << 3;
    private static final int TIMESTAMP = 1 << 4;
    private static final int TIMESTAMPTZ = 1 << 5;
    private static final int UUID = 1 << 6;
    private static final int INTERVAL = 1 << 7;
    private static final int JSONB = 1 << 8;
    private static final int TEXT = 1 << 9;
    private static final int ALL = (1 << 10) - 1;

    private static final int[] CSV_ORDER = {BOOLEAN, BIGINT, NUMERIC, DATE, TIMESTAMP, TIMESTAMPTZ, UUID, INTERVAL, JSONB, TEXT};
    private static final int[] JSON_ORDER = {BOOLEAN, BIGINT, NUMERIC, DATE, TIMESTAMP, TIMESTAMPTZ, UUID, INTERVAL, TEXT, JSONB};

    private static final Pattern INTEGER_TEXT = Pattern.compile("-?(0|[1-9][0-9]*)");
    private static final Pattern DECIMAL_TEXT = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");
    private static final Pattern DATE_TEXT = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}");
    private static final Pattern TIMESTAMP_TEXT = Pattern.compile(
            "([0-9]{4}-[0-9]{2}-[0-9]{2})[T ]([0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,9})?)?)(Z|[+-][0-9]{2}(:?[0-9]{2}(:[0-9]{2})?)?)?");
    private static final Pattern UUID_TEXT = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern INTERVAL_TEXT = Pattern.compile(
            "-?P(?=[-0-9T])(-?[0-9]+(\\.[0-9]+)?[YMWD])*(T(-?[0-9]+(\\.[0-9]+)?[HMS])+)?");

    private final boolean json;
    private final List<String> names = new ArrayList<>();
    private final Map<String, Integer> index = new HashMap<>();
    private int[] masks = new int[16];
    private boolean[] infinity = new boolean[16];

    private LoadTypeInference(boolean json) {
        this.json = json;
    }

    static LoadTypeInference forCsv(List<String> columns) {
        LoadTypeInference inference = new LoadTypeInference(false);
        columns.forEach(inference::column);
        return inference;
    }

    static LoadTypeInference forJson() {
        return new LoadTypeInference(true);
    }

    /** The index of a column, added (in first-seen order) when new. */
    int column(String name) {
        Integer i = index.get(name);
        if (i != null) {
            return i;
        }
        int n = names.size();
        names.add(name);
        index.put(name, n);
        if (n == masks.length) {
            masks = java.util.Arrays.copyOf(masks, n * 2);
            infinity = java.util.Arrays.copyOf(infinity, n * 2);
        }
        masks[n] = ALL;
        return n;
    }

    List<String> names() {
        return List.copyOf(names);
    }

    /** A CSV field: PostgreSQL text, or null for NULL. */
    void csvValue(int column, String text) {
        if (text == null) {
            return;
        }
        masks[column] &= textMask(text, true, column) | TEXT;
    }

    /** The JSON value the parser stands on (objects and arrays are skipped over). */
    void jsonValue(int column, JsonParser p) throws IOException {
        JsonToken token = p.currentToken();
        int mask = switch (token) {
            case VALUE_NULL -> ALL;
            case VALUE_TRUE, VALUE_FALSE -> BOOLEAN | JSONB;
            case VALUE_NUMBER_INT -> (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? 0 : BIGINT) | NUMERIC | JSONB;
            case VALUE_NUMBER_FLOAT -> NUMERIC | JSONB;
            case VALUE_STRING -> textMask(p.getText(), false, column) | TEXT | JSONB;
            case START_OBJECT, START_ARRAY -> {
                p.skipChildren();
                yield JSONB;
            }
            default -> JSONB;
        };
        masks[column] &= mask;
    }

    /** What a text value can be, besides text. */
    private int textMask(String text, boolean csv, int column) {
        if (text.isEmpty()) {
            return 0;
        }
        switch (text) {
            case "NaN" -> {
                return NUMERIC;
            }
            case "Infinity", "-Infinity" -> {
                infinity[column] = true;
                return NUMERIC;
            }
            case "infinity", "-infinity" -> {
                return DATE | TIMESTAMP | TIMESTAMPTZ;
            }
            default -> {
            }
        }
        char first = text.charAt(0);
        if (csv) {
            if (text.equalsIgnoreCase("t") || text.equalsIgnoreCase("f") || text.equalsIgnoreCase("true")
                    || text.equalsIgnoreCase("false")) {
                return BOOLEAN;
            }
            if ((first == '-' || (first >= '0' && first <= '9')) && text.length() <= 1000) {
                if (INTEGER_TEXT.matcher(text).matches()) {
                    return fitsLong(text) ? BIGINT | NUMERIC : NUMERIC;
                }
                if (DECIMAL_TEXT.matcher(text).matches()) {
                    return NUMERIC;
                }
            }
            if ((first == '{' || first == '[') && isJson(text)) {
                return JSONB;
            }
        }
        if (first >= '0' && first <= '9' && text.length() >= 10) {
            if (text.length() == 10 && DATE_TEXT.matcher(text).matches()) {
                return validDate(text) ? DATE : 0;
            }
            var m = TIMESTAMP_TEXT.matcher(text);
            if (m.matches()) {
                if (!validTimestamp(m.group(1), m.group(2))) {
                    return 0;
                }
                return m.group(5) == null ? TIMESTAMP : TIMESTAMPTZ;
            }
        }
        if (text.length() == 36 && UUID_TEXT.matcher(text).matches()) {
            return UUID;
        }
        if ((first == 'P' || first == '-') && text.length() >= 3 && INTERVAL_TEXT.matcher(text).matches()) {
            return INTERVAL;
        }
        return 0;
    }

    private static boolean fitsLong(String text) {
        try {
            Long.parseLong(text);
            return true;
        }
        catch (NumberFormatException e) {
            return false;
        }
    }

    private static boolean validDate(String text) {
        try {
            LocalDate.parse(text);
            return true;
        }
        catch (DateTimeParseException e) {
            return false;
        }
    }

    private static boolean validTimestamp(String date, String time) {
        try {
            LocalDateTime.parse(date + "T" + (time.length() == 5 ? time + ":00" : time));
            return true;
        }
        catch (DateTimeParseException e) {
            return false;
        }
    }

    private static boolean isJson(String text) {
        try (JsonParser p = JsonLinesRecordReader.FACTORY.createParser(text)) {
            p.nextToken();
            p.skipChildren();
            return p.nextToken() == null;
        }
        catch (IOException e) {
            return false;
        }
    }

    /**
     * The columns to create. {@code serverVersionNum} decides one case: numeric holds Infinity only from
     * PostgreSQL 14 on, so a numeric column with infinities becomes double precision before that.
     */
    List<TableCreator.Column> columns(int serverVersionNum) {
        List<TableCreator.Column> columns = new ArrayList<>();
        int[] order = json ? JSON_ORDER : CSV_ORDER;
        for (int i = 0; i < names.size(); i++) {
            int mask = masks[i];
            String type = "text";
            if (mask != ALL) {
                for (int candidate : order) {
                    if ((mask & candidate) != 0) {
                        type = typeName(candidate);
                        break;
                    }
                }
                if (mask == 0) {
                    type = json ? "jsonb" : "text";
                }
            }
            if (type.equals("numeric") && infinity[i] && serverVersionNum < 140000) {
                type = "double precision";
            }
            columns.add(new TableCreator.Column(names.get(i), type, false));
        }
        return columns;
    }

    private static String typeName(int candidate) {
        return switch (candidate) {
            case BOOLEAN -> "boolean";
            case BIGINT -> "bigint";
            case NUMERIC -> "numeric";
            case DATE -> "date";
            case TIMESTAMP -> "timestamp";
            case TIMESTAMPTZ -> "timestamptz";
            case UUID -> "uuid";
            case INTERVAL -> "interval";
            case JSONB -> "jsonb";
            default -> "text";
        };
    }
}
