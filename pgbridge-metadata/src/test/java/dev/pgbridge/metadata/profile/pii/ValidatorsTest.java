package dev.pgbridge.metadata.profile.pii;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.LocalDate;

import static org.assertj.core.api.Assertions.assertThat;

/** Each content recognizer on values known to be valid and on values that only look valid. */
class ValidatorsTest {
    @Test
    void luhnOnTheTextbookNumbers() {
        assertThat(PaymentCards.luhnValid("79927398713")).isTrue();
        assertThat(PaymentCards.luhnValid("79927398710")).isFalse();
        assertThat(PaymentCards.luhnValid("4111111111111111")).isTrue();
        assertThat(PaymentCards.luhnValid("4111111111111112")).isFalse();
        assertThat(PaymentCards.luhnValid("")).isFalse();
        assertThat(PaymentCards.luhnValid("12a4")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"4111111111111111", "4111 1111 1111 1111", "4111-1111-1111-1111", "378282246310005",
            "3782 822463 10005", "5555555555554444", "2223003122003222", "6011111111111117", "3530111333300000",
            "30569309025904", "4222222222222"})
    void cardNumbersOfKnownNetworksWithTheirCheckDigit(String value) {
        assertThat(PaymentCards.isCardNumber(value)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "4111111111111112",          // Luhn fails
            "9111111111111119",          // Luhn holds, no network starts with 9
            "341111111111111111",        // Amex prefix at 18 digits
            "5105105105105100000",       // Mastercard prefix at 19 digits
            "4111 1111-1111 1111",       // mixed separators
            "4111  1111 1111 1111",      // double space
            "79927398713",               // valid Luhn, too short
            "4111.1111.1111.1111"})      // dots are not card grouping
    void cardLookalikes(String value) {
        assertThat(PaymentCards.isCardNumber(value)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"DE89370400440532013000", "DE89 3704 0044 0532 0130 00", "GB82WEST12345698765432",
            "NL91ABNA0417164300", "FR1420041010050500013M02606", "gb82 west 1234 5698 7654 32"})
    void ibansWithTheirCountryLengthAndMod97(String value) {
        assertThat(Iban.isIban(value)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "DE89370400440532013001",    // one digit off: mod 97 is not 1
            "DE8937040044053201300",     // a digit short for Germany
            "XX89370400440532013000",    // no such country
            "DE8937040044053201300A",    // a letter where Germany has digits only: still checked by mod 97
            "1234567890123456"})
    void ibanLookalikes(String value) {
        assertThat(Iban.isIban(value)).isFalse();
    }

    @Test
    void mod97OfAValidIbanIsOne() {
        assertThat(Iban.mod97("GB82WEST12345698765432")).isEqualTo(1);
        assertThat(Iban.mod97("GB83WEST12345698765432")).isNotEqualTo(1);
    }

    @Test
    void ssnRangesTheSsaNeverAssigns() {
        assertThat(NationalIds.isUsSsn("536-90-4399", false)).isTrue();
        assertThat(NationalIds.isUsSsn("536 90 4399", false)).isTrue();
        assertThat(NationalIds.isUsSsn("899-99-9999", false)).isTrue();
        assertThat(NationalIds.isUsSsn("000-12-3456", false)).as("area 000").isFalse();
        assertThat(NationalIds.isUsSsn("666-12-3456", false)).as("area 666").isFalse();
        assertThat(NationalIds.isUsSsn("900-12-3456", false)).as("area 9xx (ITIN)").isFalse();
        assertThat(NationalIds.isUsSsn("123-00-4567", false)).as("group 00").isFalse();
        assertThat(NationalIds.isUsSsn("123-45-0000", false)).as("serial 0000").isFalse();
        assertThat(NationalIds.isUsSsn("078-05-1120", false)).as("the Woolworth card").isFalse();
        assertThat(NationalIds.isUsSsn("123-45-6789", false)).as("advertising sample").isFalse();
        assertThat(NationalIds.isUsSsn("111-11-1111", false)).as("one digit repeated").isFalse();
        assertThat(NationalIds.isUsSsn("536904399", false)).as("bare digits without a hint").isFalse();
        assertThat(NationalIds.isUsSsn("536904399", true)).as("bare digits in an ssn column").isTrue();
        assertThat(NationalIds.isUsSsn("53-690-4399", true)).isFalse();
        assertThat(NationalIds.isUsSsn("12345670", true)).as("an integer column lost the leading zero of 012")
                .isTrue();
        assertThat(NationalIds.isUsSsn("12345670", false)).isFalse();
    }

    @Test
    void ninoPrefixesAndSuffix() {
        assertThat(NationalIds.isUkNino("AB123456C")).isTrue();
        assertThat(NationalIds.isUkNino("ab 12 34 56 c")).isTrue();
        assertThat(NationalIds.isUkNino("QQ123456C")).as("Q is never a first letter").isFalse();
        assertThat(NationalIds.isUkNino("AO123456C")).as("O is never a second letter").isFalse();
        assertThat(NationalIds.isUkNino("BG123456A")).as("void prefix BG").isFalse();
        assertThat(NationalIds.isUkNino("GB123456A")).as("void prefix GB").isFalse();
        assertThat(NationalIds.isUkNino("AB123456E")).as("suffix beyond D").isFalse();
        assertThat(NationalIds.isUkNino("AB12345C")).isFalse();
    }

