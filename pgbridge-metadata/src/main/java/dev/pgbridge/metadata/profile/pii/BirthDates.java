package dev.pgbridge.metadata.profile.pii;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Dates that could be a living or recorded person's date of birth: on or after 1900-01-01 and not in the future.
 * Only counted for a column whose name speaks of birth: a date alone says nothing about a person.
 */
final class BirthDates {
    private BirthDates() {
    }

    static final LocalDate EARLIEST = LocalDate.of(1900, 1, 1);

    private static final Pattern ISO = Pattern.compile("(\\d{4})-(\\d{2})-(\\d{2})(?:[T ].*)?");
    private static final Pattern YMD_SLASH = Pattern.compile("(\\d{4})/(\\d{1,2})/(\\d{1,2})");
    private static final Pattern COMPACT = Pattern.compile("(\\d{4})(\\d{2})(\\d{2})");
    private static final Pattern DAY_MONTH_YEAR = Pattern.compile("(\\d{1,2})[./\\-](\\d{1,2})[./\\-](\\d{4})");

    /**
     * Whether {@code value} is a date ({@code 1984-03-12}, a timestamp on that day, {@code 1984/3/12},
     * {@code 19840312}, {@code 12.03.1984}, {@code 03/12/1984} read day-first or month-first) between 1900-01-01 and
     * {@code today}.
     */
    static boolean isPlausibleBirthDate(String value, LocalDate today) {
        Matcher m = ISO.matcher(value);
        if (!m.matches()) {
            m = YMD_SLASH.matcher(value);
        }
        if (!m.matches()) {
            m = COMPACT.matcher(value);
        }
        if (m.matches()) {
            return inRange(date(m.group(1), m.group(2), m.group(3)), today);
        }
        m = DAY_MONTH_YEAR.matcher(value);
        if (m.matches()) {
            return inRange(date(m.group(3), m.group(2), m.group(1)), today)
                    || inRange(date(m.group(3), m.group(1), m.group(2)), today);
        }
        return false;
    }

    private static LocalDate date(String year, String month, String day) {
        try {
            return LocalDate.of(Integer.parseInt(year), Integer.parseInt(month), Integer.parseInt(day));
        } catch (DateTimeException e) {
            return null;
        }
    }

    private static boolean inRange(LocalDate date, LocalDate today) {
        return date != null && !date.isBefore(EARLIEST) && !date.isAfter(today);
    }
}
