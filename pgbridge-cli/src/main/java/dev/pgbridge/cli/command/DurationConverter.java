package dev.pgbridge.cli.command;

import picocli.CommandLine;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as written on the command line: a number with a unit — {@code 500ms}, {@code 30s}, {@code 5m},
 * {@code 1h}, {@code 30d} — or several ({@code 1m30s}); a bare number is seconds. Must be positive.
 */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    private static final Pattern PART = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");
    private static final Pattern BARE = Pattern.compile("\\d{1,9}");

    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    public static Duration parse(String value) {
        String text = value == null ? "" : value.strip();
        Duration total;
        if (BARE.matcher(text).matches()) {
            total = Duration.ofSeconds(Long.parseLong(text));
        }
        else {
            total = Duration.ZERO;
            Matcher m = PART.matcher(text);
            int at = 0;
            while (at < text.length()) {
                if (!m.find(at) || m.start() != at) {
                    throw invalid(value);
                }
                long n = Long.parseLong(m.group(1));
                total = total.plus(switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "d" -> Duration.ofDays(n);
                    default -> Duration.ofHours(n);
                });
                at = m.end();
            }
            if (text.isEmpty()) {
                throw invalid(value);
            }
        }
        if (total.isZero()) {
            throw new CommandLine.TypeConversionException("the duration must be more than zero: '" + value + "'");
        }
        return total;
    }

    private static CommandLine.TypeConversionException invalid(String value) {
        return new CommandLine.TypeConversionException("invalid duration '" + value
                + "': write a number with a unit, e.g. 500ms, 30s, 5m, 1h, 30d or 1m30s (a bare number is seconds)");
    }
}
