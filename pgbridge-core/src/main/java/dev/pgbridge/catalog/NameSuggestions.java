package dev.pgbridge.catalog;

import dev.pgbridge.error.Suggestions;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import static java.util.Objects.requireNonNull;

/**
 * "Did you mean …?": the catalog names closest to what was typed. A name that differs only in case comes first (the
 * usual mistake: {@code Sales.Orders} folds to lower case, the table is {@code "Sales"."Orders"}), then names within a
 * small edit distance ({@link Suggestions#distance}), nearest first; among equally near names, the one nearer to the case as typed comes first.
 */
final class NameSuggestions {
    /** How many names a hint offers at most. */
    static final int MAX_SUGGESTIONS = 3;

    /**
     * One name that could be meant.
     *
     * @param key     what is compared with the typed text (case is ignored)
     * @param display how to write it, ready to be typed back (quoted where PostgreSQL needs it)
     * @param order   tie-breaker among equally close names: lower first (e.g. visible on the search_path)
     */
    record Candidate(String key, String display, int order) {
        Candidate {
            requireNonNull(key, "key is null");
            requireNonNull(display, "display is null");
        }
    }

    /** {@code distance} ignores case; {@code exactDistance} does not and breaks ties (the case typed is a clue). */
    private record Scored(Candidate candidate, int distance, int exactDistance) {
    }

    private NameSuggestions() {
    }

    /** The displays of the closest candidates to {@code typed}, best first, without duplicates. */
    static List<String> closest(String typed, List<Candidate> candidates) {
        String target = fold(typed);
        int limit = Suggestions.limit(target);
        List<Scored> scored = new ArrayList<>();
        for (Candidate candidate : candidates) {
            String key = fold(candidate.key());
            if (Math.abs(key.length() - target.length()) > limit) {
                continue;
            }
            int distance = Suggestions.distance(target, key, limit);
            if (distance <= limit) {
                scored.add(new Scored(candidate, distance, Suggestions.distance(typed, candidate.key(), Integer.MAX_VALUE - 1)));
            }
        }
        scored.sort(Comparator.comparingInt(Scored::distance)
                .thenComparingInt(Scored::exactDistance)
                .thenComparingInt(s -> s.candidate().order())
                .thenComparing(s -> s.candidate().display()));
        List<String> out = new ArrayList<>();
        for (Scored s : scored) {
            if (!out.contains(s.candidate().display())) {
                out.add(s.candidate().display());
            }
            if (out.size() == MAX_SUGGESTIONS) {
                break;
            }
        }
        return out;
    }

    /** {@code did you mean a, b or c?} plus how to keep the case of a quoted name; {@code fallback} when none. */
    static String hint(List<String> suggestions, String fallback) {
        if (suggestions.isEmpty()) {
            return fallback;
        }
        StringBuilder sb = new StringBuilder(Suggestions.didYouMean(suggestions));
        for (String s : suggestions) {
            if (s.indexOf('"') >= 0) {
                sb.append(" (double quotes keep the case of a name; in a shell, put the whole name in single quotes: '")
                        .append(s.replace("'", "'\\''")).append("')");
                break;
            }
        }
        return sb.toString();
    }

    private static String fold(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
