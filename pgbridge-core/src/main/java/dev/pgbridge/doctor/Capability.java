package dev.pgbridge.doctor;

import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.error.Suggestions;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** What a connection is meant for; {@link Doctor} checks what each one needs. */
public enum Capability {
    /** Connect, use schemas, select from tables. */
    READ,
    /** Create tables in the target schema. */
    WRITE,
    /** Change data capture: logical decoding, a replication slot, a WAL sender. */
    CDC,
    /** Query usage statistics: pg_stat_statements and pg_read_all_stats. */
    USAGE;

    /** The lower-case name used on the command line ({@code read}, {@code cdc}, …). */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code read,write,cdc,usage} (any case, spaces allowed); every unknown name is reported at once. */
    public static Set<Capability> parse(String text) {
        Set<Capability> result = EnumSet.noneOf(Capability.class);
        List<String> unknown = new ArrayList<>();
        for (String part : (text == null ? "" : text).split(",")) {
            String name = part.trim();
            if (name.isEmpty()) {
                continue;
            }
            try {
                result.add(valueOf(name.toUpperCase(Locale.ROOT)));
            }
            catch (IllegalArgumentException e) {
                unknown.add("'" + name + "'");
            }
        }
        String allowed = Arrays.stream(values()).map(Capability::key).collect(Collectors.joining(", "));
        if (!unknown.isEmpty()) {
            List<String> keys = Arrays.stream(values()).map(Capability::key).toList();
            String near = Suggestions.didYouMean(unknown.get(0).replace("'", ""), keys);
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG,
                    "unknown capability " + String.join(", ", unknown) + "; allowed: " + allowed,
                    (near == null ? "" : near + " ") + "use --for with a comma-separated list, e.g. --for read,cdc");
        }
        if (result.isEmpty()) {
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "no capability given; allowed: " + allowed,
                    "use --for with a comma-separated list, e.g. --for read,cdc");
        }
        return result;
    }
}
