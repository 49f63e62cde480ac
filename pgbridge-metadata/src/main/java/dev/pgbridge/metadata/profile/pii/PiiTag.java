package dev.pgbridge.metadata.profile.pii;

import static java.util.Objects.requireNonNull;

/**
 * What the classifier says of one column.
 *
 * @param tag        {@code PII.Sensitive} or {@code PII.NonSensitive}
 * @param kind       what was recognized: a {@link PiiKind} name ({@code EMAIL_ADDRESS}, {@code CREDIT_CARD},
 *                   {@code PERSON}, …)
 * @param confidence 0–100, compared with the workflow's {@code confidence}
 */
public record PiiTag(String tag, String kind, double confidence) {
    public static final String SENSITIVE = "PII.Sensitive";
    public static final String NON_SENSITIVE = "PII.NonSensitive";
    /** What a masked value reads everywhere (sample data, failing rows, pages): OpenMetadata's mask. */
    public static final String MASK = "********";

    public PiiTag {
        requireNonNull(tag, "tag is null");
        requireNonNull(kind, "kind is null");
    }
}
