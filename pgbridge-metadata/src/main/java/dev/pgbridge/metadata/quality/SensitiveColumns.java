package dev.pgbridge.metadata.quality;

import dev.pgbridge.metadata.profile.pii.PiiClassifier;
import dev.pgbridge.metadata.profile.pii.PiiTag;

import java.util.List;

/** Which columns of a failing-row sample hold personal data, whose values are then masked. */
@FunctionalInterface
public interface SensitiveColumns {
    /** The PII classifier's answer: masked when it tags the column {@code PII.Sensitive}. */
    SensitiveColumns PII_CLASSIFIER = (column, type, samples) -> new PiiClassifier().classify(column, type, samples)
            .map(tag -> PiiTag.SENSITIVE.equals(tag.tag())).orElse(false);

    /** Masked when {@code tagged} holds the column (tagged {@code PII.Sensitive} in the local catalog) or when {@code
     * classification} says so. */
    static SensitiveColumns taggedOr(java.util.Set<String> tagged, SensitiveColumns classification) {
        java.util.Set<String> columns = java.util.Set.copyOf(tagged);
        return (column, type, samples) -> columns.contains(column) || classification.sensitive(column, type, samples);
    }

    /**
     * @param dataType PostgreSQL's type name
     * @param samples  the column's non-null values in the sample, as text
     */
    boolean sensitive(String column, String dataType, List<String> samples);
}
