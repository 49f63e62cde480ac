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

    /**
     * @param dataType PostgreSQL's type name
     * @param samples  the column's non-null values in the sample, as text
     */
    boolean sensitive(String column, String dataType, List<String> samples);
}
