package dev.pgbridge.error;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * "Did you mean …?": the one edit distance of pgbridge and the words within reach of what was typed. Every hint that
 * offers a nearer name (subcommands, options, connection ids, table names, config keys) is made here.
 */
public final class Suggestions {
    /** How many names a hint offers at most. */
    public static final int MAX_SUGGESTIONS = 3;

    private record Scored(String candidate, int distance, int exactDistance) {
    }

    private Suggestions() {
    }

    /**
     * How far a name may be from {@code typed} and still be offered: one edit for short words, up to three for long
     * ones (a third of the length).
     */
    public static int limit(String typed) {
        return Math.max(1, Math.min(3, typed.length() / 3));
    }

    /**
     * The candidates nearest to {@code typed}, ignoring case (ties broken by the distance with case, then
     * alphabetically), at most {@link #MAX_SUGGESTIONS}, without duplicates. A candidate that starts with what was
     * typed (three characters at least) counts as near.
     */
    public static List<String> closest(String typed, Collection<String> candidates) {
        String target = typed.toLowerCase(Locale.ROOT);
        int limit = limit(target);
        List<Scored> scored = new ArrayList<>();
        for (String candidate : candidates) {
            String key = candidate.toLowerCase(Locale.ROOT);
            int d = distance(target, key, limit);
            if (d > limit && target.length() >= 3 && key.startsWith(target)) {
                d = limit;
            }
            if (d <= limit) {
                scored.add(new Scored(candidate, d, distance(typed, candidate, Integer.MAX_VALUE - 1)));
            }
        }
        scored.sort(Comparator.comparingInt(Scored::distance).thenComparingInt(Scored::exactDistance)
                .thenComparing(Scored::candidate));
        List<String> out = new ArrayList<>();
        for (Scored s : scored) {
            if (!out.contains(s.candidate())) {
                out.add(s.candidate());
            }
            if (out.size() == MAX_SUGGESTIONS) {
                break;
            }
        }
        return out;
    }

    /** {@code did you mean a, b or c?}; null when there is nothing to offer. */
    public static String didYouMean(List<String> suggestions) {
        if (suggestions.isEmpty()) {
            return null;
        }
        StringBuilder sb = new StringBuilder("did you mean ");
        for (int i = 0; i < suggestions.size(); i++) {
            if (i > 0) {
                sb.append(i == suggestions.size() - 1 ? " or " : ", ");
            }
            sb.append(suggestions.get(i));
        }
        return sb.append('?').toString();
    }

    /** {@link #didYouMean} of the {@link #closest} candidates; null when none is near. */
    public static String didYouMean(String typed, Collection<String> candidates) {
        return didYouMean(closest(typed, candidates));
    }

    /**
     * Edit distance with adjacent transpositions (optimal string alignment: {@code dri} is one edit from {@code dir}),
     * or {@code limit + 1} as soon as it must exceed {@code limit}.
     */
    public static int distance(String a, String b, int limit) {
        if (Math.abs(a.length() - b.length()) > limit) {
            return limit + 1;
        }
        int[] beforePrevious = new int[b.length() + 1];
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            int rowMin = current[0];
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                int d = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d = Math.min(d, beforePrevious[j - 2] + 1);
                }
                current[j] = d;
                rowMin = Math.min(rowMin, d);
            }
            if (rowMin > limit) {
                return limit + 1;
            }
            int[] swap = beforePrevious;
            beforePrevious = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
