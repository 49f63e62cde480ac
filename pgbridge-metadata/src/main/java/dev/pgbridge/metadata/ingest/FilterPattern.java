package dev.pgbridge.metadata.ingest;

import java.util.List;
import java.util.regex.Pattern;

/**
 * OpenMetadata's {@code includes}/{@code excludes} filter with its semantics: a name is filtered out when includes are
 * given and none matches, or when any exclude matches (excludes win). A regex matches as Python's {@code re.match}
 * does: from the start of the name, not necessarily to its end ({@code sales} matches {@code sales_2024}; write
 * {@code ^sales$} for the one name); case-sensitive.
 */
public record FilterPattern(List<Pattern> includes, List<Pattern> excludes) {
    /** No filter: everything passes. */
    public static final FilterPattern NONE = new FilterPattern(List.of(), List.of());

    public FilterPattern {
        includes = List.copyOf(includes);
        excludes = List.copyOf(excludes);
    }

    /** Whether {@code name} is filtered out. */
    public boolean filters(String name) {
        if (!includes.isEmpty() && includes.stream().noneMatch(p -> p.matcher(name).lookingAt())) {
            return true;
        }
        return excludes.stream().anyMatch(p -> p.matcher(name).lookingAt());
    }
}