    @Test
    void germanTaxIdCheckDigitAndDigitRule() {
        assertThat(NationalIds.germanTaxIdCheckDigit("8609574271")).isEqualTo(9);
        assertThat(NationalIds.isGermanTaxId("86095742719")).isTrue();
        assertThat(NationalIds.isGermanTaxId("86 095 742 719")).isTrue();
        assertThat(NationalIds.isGermanTaxId("86095742718")).as("wrong check digit").isFalse();
        assertThat(NationalIds.isGermanTaxId("06095742719")).as("leading zero").isFalse();
        // every digit once: no repeated digit, so not a tax id whatever the check digit
        String allDistinct = "1234567890";
        assertThat(NationalIds.isGermanTaxId(allDistinct + NationalIds.germanTaxIdCheckDigit(allDistinct)))
                .isFalse();
        // two digits repeated
        String twoRepeated = "1123456788";
        assertThat(NationalIds.isGermanTaxId(twoRepeated + NationalIds.germanTaxIdCheckDigit(twoRepeated)))
                .isFalse();
        // one digit three times, adjacent
        String threeAdjacent = "1112345678";
        assertThat(NationalIds.isGermanTaxId(threeAdjacent + NationalIds.germanTaxIdCheckDigit(threeAdjacent)))
                .isFalse();
        String threeApart = "1213145678";
        assertThat(NationalIds.isGermanTaxId(threeApart + NationalIds.germanTaxIdCheckDigit(threeApart)))
                .isTrue();
    }

    @Test
    void bsnElevenTest() {
        assertThat(NationalIds.isDutchBsn("111222333")).isTrue();
        assertThat(NationalIds.isDutchBsn("123456782")).isTrue();
        assertThat(NationalIds.isDutchBsn("123456789")).isFalse();
        assertThat(NationalIds.isDutchBsn("000000000")).isFalse();
        assertThat(NationalIds.isDutchBsn("11122233")).as("eight digits: 011122233 fails the test").isFalse();
        assertThat(NationalIds.isDutchBsn("10000008")).as("eight digits: 010000008 passes").isTrue();
        assertThat(NationalIds.isDutchBsn("1234567820")).isFalse();
    }

    @Test
    void nirKeyIncludingCorsica() {
        assertThat(NationalIds.isFrenchNir("255081416802538")).isTrue();
        assertThat(NationalIds.isFrenchNir("2 55 08 14 168 025 38")).isTrue();
        assertThat(NationalIds.isFrenchNir("255081416802539")).as("wrong key").isFalse();
        assertThat(NationalIds.isFrenchNir("184022A00412357")).as("Corsica 2A read as 19").isTrue();
        assertThat(NationalIds.isFrenchNir("184022B00412357")).as("2B is read as 18: another key").isFalse();
        assertThat(NationalIds.isFrenchNir("555081416802538")).as("sex digit 5").isFalse();
        assertThat(NationalIds.isFrenchNir("255131416802538")).as("month 13").isFalse();
    }

    @Test
    void emailAddresses() {
        assertThat(ContactValues.isEmail("ann.lee+news@mail.example.co.uk")).isTrue();
        assertThat(ContactValues.isEmail("Ann Lee <ann.lee@example.org>")).isTrue();
        assertThat(ContactValues.isEmail("ANN@EXAMPLE.ORG")).isTrue();
        assertThat(ContactValues.isEmail("ann@localhost")).as("no top-level domain").isFalse();
        assertThat(ContactValues.isEmail("ann..lee@example.org")).isFalse();
        assertThat(ContactValues.isEmail("@example.org")).isFalse();
        assertThat(ContactValues.isEmail("write to ann@example.org please")).as("inside text").isFalse();
        assertThat(ContactValues.isEmail("ann@example.123")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"+14155550123", "+44 20 7946 0958", "+1 (415) 555-0123", "0044 20 7946 0958",
            "(212) 555-0147", "212-555-0147", "212.555.0147", "1-212-555-0147", "020 7946 0958", "07700 900123",
            "030/1234567", "030 12345678", "(030) 1234567", "06-12345678", "01 23 45 67 89", "212-555-0147 x12",
            "+49 30 12345678 ext. 7"})
    void phoneNumbers(String value) {
        assertThat(ContactValues.isPhoneNumber(value)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"2125550147", "12345678901", "2024-03-01", "01.02.2024", "123-45-6789", "555-0147",
            "4111 1111 1111 1111", "ORD-2024-000123", "10.0.19041.1", "+0123456789", "(212) 155-0147", "1,234.56",
            "2024-03-01T12:00:00Z", "0.12345678", "INV/2024/00123"})
    void phoneLookalikes(String value) {
        assertThat(ContactValues.isPhoneNumber(value)).isFalse();
    }

