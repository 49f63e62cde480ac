package dev.pgbridge.metadata.profile.pii;

import dev.pgbridge.metadata.profile.pii.ColumnNames.Strength;

import java.time.LocalDate;

/**
 * The content recognizer of each kind, and how the column name's hint loosens it: a phone column may hold bare
 * digits, an {@code ssn} column nine digits without dashes, a {@code first_name} column any name-shaped word, a
 * {@code customer_name} column names with a listed given name or surname, a {@code dob} column any plausible date.
 */
final class Recognizers {
    private Recognizers() {
    }

    /** No recognized value is longer (an e-mail address is at most 254 characters; display name aside). */
    static final int LONGEST_VALUE = 340;

    /** Whether the kind's values can be checked at all (address, gender, passport, … are known by name only). */
    static boolean hasRecognizer(PiiKind kind) {
        return switch (kind) {
            case EMAIL_ADDRESS, CREDIT_CARD, IBAN_CODE, US_SSN, UK_NINO, DE_TAX_ID, NL_BSN, FR_NIR, IP_ADDRESS,
                 PERSON, PHONE_NUMBER, BIRTH_DATE -> true;
            default -> false;
        };
    }

    /** Whether the content alone, with no hint from the name, may tag the kind (a date alone never says birth). */
    static boolean byContentAlone(PiiKind kind) {
        return hasRecognizer(kind) && kind != PiiKind.BIRTH_DATE;
    }

    /**
     * Whether {@code value} (stripped, not blank) is of {@code kind}; {@code hint} is the strength of the name's hint
     * for that kind, null without one.
     */
    static boolean matches(PiiKind kind, String value, Strength hint, LocalDate today) {
        if (value.length() > LONGEST_VALUE) {
            return false;
        }
        return switch (kind) {
            case EMAIL_ADDRESS -> ContactValues.isEmail(value);
            case CREDIT_CARD -> PaymentCards.isCardNumber(value);
            case IBAN_CODE -> Iban.isIban(value);
            case US_SSN -> NationalIds.isUsSsn(value, hint == Strength.STRONG);
            case UK_NINO -> NationalIds.isUkNino(value);
            case DE_TAX_ID -> NationalIds.isGermanTaxId(value);
            case NL_BSN -> NationalIds.isDutchBsn(value);
            case FR_NIR -> NationalIds.isFrenchNir(value);
            case IP_ADDRESS -> IpAddresses.isIpAddress(value);
            case PHONE_NUMBER -> hint == null ? ContactValues.isPhoneNumber(value) : ContactValues.isPhoneLike(value);
            case PERSON -> hint == null ? PersonNames.isFullName(value)
                    : hint == Strength.STRONG ? PersonNames.isNameShaped(value) : PersonNames.hasListedName(value);
            case BIRTH_DATE -> hint != null && BirthDates.isPlausibleBirthDate(value, today);
            default -> false;
        };
    }
}
