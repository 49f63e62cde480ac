package dev.pgbridge.metadata.profile.pii;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Column names: words split at separators and camelCase humps, phrases matched on whole words only. */
class ColumnNamesTest {
    @Test
    void wordsOfSnakeCamelAndQuotedNames() {
        assertThat(ColumnNames.words("customer_email")).containsExactly("customer", "email");
        assertThat(ColumnNames.words("EmailAddress")).containsExactly("email", "address");
        assertThat(ColumnNames.words("IPAddress")).containsExactly("ip", "address");
        assertThat(ColumnNames.words("SSNNumber")).containsExactly("ssn", "number");
        assertThat(ColumnNames.words("user email")).containsExactly("user", "email");
        assertThat(ColumnNames.words("\"Date Of Birth\"")).containsExactly("date", "of", "birth");
        assertThat(ColumnNames.words("address_line1")).containsExactly("address", "line1");
        assertThat(ColumnNames.words("ipv4")).containsExactly("ipv4");
    }

    @ParameterizedTest
    @CsvSource({
            "email, EMAIL_ADDRESS", "e_mail, EMAIL_ADDRESS", "EMail, EMAIL_ADDRESS", "EmailAddress, EMAIL_ADDRESS",
            "user email, EMAIL_ADDRESS", "useremail, EMAIL_ADDRESS", "email_address, EMAIL_ADDRESS",
            "phone, PHONE_NUMBER", "mobile_phone, PHONE_NUMBER", "homePhone, PHONE_NUMBER",
            "ssn, US_SSN", "SocialSecurityNumber, US_SSN", "iban, IBAN_CODE", "card_number, CREDIT_CARD",
            "cc_num, CREDIT_CARD", "CreditCardNumber, CREDIT_CARD", "dob, BIRTH_DATE", "birth_date, BIRTH_DATE",
            "DateOfBirth, BIRTH_DATE", "dateofbirth, BIRTH_DATE", "first_name, PERSON", "lastName, PERSON",
            "FULLNAME, PERSON", "address, LOCATION", "address_line1, LOCATION", "zip, LOCATION",
            "zip_code, LOCATION", "postalCode, LOCATION", "passport, PASSPORT", "passport_no, PASSPORT",
            "ip_address, IP_ADDRESS", "ipv6, IP_ADDRESS", "client_ip, IP_ADDRESS", "gender, NRP",
            "password_hash, PASSWORD", "national_id, NATIONAL_ID", "bsn, NL_BSN"})
    void namesThatSpeakOfPersonalData(String column, PiiKind kind) {
        assertThat(ColumnNames.hints(column).byKind()).containsKey(kind);
    }

    @ParameterizedTest
    @ValueSource(strings = {"description", "zipped", "shipping_id", "tip_amount", "ship_date", "recipe",
            "mac_address", "hostname", "email_verified", "email_count", "is_email", "num_phones", "address_id",
            "phone_type", "card_type", "email_hash", "first_name_length", "voicemail", "product_name",
            "company_name", "file_name", "membership", "dobby", "passage", "cardinality", "sexton", "names_count",
            "ipsum", "zipper", "citycode_fk", "timezone", "state"})
    void namesThatDoNot(String column) {
        assertThat(ColumnNames.hints(column).byKind()).as(column).isEmpty();
    }

    @Test
    void theLongestPhraseWins() {
        assertThat(ColumnNames.hints("ip_address").byKind()).containsOnlyKeys(PiiKind.IP_ADDRESS);
        assertThat(ColumnNames.hints("email_address").byKind()).containsOnlyKeys(PiiKind.EMAIL_ADDRESS);
        assertThat(ColumnNames.hints("mac_address").byKind()).isEmpty();
    }

    @Test
    void weakHintsNeedTheContent() {
        assertThat(ColumnNames.hints("mobile").strength(PiiKind.PHONE_NUMBER)).isEqualTo(ColumnNames.Strength.WEAK);
        assertThat(ColumnNames.hints("name").strength(PiiKind.PERSON)).isEqualTo(ColumnNames.Strength.WEAK);
        assertThat(ColumnNames.hints("customer_name").score(PiiKind.PERSON)).isLessThan(80);
        assertThat(ColumnNames.hints("first_name").score(PiiKind.PERSON)).isGreaterThanOrEqualTo(80);
    }

    @Test
    void codeWordsForbidRecognitionByContentAlone() {
        assertThat(ColumnNames.hints("app_version").contentBlocked()).isTrue();
        assertThat(ColumnNames.hints("file_sha256").contentBlocked()).isTrue();
        assertThat(ColumnNames.hints("remote_host").contentBlocked()).isFalse();
    }
}
