package dev.pgbridge.metadata.profile.pii;

import dev.pgbridge.metadata.profile.pii.ColumnNames.Hints;
import dev.pgbridge.metadata.profile.pii.ColumnNames.Strength;

import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Tells whether a column holds personal data, from its name and from sampled values, the way OpenMetadata's PII
 * processor tags columns {@code PII.Sensitive} or {@code PII.NonSensitive} (see {@link PiiKind} for the split).
 *
 * <p>For each kind the column's name gives a score ({@link ColumnNames}: 90 for {@code email}, 55 for {@code mobile},
 * 0 when the name says nothing) and the sampled values give one: the share of non-blank values its recognizer accepts
 * (an e-mail address, a Luhn-valid card number with a real issuer prefix, an IBAN with its mod-97 check, …), scaled so
 * that 90&nbsp;% of the values or more count fully and fewer than 30&nbsp;% count nothing (a few stray matches never
 * tag), and discounted for small samples ({@code n/(n+1)}). The two are combined as independent evidence,
 * {@code 100 − (100 − name)(100 − content)/100}. When the name speaks of a kind but five or more sampled values are
 * there and fewer than 10&nbsp;% of them fit, the name's score is halved: the values contradict it (hashed or masked
 * e-mails). Kinds recognized by the name only (address, gender, passport, …) keep the name's score. The kind with the
 * highest confidence wins; confidences under 50 are not reported. The caller compares the confidence with the
 * workflow's {@code confidence} (OpenMetadata's default 80).
 *
 * <p>Thread-safe and stateless apart from the clock that bounds dates of birth.
 */
public final class PiiClassifier {
    /** Confidences under this are not reported at all. */
    static final double REPORTED = 50;
    /** Below this share of matching values the content says nothing. */
    static final double NOISE_SHARE = 0.3;
    /** From this share of matching values the content counts fully. */
    static final double FULL_SHARE = 0.9;
    /** With at least this many sampled values, a name the values contradict loses half its score. */
    static final int CONTRADICTING_VALUES = 5;
    static final double CONTRADICTING_SHARE = 0.1;
    /** A generic national-id name lends the checksum-validated national ids this much. */
    static final int GENERIC_NATIONAL_ID_HINT = 60;

    // Placeholders people store instead of NULL; skipped like blanks.
    private static final Set<String> PLACEHOLDERS = Set.of(
            "null", "none", "n/a", "na", "-", "--", "?", "unknown", "not available", "nil", "undefined", "tbd");

    private final Clock clock;

    public PiiClassifier() {
        this(Clock.systemUTC());
    }

    PiiClassifier(Clock clock) {
        this.clock = requireNonNull(clock, "clock is null");
    }

    /**
     * @param columnName the column's name as in the table (any case, quoted names unquoted or not)
     * @param dataType   PostgreSQL's type name ({@code text}, {@code character varying(80)}, {@code inet}, …); null
     *                   is read as text
     * @param samples    sampled values as text (nulls and blanks are skipped; may be empty)
     * @return the tag with its kind and confidence (50–100); empty when nothing personal was recognized
     */
    public Optional<PiiTag> classify(String columnName, String dataType, List<String> samples) {
        ValueType type = ValueType.of(dataType);
        Hints hints = columnName == null ? Hints.NONE : ColumnNames.hints(columnName);
        if (type == ValueType.NONE) {
            if (!ValueType.container(dataType)) {
                return Optional.empty();
            }
            // bytea, json, xml, arrays: their values are not read, but a column named like personal data (an
            // emails text[], a contact jsonb) is tagged by its name alone
            PiiKind byName = null;
            int score = 0;
            for (PiiKind kind : PiiKind.values()) {
                if (hints.score(kind) > score) {
                    byName = kind;
                    score = hints.score(kind);
                }
            }
            return byName == null || score < REPORTED ? Optional.empty()
                    : Optional.of(new PiiTag(byName.tag(), byName.name(), score));
        }
        List<String> values = present(samples);
        LocalDate today = LocalDate.now(clock);
        PiiKind best = null;
        double bestConfidence = 0;
        for (PiiKind kind : PiiKind.values()) {
            if (!type.allows(kind)) {
                continue;
            }
            double confidence = confidence(kind, type, hints, values, today);
            if (confidence > bestConfidence) {
                best = kind;
                bestConfidence = confidence;
            }
        }
        if (best == null || bestConfidence < REPORTED) {
            return Optional.empty();
        }
        return Optional.of(new PiiTag(best.tag(), best.name(), Math.round(bestConfidence)));
    }

    private static double confidence(PiiKind kind, ValueType type, Hints hints, List<String> values,
            LocalDate today) {
        int name = hints.score(kind);
        Strength strength = hints.strength(kind);
        if (kind.nationalId() && kind != PiiKind.NATIONAL_ID && name == 0
                && hints.score(PiiKind.NATIONAL_ID) > 0) {
            name = GENERIC_NATIONAL_ID_HINT;
            strength = Strength.WEAK;
        }
        if (kind == PiiKind.IP_ADDRESS && (type == ValueType.INET || type == ValueType.CIDR)) {
            name = Math.max(name, type == ValueType.INET ? 90 : 60);
            strength = Strength.STRONG;
        }
        if (!Recognizers.hasRecognizer(kind) || values.isEmpty()) {
            return name;
        }
        if (name == 0 && (hints.contentBlocked() || !Recognizers.byContentAlone(kind))) {
            return 0;
        }
        int matches = 0;
        for (String value : values) {
            if (Recognizers.matches(kind, value, strength, today)) {
                matches++;
            }
        }
        double content = contentScore(matches, values.size());
        if (name == 0) {
            return content;
        }
        double share = matches / (double) values.size();
        if (values.size() >= CONTRADICTING_VALUES && share < CONTRADICTING_SHARE) {
            return name / 2.0;
        }
        return 100 - (100 - name) * (100 - content) / 100;
    }

    /** 0 under 30 % matching values; full from 90 %; discounted for small samples by n/(n+1). */
    static double contentScore(int matches, int values) {
        if (values == 0) {
            return 0;
        }
        double share = matches / (double) values;
        if (share < NOISE_SHARE) {
            return 0;
        }
        return 100 * Math.min(1, share / FULL_SHARE) * values / (values + 1.0);
    }

    private static List<String> present(List<String> samples) {
        if (samples == null) {
            return List.of();
        }
        List<String> values = new ArrayList<>(samples.size());
        for (String sample : samples) {
            if (sample == null) {
                continue;
            }
            String v = sample.strip();
            if (v.isEmpty() || PLACEHOLDERS.contains(v.toLowerCase(Locale.ROOT))) {
                continue;
            }
            values.add(v);
        }
        return values;
    }
}
