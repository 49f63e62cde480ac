package dev.pgbridge.metadata.profile.pii;

import java.util.List;
import java.util.Optional;

/** Tells whether a column holds personal data (placeholder until the classifier lands: it recognizes nothing). */
public final class PiiClassifier {
    /**
     * @param columnName the column's name as in the table
     * @param dataType   PostgreSQL's type name ({@code text}, {@code character varying(80)}, {@code inet}, …)
     * @param samples    sampled non-null values as text (may be empty)
     * @return the tag with its confidence; empty when nothing personal was recognized
     */
    public Optional<PiiTag> classify(String columnName, String dataType, List<String> samples) {
        return Optional.empty();
    }
}
