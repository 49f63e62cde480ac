package dev.pgbridge.metadata.ingest;

import java.util.List;
import java.util.regex.Pattern;

/**
 * OpenMetadata's {@code includes}/{@code excludes} filter with its semantics: a name is filtered out when includes are
 * given and none matches, or when any exclude matches (excludes win). A regex matches as Python's {@code re.match}
 * does: from the start of the name, not necessarily to its end ({@code sales} matches {@code sales_2024}; write
 * {@code ^sales$} for the one name); and case-insensitively, as OpenMetadata matches ({@code re.IGNORECASE} in its
 * {@code filters.py}: {@code ^sales$} keeps {@code Sales}). One difference from OpenMetadata: there, when includes are
 * given the excludes are not looked at (includes take precedence); here an exclude still leaves out a name an include
 * kept.
 */
public record FilterPattern(List<Pattern> includes, List<Pattern> excludes) {
    /** No filter: everything passes. */
    public static final FilterPattern NONE = new FilterPattern(List.of(), List.of());

    public FilterPattern {
        includes = ignoringCase(includes);
        excludes = ignoringCase(excludes);
    }

    /** The patterns as given (already in Java's syntax), matching regardless of case, Unicode included as Python's. */
    private static List<Pattern> ignoringCase(List<Pattern> patterns) {
        return patterns.stream().map(p -> Pattern.compile(p.pattern(),
                p.flags() | Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE)).toList();
    }

    /** Whether {@code name} is filtered out. */
    public boolean filters(String name) {
        if (!includes.isEmpty() && includes.stream().noneMatch(p -> p.matcher(name).lookingAt())) {
            return true;
        }
        return excludes.stream().anyMatch(p -> p.matcher(name).lookingAt());
    }
}
