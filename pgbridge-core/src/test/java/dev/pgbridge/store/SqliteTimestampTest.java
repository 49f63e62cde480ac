package dev.pgbridge.store;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The SQLite store's timestamp reader: what Instant.toString wrote reads back equal, anything else as Instant.parse. */
class SqliteTimestampTest {
    @Test
    void everyFormInstantToStringWritesReadsBackEqual() {
        for (Instant instant : List.of(Instant.parse("2026-12-07T02:50:01Z"), Instant.parse("2026-12-07T02:50:01.100Z"),
                Instant.parse("2026-12-07T02:50:01.123456Z"), Instant.parse("2026-12-07T02:50:01.123456789Z"),
                Instant.parse("1970-01-01T00:00:00Z"), Instant.parse("2024-02-29T23:59:59.999Z"), Instant.EPOCH.plusNanos(1))) {
            assertThat(SqliteBackend.parseInstant(instant.toString())).isEqualTo(instant);
        }
    }

    @Test
    void whatTheStoreWritesSortsAsTheTimeAndReadsBackEqual() {
        List<Instant> times = List.of(Instant.parse("2026-12-07T02:50:00.999Z"), Instant.parse("2026-12-07T02:50:01Z"),
                Instant.parse("2026-12-07T02:50:01.000000001Z"), Instant.parse("2026-12-07T02:50:01.5Z"),
                Instant.parse("2026-12-07T02:50:02Z"));
        List<String> written = times.stream().map(SqliteBackend::formatInstant).toList();
        assertThat(written).isSorted(); // max(updated_at) in SQL is the latest time
        for (int i = 0; i < times.size(); i++) {
            assertThat(SqliteBackend.parseInstant(written.get(i))).isEqualTo(times.get(i));
        }
    }

    @Test
    void otherFormsGoToTheIsoParser() {
        assertThat(SqliteBackend.parseInstant("2026-12-07T02:50:01+01:00")).isEqualTo(Instant.parse("2026-12-07T01:50:01Z"));
        assertThat(SqliteBackend.parseInstant("+12026-12-07T02:50:01Z")).isEqualTo(Instant.parse("+12026-12-07T02:50:01Z"));
        assertThatThrownBy(() -> SqliteBackend.parseInstant("2026-02-30T00:00:00Z")).isInstanceOf(DateTimeParseException.class);
        assertThatThrownBy(() -> SqliteBackend.parseInstant("2026-12-07T25:00:00Z")).isInstanceOf(DateTimeParseException.class);
        assertThatThrownBy(() -> SqliteBackend.parseInstant("2026-1x-07T02:50:01Z")).isInstanceOf(DateTimeParseException.class);
    }
}
