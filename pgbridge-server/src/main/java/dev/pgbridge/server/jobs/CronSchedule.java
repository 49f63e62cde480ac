package dev.pgbridge.server.jobs;

import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * A 5-field cron schedule as crontab(5) reads it, in UTC: minute (0-59), hour (0-23), day of month (1-31), month
 * (1-12 or JAN-DEC), day of week (0-7, 0 and 7 are Sunday, or SUN-SAT). Each field is {@code *} or a comma list of
 * values, ranges {@code a-b} and steps {@code a-b/n} (also after {@code *} or a single value). When both day fields are restricted a day matching
 * either runs (crontab's rule). {@code @hourly}, {@code @daily}, {@code @weekly}, {@code @monthly} and
 * {@code @yearly} are the usual shorthands.
 */
public final class CronSchedule {
    private static final Map<String, String> MACROS = Map.of("@hourly", "0 * * * *", "@daily", "0 0 * * *",
            "@midnight", "0 0 * * *", "@weekly", "0 0 * * 0", "@monthly", "0 0 1 * *", "@yearly", "0 0 1 1 *",
            "@annually", "0 0 1 1 *");
    private static final List<String> MONTHS = List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP",
            "OCT", "NOV", "DEC");
    private static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");
    /** Far enough for any valid schedule (Feb 29 on a Monday recurs within 28 years). */
    private static final int MAX_YEARS = 30;

    private final String text;
    private final BitSet minutes;
    private final BitSet hours;
    private final BitSet daysOfMonth;
    private final BitSet months;
    private final BitSet daysOfWeek;
    private final boolean dayOfMonthRestricted;
    private final boolean dayOfWeekRestricted;

    private CronSchedule(String text, BitSet minutes, BitSet hours, BitSet daysOfMonth, BitSet months, BitSet daysOfWeek,
                         boolean dayOfMonthRestricted, boolean dayOfWeekRestricted) {
        this.text = text;
        this.minutes = minutes;
        this.hours = hours;
        this.daysOfMonth = daysOfMonth;
        this.months = months;
        this.daysOfWeek = daysOfWeek;
        this.dayOfMonthRestricted = dayOfMonthRestricted;
        this.dayOfWeekRestricted = dayOfWeekRestricted;
    }

    /** Parses a schedule; INVALID_CONFIG listing every bad field at once, each with its allowed range. */
    public static CronSchedule parse(String expression) {
        requireNonNull(expression, "expression is null");
        String text = expression.strip().replaceAll("\\s+", " ");
        String fields = MACROS.getOrDefault(text.toLowerCase(Locale.ROOT), text);
        String[] parts = fields.isEmpty() ? new String[0] : fields.split(" ");
        if (parts.length != 5) {
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "schedule '" + expression + "' has " + parts.length
                    + " fields; a cron schedule has 5: minute hour day-of-month month day-of-week",
                    "for example '*/15 * * * *' (every 15 minutes) or '0 2 * * 1-5' (02:00 UTC on weekdays)");
        }
        List<String> problems = new ArrayList<>();
        BitSet minutes = field(parts[0], "minute", 0, 59, List.of(), 0, problems);
        BitSet hours = field(parts[1], "hour", 0, 23, List.of(), 0, problems);
        BitSet dom = field(parts[2], "day of month", 1, 31, List.of(), 0, problems);
        BitSet months = field(parts[3], "month", 1, 12, MONTHS, 1, problems);
        BitSet dow = field(parts[4], "day of week", 0, 7, DAYS, 0, problems);
        if (!problems.isEmpty()) {
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "schedule '" + expression + "': "
                    + String.join("; ", problems), "fields are: minute hour day-of-month month day-of-week, each *, "
                    + "a value, a range a-b, a list a,b or a step */n");
        }
        if (dow.get(7)) {
            dow.set(0);
        }
        CronSchedule schedule = new CronSchedule(text, minutes, hours, dom, months, dow, !parts[2].startsWith("*"),
                !parts[4].startsWith("*"));
        schedule.next(Instant.parse("2000-01-01T00:00:00Z")); // fails on a schedule that never fires (31 2 …)
        return schedule;
    }

    private static BitSet field(String text, String name, int min, int max, List<String> names, int firstName,
                                List<String> problems) {
        BitSet set = new BitSet(max + 1);
        for (String item : text.split(",", -1)) {
            String range = item;
            int step = 1;
            int slash = item.indexOf('/');
            if (slash >= 0) {
                range = item.substring(0, slash);
                Integer s = number(item.substring(slash + 1), List.of(), 0);
                if (s == null || s < 1) {
                    problems.add(name + " step '" + item.substring(slash + 1) + "' is not a positive number");
                    continue;
                }
                step = s;
            }
            int from;
            int to;
            if (range.equals("*")) {
                from = min;
                to = max == 7 ? 6 : max;
            }
            else {
                int dash = range.indexOf('-', 1);
                Integer a = number(dash < 0 ? range : range.substring(0, dash), names, firstName);
                Integer b = dash < 0 ? a : number(range.substring(dash + 1), names, firstName);
                if (a == null || b == null) {
                    problems.add(name + " '" + item + "' is not a number" + (names.isEmpty() ? "" : " or a name ("
                            + names.get(0) + "…)") + ", range or step");
                    continue;
                }
                from = a;
                to = dash < 0 && slash >= 0 ? max : b;
            }
            if (from < min || to > max || from > to) {
                problems.add(name + " '" + item + "' is outside " + min + "-" + max);
                continue;
            }
            for (int v = from; v <= to; v += step) {
                set.set(v);
            }
        }
        return set;
    }

    private static Integer number(String text, List<String> names, int firstName) {
        int index = names.indexOf(text.toUpperCase(Locale.ROOT));
        if (index >= 0) {
            return index + firstName;
        }
        if (text.isEmpty() || text.length() > 4 || !text.chars().allMatch(Character::isDigit)) {
            return null;
        }
        return Integer.parseInt(text);
    }

    /** Whether the schedule fires in the minute of {@code time} (UTC). */
    public boolean matches(LocalDateTime time) {
        return minutes.get(time.getMinute()) && hours.get(time.getHour()) && months.get(time.getMonthValue())
                && dayMatches(time);
    }

    private boolean dayMatches(LocalDateTime time) {
        boolean dom = daysOfMonth.get(time.getDayOfMonth());
        boolean dow = daysOfWeek.get(time.getDayOfWeek().getValue() % 7);
        if (dayOfMonthRestricted && dayOfWeekRestricted) {
            return dom || dow;
        }
        return dom && dow;
    }

    /** The first minute strictly after {@code after} at which the schedule fires. */
    public Instant next(Instant after) {
        LocalDateTime t = LocalDateTime.ofInstant(after, ZoneOffset.UTC).truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
        LocalDateTime limit = t.plusYears(MAX_YEARS);
        while (t.isBefore(limit)) {
            if (!months.get(t.getMonthValue())) {
                t = t.withDayOfMonth(1).withHour(0).withMinute(0).plusMonths(1);
            }
            else if (!dayMatches(t)) {
                t = t.withHour(0).withMinute(0).plusDays(1);
            }
            else if (!hours.get(t.getHour())) {
                t = t.withMinute(0).plusHours(1);
            }
            else if (!minutes.get(t.getMinute())) {
                t = t.plusMinutes(1);
            }
            else {
                return t.toInstant(ZoneOffset.UTC);
            }
        }
        throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "schedule '" + text + "' never fires",
                "check the day of month against the month (e.g. 31 in a month of 30 days)");
    }

    /**
     * Whether a run is due at {@code now}: the schedule fired after {@code since} (the last run, or when the schedule
     * started to apply) and not after {@code now}. Missed firings while the server was down make one run, not many.
     */
    public boolean due(Instant since, Instant now) {
        return !next(since).isAfter(now);
    }

    @Override
    public String toString() {
        return text;
    }
}
