package dev.pgbridge.pgtype;

import java.io.ByteArrayOutputStream;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The conversions between PostgreSQL's text of dates, times, intervals and bytea and their JSON strings, both ways.
 * Input is what a session with {@code DateStyle = ISO} (which pgjdbc sets) prints, in any {@code IntervalStyle} and
 * either {@code bytea_output}.
 */
final class PgText {
    private static final long MICROS_PER_SECOND = 1_000_000L;
    private static final long MICROS_PER_MINUTE = 60 * MICROS_PER_SECOND;
    private static final long MICROS_PER_HOUR = 60 * MICROS_PER_MINUTE;

    private PgText() {
    }

    // --- output: PostgreSQL text → the JSON string

    /** bytea's text output in either {@code bytea_output}: {@code \x0aff} (hex) or escape ({@code a\\\001}). */
    static byte[] bytea(String text) {
        if (text.startsWith("\\x")) {
            return HexFormat.of().parseHex(text, 2, text.length());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '\\') {
                if (c > 0x7F) {
                    // escape output sends every byte above 0x7E as \ooo; a raw character here is UTF-8 text
                    byte[] utf8 = String.valueOf(c).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    out.write(utf8, 0, utf8.length);
                }
                else {
                    out.write(c);
                }
            }
            else if (i + 1 < text.length() && text.charAt(i + 1) == '\\') {
                out.write('\\');
                i++;
            }
            else if (i + 3 < text.length()) {
                out.write(Integer.parseInt(text, i + 1, i + 4, 8));
                i += 3;
            }
            else {
                throw new IllegalArgumentException("malformed bytea escape at character " + (i + 1));
            }
        }
        return out.toByteArray();
    }

    /**
     * A date, timestamp or timestamptz in ISO-8601: {@code 2024-02-29 13:45:00.5} → {@code 2024-02-29T13:45:00.5};
     * {@code 0044-03-15 BC} → {@code -0043-03-15}; {@code 10000-01-01} → {@code +10000-01-01}; an offset
     * {@code +01} → {@code +01:00}. {@code infinity} and {@code -infinity} stay.
     */
    static String isoDateTime(String text, boolean withOffset) {
        if (text.equals("infinity") || text.equals("-infinity")) {
            return text;
        }
        boolean bc = text.endsWith(" BC");
        String t = bc ? text.substring(0, text.length() - 3) : text;
        int dash = t.indexOf('-', 1);
        if (dash < 0 || !digits(t, 0, dash)) {
            return text; // not the ISO DateStyle: leave it as PostgreSQL printed it
        }
        long year = Long.parseLong(t, 0, dash, 10);
        StringBuilder sb = new StringBuilder(t.length() + 8);
        appendIsoYear(sb, bc ? 1 - year : year);
        int space = t.indexOf(' ', dash);
        if (space < 0) {
            return sb.append(t, dash, t.length()).toString();
        }
        sb.append(t, dash, space).append('T');
        String time = t.substring(space + 1);
        if (withOffset) {
            int sign = Math.max(time.lastIndexOf('+'), time.lastIndexOf('-'));
            if (sign > 0) {
                return sb.append(time, 0, sign).append(isoOffset(time.substring(sign))).toString();
            }
        }
        return sb.append(time).toString();
    }

    /** {@code 13:45:00+05} → {@code 13:45:00+05:00}. */
    static String isoTimetz(String text) {
        int sign = Math.max(text.lastIndexOf('+'), text.lastIndexOf('-'));
        return sign < 0 ? text : text.substring(0, sign) + isoOffset(text.substring(sign));
    }

    private static void appendIsoYear(StringBuilder sb, long year) {
        if (year > 9999) {
            sb.append('+').append(year);
            return;
        }
        if (year < 0) {
            sb.append('-');
        }
        String digits = Long.toString(Math.abs(year));
        sb.append("0".repeat(Math.max(0, 4 - digits.length()))).append(digits);
    }

    /** {@code +05} → {@code +05:00}; {@code +05:30} and {@code +00:19:32} stay. */
    private static String isoOffset(String offset) {
        return offset.length() == 3 ? offset + ":00" : offset;
    }

    /**
     * An interval in any {@code IntervalStyle} → ISO-8601 exactly as PostgreSQL's {@code iso_8601} style prints it:
     * each of years, months, days, hours, minutes and seconds with its own sign, zero parts left out, {@code PT0S}
     * for zero. Text already in ISO-8601 form is returned as it is.
     */
    static String isoInterval(String text) {
        String t = text.strip();
        if (t.startsWith("P") || t.startsWith("-P")) {
            return t;
        }
        long[] mdt = t.startsWith("@") ? verbose(t) : t.contains(" year") || t.contains(" mon") || t.contains(" day")
                ? postgres(t) : sqlStandard(t);
        return iso(mdt[0], mdt[1], mdt[2]);
    }

    /** {@code postgres}: {@code 1 year 2 mons -3 days -04:05:06.5} (also with {@code +} before a positive part). */
    private static long[] postgres(String t) {
        long months = 0;
        long days = 0;
        long time = 0;
        String[] tokens = t.split("\\s+");
        for (int i = 0; i < tokens.length; i++) {
            String token = tokens[i];
            if (token.indexOf(':') >= 0) {
                time += clock(token);
                continue;
            }
            if (i + 1 >= tokens.length) {
                throw notInterval(t);
            }
            long n = Long.parseLong(token);
            String unit = tokens[++i];
            if (unit.startsWith("year")) {
                months += 12 * n;
            }
            else if (unit.startsWith("mon")) {
                months += n;
            }
            else if (unit.startsWith("day")) {
                days += n;
            }
            else {
                throw notInterval(t);
            }
        }
        return new long[] {months, days, time};
    }

    /** {@code postgres_verbose}: {@code @ 1 year 2 mons -3 days -4 hours -5 mins -6.5 secs ago}. */
    private static long[] verbose(String t) {
        String body = t.substring(1).strip();
        boolean ago = body.endsWith(" ago");
        if (ago) {
            body = body.substring(0, body.length() - 4);
        }
        long months = 0;
        long days = 0;
        long time = 0;
        String[] tokens = body.split("\\s+");
        if (tokens.length == 1 && tokens[0].equals("0")) {
            return new long[] {0, 0, 0};
        }
        for (int i = 0; i + 1 < tokens.length; i += 2) {
            String number = tokens[i];
            String unit = tokens[i + 1];
            if (unit.startsWith("sec")) {
                time += seconds(number);
                continue;
            }
            long n = Long.parseLong(number);
            if (unit.startsWith("year")) {
                months += 12 * n;
            }
            else if (unit.startsWith("mon")) {
                months += n;
            }
            else if (unit.startsWith("day")) {
                days += n;
            }
            else if (unit.startsWith("hour")) {
                time += n * MICROS_PER_HOUR;
            }
            else if (unit.startsWith("min")) {
                time += n * MICROS_PER_MINUTE;
            }
            else {
                throw notInterval(t);
            }
        }
        if (tokens.length % 2 != 0) {
            throw notInterval(t);
        }
        return ago ? new long[] {-months, -days, -time} : new long[] {months, days, time};
    }

    /**
     * {@code sql_standard}: {@code 1-2}, {@code 3 4:05:06.5}, {@code -1-2} (one sign for every part), or with mixed
     * signs or both year-month and day-time parts, every part signed: {@code +1-2 -3 -4:05:06.5}.
     */
    private static long[] sqlStandard(String t) {
        if (t.equals("0")) {
            return new long[] {0, 0, 0};
        }
        String[] tokens = t.split("\\s+");
        boolean signedParts = tokens.length == 3;
        int global = 1;
        if (!signedParts && tokens[0].startsWith("-")) {
            global = -1;
            tokens[0] = tokens[0].substring(1);
        }
        long months = 0;
        long days = 0;
        long time = 0;
        for (String token : tokens) {
            int sign = 1;
            String body = token;
            if (body.startsWith("-") || body.startsWith("+")) {
                sign = body.charAt(0) == '-' ? -1 : 1;
                body = body.substring(1);
            }
            if (body.indexOf(':') >= 0) {
                time += sign * clock(body);
            }
            else if (body.indexOf('-') > 0) {
                int dash = body.indexOf('-');
                months += sign * (12 * Long.parseLong(body, 0, dash, 10) + Long.parseLong(body, dash + 1, body.length(), 10));
            }
            else {
                days += sign * Long.parseLong(body);
            }
        }
        return new long[] {global * months, global * days, global * time};
    }

    /** {@code [-+]hh:mm:ss[.ffffff]} (or {@code hh:mm}) in microseconds. */
    private static long clock(String token) {
        boolean negative = token.startsWith("-");
        String body = negative || token.startsWith("+") ? token.substring(1) : token;
        String[] hms = body.split(":");
        long micros = Long.parseLong(hms[0]) * MICROS_PER_HOUR + Long.parseLong(hms[1]) * MICROS_PER_MINUTE
                + (hms.length > 2 ? seconds(hms[2]) : 0);
        return negative ? -micros : micros;
    }

    /** {@code -6.5} seconds in microseconds. */
    private static long seconds(String text) {
        return new java.math.BigDecimal(text).movePointRight(6).longValueExact();
    }

    /** PostgreSQL's {@code iso_8601} output (EncodeInterval) of months, days and microseconds. */
    private static String iso(long months, long days, long time) {
        if (months == 0 && days == 0 && time == 0) {
            return "PT0S";
        }
        StringBuilder sb = new StringBuilder("P");
        long year = months / 12;
        long mon = months % 12;
        if (year != 0) {
            sb.append(year).append('Y');
        }
        if (mon != 0) {
            sb.append(mon).append('M');
        }
        if (days != 0) {
            sb.append(days).append('D');
        }
        long hour = time / MICROS_PER_HOUR;
        long rest = time % MICROS_PER_HOUR;
        long min = rest / MICROS_PER_MINUTE;
        rest %= MICROS_PER_MINUTE;
        long sec = rest / MICROS_PER_SECOND;
        long fsec = rest % MICROS_PER_SECOND;
        if (hour != 0 || min != 0 || sec != 0 || fsec != 0) {
            sb.append('T');
            if (hour != 0) {
                sb.append(hour).append('H');
            }
            if (min != 0) {
                sb.append(min).append('M');
            }
            if (sec != 0 || fsec != 0) {
                if (sec < 0 || fsec < 0) {
                    sb.append('-');
                }
                sb.append(Math.abs(sec));
                if (fsec != 0) {
                    String f = Long.toString(1_000_000 + Math.abs(fsec)).substring(1);
                    int end = f.length();
                    while (f.charAt(end - 1) == '0') {
                        end--;
                    }
                    sb.append('.').append(f, 0, end);
                }
                sb.append('S');
            }
        }
        return sb.toString();
    }

    private static IllegalArgumentException notInterval(String text) {
        return new IllegalArgumentException("not an interval PostgreSQL prints: " + text.length() + " chars");
    }

    // --- input: the JSON string → text PostgreSQL reads

    /** PostgreSQL's hex form {@code \x0a1b} of a base64 string; a string already in that form is kept. */
    static String byteaHex(String text) {
        if (text.startsWith("\\x")) {
            return text;
        }
        byte[] bytes;
        try {
            bytes = Base64.getMimeDecoder().decode(text);
        }
        catch (IllegalArgumentException e) {
            throw new BadValue("not base64 (bytea takes base64, e.g. \"3q2+7w==\"): " + e.getMessage(), e);
        }
        return "\\x" + HexFormat.of().formatHex(bytes);
    }

    /**
     * An ISO-8601 date or timestamp with its year rewritten where PostgreSQL reads it differently: ISO's signed
     * years ({@code -0043-03-15} is 44 BC, {@code 0000-…} is 1 BC) get PostgreSQL's {@code BC} suffix, and a
     * {@code +} before a five-digit year is dropped. Anything else is returned as it is.
     */
    static String postgresDateTime(String text) {
        String t = spaceForT(text);
        if (t.length() < 6) {
            return t;
        }
        char first = t.charAt(0);
        if ((first == '+' || first == '-') && isDigit(t.charAt(1))) {
            int dash = t.indexOf('-', 1);
            if (dash < 5) {
                return t;
            }
            for (int i = 1; i < dash; i++) {
                if (!isDigit(t.charAt(i))) {
                    return t;
                }
            }
            if (first == '+') {
                return t.substring(1);
            }
            long year = Long.parseLong(t, 1, dash, 10);
            return fourDigits(year + 1) + t.substring(dash) + " BC";
        }
        if (t.startsWith("0000-")) {
            return "0001" + t.substring(4) + " BC";
        }
        return t;
    }

    /** {@code 2024-02-29T13:45:00} → {@code 2024-02-29 13:45:00}, PostgreSQL's own form (it reads both). */
    private static String spaceForT(String text) {
        int dash = text.indexOf('-', 1);
        int t = dash < 0 ? -1 : dash + 6;
        if (t > 0 && t < text.length() && text.charAt(t) == 'T' && text.charAt(dash + 3) == '-') {
            return text.substring(0, t) + ' ' + text.substring(t + 1);
        }
        return text;
    }

    private static String fourDigits(long year) {
        String digits = Long.toString(year);
        return digits.length() >= 4 ? digits : "0".repeat(4 - digits.length()) + digits;
    }

    /** An ISO-8601 duration with a leading minus ({@code -P1DT2H}) as PostgreSQL reads it ({@code P-1DT-2H}). */
    static String postgresInterval(String text) {
        if (text.length() < 3 || text.charAt(0) != '-' || (text.charAt(1) != 'P' && text.charAt(1) != 'p')) {
            return text;
        }
        StringBuilder sb = new StringBuilder(text.length() + 8);
        int i = 1;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '-' || c == '+' || isDigit(c) || c == '.') {
                boolean negative = c == '-';
                int start = (c == '-' || c == '+') ? i + 1 : i;
                int end = start;
                while (end < text.length() && (isDigit(text.charAt(end)) || text.charAt(end) == '.')) {
                    end++;
                }
                sb.append(negative ? "" : "-").append(text, start, end);
                i = end;
            }
            else {
                sb.append(c);
                i++;
            }
        }
        return sb.toString();
    }

    static boolean digits(String s, int from, int to) {
        if (from >= to || to - from > 18) {
            return false;
        }
        for (int i = from; i < to; i++) {
            if (!isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