    @Test
    void phoneLikeInAPhoneColumnAcceptsBareDigits() {
        assertThat(ContactValues.isPhoneLike("2125550147")).isTrue();
        assertThat(ContactValues.isPhoneLike("555 0147")).isTrue();
        assertThat(ContactValues.isPhoneLike("0000000000")).as("one digit repeated").isFalse();
        assertThat(ContactValues.isPhoneLike("12345")).as("too short").isFalse();
        assertThat(ContactValues.isPhoneLike("call me")).isFalse();
        assertThat(ContactValues.isPhoneLike("***-***-1234")).isFalse();
    }

    @Test
    void ipAddresses() {
        assertThat(IpAddresses.isIpAddress("203.0.113.7")).isTrue();
        assertThat(IpAddresses.isIpAddress("203.0.113.7/32")).isTrue();
        assertThat(IpAddresses.isIpAddress("2001:db8::1")).isTrue();
        assertThat(IpAddresses.isIpAddress("2001:0db8:85a3:0000:0000:8a2e:0370:7334")).isTrue();
        assertThat(IpAddresses.isIpAddress("::ffff:192.0.2.128")).isTrue();
        assertThat(IpAddresses.isIpAddress("fe80::1%eth0")).isTrue();
        assertThat(IpAddresses.isIpAddress("2001:db8::1/128")).isTrue();
        assertThat(IpAddresses.isIpAddress("10.0.0.0/8")).as("a network, not an address").isFalse();
        assertThat(IpAddresses.isIpAddress("256.1.1.1")).isFalse();
        assertThat(IpAddresses.isIpAddress("01.2.3.4")).as("leading zero").isFalse();
        assertThat(IpAddresses.isIpAddress("1.2.3")).isFalse();
        assertThat(IpAddresses.isIpAddress("2001:db8::1::2")).isFalse();
        assertThat(IpAddresses.isIpAddress("2001:db8:1:2:3:4:5:6:7")).isFalse();
        assertThat(IpAddresses.isIpAddress("12:30:45")).as("a time").isFalse();
        assertThat(IpAddresses.isIpAddress("dead:beef")).isFalse();
        assertThat(IpAddresses.isIpAddress("g001:db8::1")).isFalse();
    }

    @Test
    void birthDatesInThePlausibleRange() {
        LocalDate today = LocalDate.of(2026, 12, 7);
        assertThat(BirthDates.isPlausibleBirthDate("1984-03-12", today)).isTrue();
        assertThat(BirthDates.isPlausibleBirthDate("1984-03-12 00:00:00", today)).isTrue();
        assertThat(BirthDates.isPlausibleBirthDate("12.03.1984", today)).isTrue();
        assertThat(BirthDates.isPlausibleBirthDate("03/25/1984", today)).as("month first").isTrue();
        assertThat(BirthDates.isPlausibleBirthDate("19840312", today)).isTrue();
        assertThat(BirthDates.isPlausibleBirthDate("1899-12-31", today)).isFalse();
        assertThat(BirthDates.isPlausibleBirthDate("2027-01-01", today)).as("in the future").isFalse();
        assertThat(BirthDates.isPlausibleBirthDate("1984-02-30", today)).isFalse();
        assertThat(BirthDates.isPlausibleBirthDate("yesterday", today)).isFalse();
    }

    @Test
    void personNames() {
        assertThat(PersonNames.isFullName("Ann Lee")).isTrue();
        assertThat(PersonNames.isFullName("LEE, Ann")).isTrue();
        assertThat(PersonNames.isFullName("Daan van den Berg")).isTrue();
        assertThat(PersonNames.isFullName("Sean O'Brien")).isTrue();
        assertThat(PersonNames.isFullName("Jordan Sneakers")).as("surname not listed").isFalse();
        assertThat(PersonNames.isFullName("Grace Hopper Biography")).isFalse();
        assertThat(PersonNames.isFullName("Smith")).as("one word is not a full name").isFalse();
        assertThat(PersonNames.isFullName("ann lee")).as("not capitalized").isFalse();
        assertThat(PersonNames.isNameShaped("Xiomara")).isTrue();
        assertThat(PersonNames.isNameShaped("Castellanos-Ruiz")).isTrue();
        assertThat(PersonNames.isNameShaped("J. R. Tolkien")).isTrue();
        assertThat(PersonNames.isNameShaped("ann lee")).as("a name column may be lower-case").isTrue();
        assertThat(PersonNames.isNameShaped("Order 42")).isFalse();
        assertThat(PersonNames.isNameShaped("jdoe42")).isFalse();
        assertThat(PersonNames.isNameShaped("the quick brown fox jumps over")).isFalse();
        assertThat(PersonNames.hasListedName("Xiomara Smith")).isTrue();
        assertThat(PersonNames.hasListedName("Wireless Mouse")).isFalse();
    }
}
