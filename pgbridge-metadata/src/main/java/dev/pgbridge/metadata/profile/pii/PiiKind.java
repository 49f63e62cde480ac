package dev.pgbridge.metadata.profile.pii;

/**
 * What a column was recognized to hold, with the PII tag OpenMetadata gives that kind. The names follow OpenMetadata's
 * {@code PIITag} (Presidio's entity names) where one exists. The split into {@code PII.Sensitive} and
 * {@code PII.NonSensitive} is OpenMetadata's ({@code get_pii_sensitivity} / {@code NEREntity} and its column-name
 * scanner): dates (of birth), nationality/gender (NRP), locations and phone numbers are NonSensitive; IP addresses,
 * e-mail addresses, cards, bank numbers, national ids, passports, driver licenses, passwords and persons are Sensitive.
 * The declaration order breaks ties between kinds of equal confidence.
 */
public enum PiiKind {
    EMAIL_ADDRESS(true),
    CREDIT_CARD(true),
    IBAN_CODE(true),
    US_SSN(true),
    UK_NINO(true),
    DE_TAX_ID(true),
    NL_BSN(true),
    FR_NIR(true),
    /** A national identity or tax number recognized by the column's name only (no checksum for its country). */
    NATIONAL_ID(true),
    PASSPORT(true),
    DRIVER_LICENSE(true),
    US_BANK_NUMBER(true),
    PASSWORD(true),
    IP_ADDRESS(true),
    PERSON(true),
    PHONE_NUMBER(false),
    BIRTH_DATE(false),
    LOCATION(false),
    /** Nationality, religious or political group, gender (Presidio's NRP). */
    NRP(false);

    private final boolean sensitive;

    PiiKind(boolean sensitive) {
        this.sensitive = sensitive;
    }

    /** {@link PiiTag#SENSITIVE} or {@link PiiTag#NON_SENSITIVE}, as OpenMetadata tags this kind. */
    public String tag() {
        return sensitive ? PiiTag.SENSITIVE : PiiTag.NON_SENSITIVE;
    }

    public boolean sensitive() {
        return sensitive;
    }

    /** True for the national ids whose values are checked by their own checksum or ranges. */
    boolean nationalId() {
        return switch (this) {
            case US_SSN, UK_NINO, DE_TAX_ID, NL_BSN, FR_NIR, NATIONAL_ID -> true;
            default -> false;
        };
    }
}
