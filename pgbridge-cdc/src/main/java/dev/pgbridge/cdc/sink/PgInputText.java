package dev.pgbridge.cdc.sink;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgbridge.cdc.event.EventJson;
import dev.pgbridge.cdc.event.PgType;

import java.math.BigDecimal;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The way back from an event's JSON value to text PostgreSQL's input function of the column type takes: the inverse
 * of {@code PgTextValues}. The text is bound as a parameter and cast to the column's type ({@code ?::numeric(10,2)}),
 * so PostgreSQL itself parses it, exactly as it parsed the source value.
 *
 * <ul>
 *   <li>numbers keep every digit (numeric scale included); {@code NaN}, {@code Infinity}, {@code -Infinity},
 *       {@code infinity} and {@code -infinity} pass through as the strings they are;</li>
 *   <li>json/jsonb: the document as JSON text (a JSON {@code null} document and SQL NULL are the same in events,
 *       and come back as SQL NULL);</li>
 *   <li>bytea: base64 → {@code \x} hex;</li>
 *   <li>dates and timestamps: ISO-8601's astronomical years ({@code -0043-03-15}) → PostgreSQL's
 *       {@code 0044-03-15 BC};</li>
 *   <li>intervals: the ISO-8601 duration as is (PostgreSQL reads {@code P1Y2M-3DT-4H-5M-6.5S});</li>
 *   <li>arrays: nested JSON arrays → an array literal {@code {{"1","2"},{"3",NULL}}}, every element quoted and
 *       converted by its element type. For json/jsonb elements only the outer level is taken as the array (a JSON
 *       array inside is an element document), so multi-dimensional json arrays do not round-trip. Lower bounds
 *       other than 1 are not in events and come back as 1;</li>
 *   <li>everything else: the JSON string itself (a number or boolean where the target column is text: its JSON
 *       text).</li>
 * </ul>
 */
final class PgInputText {
    private PgInputText() {
    }

    /** The input text of {@code value} for a column of {@code type}; null for SQL NULL. */
    static String of(PgType type, JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return null;
        }
        return switch (type.kind()) {
            case BOOL, INTEGER, TIME, TIMETZ, INTERVAL, TEXT -> scalar(value);
            case NUMERIC -> value.isNumber() ? plain(value) : scalar(value);
            case FLOAT -> value.isNumber() && value.isBigDecimal() ? value.decimalValue().toString() : scalar(value);
            case JSON -> EventJson.write(value);
            case BYTEA -> value.isTextual() ? bytea(value.textValue()) : scalar(value);
            case DATE -> value.isTextual() ? date(value.textValue()) : scalar(value);
            case TIMESTAMP, TIMESTAMPTZ -> value.isTextual() ? timestamp(value.textValue()) : scalar(value);
            case ARRAY -> value.isArray() ? array(type.element(), value) : scalar(value);
        };
    }

    private static String scalar(JsonNode value) {
        return value.isValueNode() ? value.asText() : EventJson.write(value);
    }

    private static String plain(JsonNode number) {
        BigDecimal d = number.decimalValue();
        return d.toPlainString();
    }

    private static String bytea(String base64) {
        try {
            return "\\x" + HexFormat.of().formatHex(Base64.getDecoder().decode(base64));
        }
        catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a bytea value is not base64: " + e.getMessage(), e);
        }
    }

    /** {@code -0043-03-15} → {@code 0044-03-15 BC}; year 0 is 1 BC. Other text unchanged. */
    static String date(String text) {
        int yearEnd = text.indexOf('-', 1);
        if (yearEnd < 0 || !isBcYear(text, yearEnd)) {
            return text;
        }
        return bcYear(text, yearEnd) + text.substring(yearEnd) + " BC";
    }

    /** {@code -0043-03-15T12:00:00+00:01:15} → {@code 0044-03-15 12:00:00+00:01:15 BC}. Other text unchanged. */
    static String timestamp(String text) {
        int yearEnd = text.indexOf('-', 1);
        if (yearEnd < 0 || !isBcYear(text, yearEnd)) {
            return text;
        }
        String rest = text.substring(yearEnd).replace('T', ' ');
        return bcYear(text, yearEnd) + rest + " BC";
    }

    private static boolean isBcYear(String text, int yearEnd) {
        if (text.startsWith("-")) {
            return true;
        }
        for (int i = 0; i < yearEnd; i++) {
            if (text.charAt(i) != '0') {
                return false;
            }
        }
        return yearEnd > 0;
    }

    private static String bcYear(String text, int yearEnd) {
        long astronomical = Long.parseLong(text.substring(0, yearEnd));
        return String.format(java.util.Locale.ROOT, "%04d", 1 - astronomical);
    }

    private static String array(PgType element, JsonNode array) {
        StringBuilder sb = new StringBuilder();
        appendArray(sb, element, array);
        return sb.toString();
    }

    private static void appendArray(StringBuilder sb, PgType element, JsonNode array) {
        sb.append('{');
        boolean documents = element.kind() == PgType.Kind.JSON;
        for (int i = 0; i < array.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            JsonNode item = array.get(i);
            if (item.isArray() && !documents) {
                appendArray(sb, element, item);
            }
            else {
                String text = of(element, item);
                if (text == null) {
                    sb.append("NULL");
                }
                else {
                    sb.append('"');
                    for (int j = 0; j < text.length(); j++) {
                        char c = text.charAt(j);
                        if (c == '"' || c == '\\') {
                            sb.append('\\');
                        }
                        sb.append(c);
                    }
                    sb.append('"');
                }
            }
        }
        sb.append('}');
    }
}
