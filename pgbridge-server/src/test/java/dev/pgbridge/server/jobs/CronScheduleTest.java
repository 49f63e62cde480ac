package dev.pgbridge.server.jobs;

import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class CronScheduleTest {
    private static Instant at(String localUtc) {
        return LocalDateTime.parse(localUtc).toInstant(ZoneOffset.UTC);
    }

    private static String next(String cron, String after) {
        return LocalDateTime.ofInstant(CronSchedule.parse(cron).next(at(after)), ZoneOffset.UTC).toString();
    }

    @Test
    void everyMinuteFiresAtTheNextWholeMinute() {
        assertThat(next("* * * * *", "2026-12-07T10:15:00")).isEqualTo("2026-12-07T10:16");
        assertThat(next("* * * * *", "2026-12-07T10:15:59.999")).isEqualTo("2026-12-07T10:16");
        assertThat(next("* * * * *", "2026-12-31T23:59:30")).isEqualTo("2027-01-01T00:00");
    }

    @Test
    void listsRangesAndSteps() {
        assertThat(next("*/15 * * * *", "2026-12-07T10:16:00")).isEqualTo("2026-12-07T10:30");
        assertThat(next("5,35 * * * *", "2026-12-07T10:35:00")).isEqualTo("2026-12-07T11:05");
        assertThat(next("0 9-17/4 * * *", "2026-12-07T13:00:00")).isEqualTo("2026-12-07T17:00");
        assertThat(next("0 9-17/4 * * *", "2026-12-07T17:00:00")).isEqualTo("2026-12-08T09:00");
        assertThat(next("10/20 * * * *", "2026-12-07T10:31:00")).isEqualTo("2026-12-07T10:50");
        assertThat(next("30 2 1 JAN,jul *", "2026-12-07T00:00:00")).isEqualTo("2027-01-01T02:30");
    }

    @Test
    void daysOfWeekWithSundayAsZeroOrSeven() {
        // 2026-12-07 is a Monday
        assertThat(next("0 0 * * 0", "2026-12-07T00:00:00")).isEqualTo("2026-12-13T00:00");
        assertThat(next("0 0 * * 7", "2026-12-07T00:00:00")).isEqualTo("2026-12-13T00:00");
        assertThat(next("0 2 * * 1-5", "2026-12-11T03:00:00")).isEqualTo("2026-12-14T02:00");
        assertThat(next("0 2 * * sat", "2026-12-07T03:00:00")).isEqualTo("2026-12-12T02:00");
    }

    @Test
    void restrictedDayOfMonthAndDayOfWeekMatchEither() {
        // crontab(5): "0 0 13 * 5" runs on every 13th and on every Friday
        assertThat(next("0 0 13 * 5", "2026-12-07T00:00:00")).isEqualTo("2026-12-11T00:00");
        assertThat(next("0 0 13 * 5", "2026-12-11T00:00:00")).isEqualTo("2026-12-13T00:00");
        // a star day of week leaves the day of month alone
        assertThat(next("0 0 31 * *", "2026-11-01T00:00:00")).isEqualTo("2026-12-31T00:00");
        assertThat(next("0 0 29 2 *", "2026-03-01T00:00:00")).isEqualTo("2028-02-29T00:00");
    }

    @Test
    void macros() {
        assertThat(next("@hourly", "2026-12-07T10:15:00")).isEqualTo("2026-12-07T11:00");
        assertThat(next("@daily", "2026-12-07T10:15:00")).isEqualTo("2026-12-08T00:00");
        assertThat(CronSchedule.parse("  */5   *  * * *  ").toString()).isEqualTo("*/5 * * * *");
    }

    @Test
    void everyBadFieldIsReportedAtOnceWithItsRange() {
        PgBridgeException e = catchThrowableOfType(PgBridgeException.class, () -> CronSchedule.parse("61 24 0 13 x"));
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIG);
        assertThat(e.getMessage()).contains("minute '61' is outside 0-59", "hour '24' is outside 0-23",
                "day of month '0' is outside 1-31", "month '13' is outside 1-12", "day of week 'x' is not a number");
        assertThat(catchThrowableOfType(PgBridgeException.class, () -> CronSchedule.parse("* * * *")).getMessage())
                .contains("has 4 fields; a cron schedule has 5");
        assertThat(catchThrowableOfType(PgBridgeException.class, () -> CronSchedule.parse("*/0 * * * *")).getMessage())
                .contains("minute step '0' is not a positive number");
        assertThat(catchThrowableOfType(PgBridgeException.class, () -> CronSchedule.parse("5-1 * * * *")).getMessage())
                .contains("minute '5-1' is outside 0-59");
        assertThat(catchThrowableOfType(PgBridgeException.class, () -> CronSchedule.parse("0 0 31 2 *")).getMessage())
                .contains("never fires");
    }

    @Test
    void matchesTheMinuteItFiresIn() {
        CronSchedule s = CronSchedule.parse("30 2 * * 1-5");
        assertThat(s.matches(LocalDateTime.parse("2026-12-07T02:30:59"))).isTrue();
        assertThat(s.matches(LocalDateTime.parse("2026-12-06T02:30:00"))).isFalse(); // a Sunday
    }

    @Test
    void dueOnceTheScheduleFiredSinceTheLastRun() {
        CronSchedule everyMinute = CronSchedule.parse("* * * * *");
        Instant lastRun = at("2026-12-07T10:15:00.300");
        assertThat(everyMinute.due(lastRun, at("2026-12-07T10:15:59.999"))).isFalse();
        assertThat(everyMinute.due(lastRun, at("2026-12-07T10:16:00"))).isTrue();
        CronSchedule nightly = CronSchedule.parse("0 2 * * *");
        Instant registered = at("2026-12-07T10:00:00");
        assertThat(nightly.due(registered, at("2026-12-08T01:59:59"))).isFalse();
        assertThat(nightly.due(registered, at("2026-12-08T02:00:00"))).isTrue();
        // three nights missed while the server was down: one run when it is back, then the schedule again
        assertThat(nightly.due(registered, at("2026-12-11T09:00:00"))).isTrue();
        assertThat(nightly.due(at("2026-12-11T09:00:01"), at("2026-12-11T23:00:00"))).isFalse();
    }
}
