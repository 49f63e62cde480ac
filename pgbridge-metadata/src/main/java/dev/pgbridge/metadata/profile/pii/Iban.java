package dev.pgbridge.metadata.profile.pii;

import java.util.Locale;
import java.util.Map;

/**
 * International Bank Account Numbers (ISO 13616): country code, two check digits, the national account number (BBAN),
 * with the length the country registered and the ISO 7064 mod-97-10 check ({@code number mod 97 == 1}). Spaces between
 * groups are allowed ({@code DE89 3704 0044 0532 0130 00}).
 */
final class Iban {
    private Iban() {
    }

    // Total IBAN lengths from the SWIFT IBAN registry.
    private static final Map<String, Integer> LENGTHS = Map.ofEntries(
            Map.entry("AD", 24), Map.entry("AE", 23), Map.entry("AL", 28), Map.entry("AT", 20), Map.entry("AZ", 28),
            Map.entry("BA", 20), Map.entry("BE", 16), Map.entry("BG", 22), Map.entry("BH", 22), Map.entry("BR", 29),
            Map.entry("BY", 28), Map.entry("CH", 21), Map.entry("CR", 22), Map.entry("CY", 28), Map.entry("CZ", 24),
            Map.entry("DE", 22), Map.entry("DK", 18), Map.entry("DO", 28), Map.entry("EE", 20), Map.entry("EG", 29),
            Map.entry("ES", 24), Map.entry("FI", 18), Map.entry("FO", 18), Map.entry("FR", 27), Map.entry("GB", 22),
            Map.entry("GE", 22), Map.entry("GI", 23), Map.entry("GL", 18), Map.entry("GR", 27), Map.entry("GT", 28),
            Map.entry("HR", 21), Map.entry("HU", 28), Map.entry("IE", 22), Map.entry("IL", 23), Map.entry("IQ", 23),
            Map.entry("IS", 26), Map.entry("IT", 27), Map.entry("JO", 30), Map.entry("KW", 30), Map.entry("KZ", 20),
            Map.entry("LB", 28), Map.entry("LC", 32), Map.entry("LI", 21), Map.entry("LT", 20), Map.entry("LU", 20),
            Map.entry("LV", 21), Map.entry("MC", 27), Map.entry("MD", 24), Map.entry("ME", 22), Map.entry("MK", 19),
            Map.entry("MR", 27), Map.entry("MT", 31), Map.entry("MU", 30), Map.entry("NL", 18), Map.entry("NO", 15),
            Map.entry("PK", 24), Map.entry("PL", 28), Map.entry("PS", 29), Map.entry("PT", 25), Map.entry("QA", 29),
            Map.entry("RO", 24), Map.entry("RS", 22), Map.entry("SA", 24), Map.entry("SC", 31), Map.entry("SE", 24),
            Map.entry("SI", 19), Map.entry("SK", 24), Map.entry("SM", 27), Map.entry("ST", 25), Map.entry("SV", 28),
            Map.entry("TL", 23), Map.entry("TN", 24), Map.entry("TR", 26), Map.entry("UA", 29), Map.entry("VA", 22),
            Map.entry("VG", 24), Map.entry("XK", 20));

    /** Whether {@code value} is an IBAN of a registered country with its length and a valid mod-97 check. */
    static boolean isIban(String value) {
        String iban = compact(value);
        if (iban == null) {
            return false;
        }
        Integer length = LENGTHS.get(iban.substring(0, 2));
        return length != null && iban.length() == length && mod97(iban) == 1;
    }

    /**
     * ISO 7064 mod 97-10 of an IBAN: the first four characters moved to the end, letters as 10–35, the resulting
     * number taken modulo 97 (digit by digit, so no big numbers).
     */
    static int mod97(String iban) {
        String rearranged = iban.substring(4) + iban.substring(0, 4);
        int remainder = 0;
        for (int i = 0; i < rearranged.length(); i++) {
            char c = rearranged.charAt(i);
            if (c >= '0' && c <= '9') {
                remainder = (remainder * 10 + (c - '0')) % 97;
            } else {
                int v = c - 'A' + 10;
                remainder = (remainder * 100 + v) % 97;
            }
        }
        return remainder;
    }

    /** Upper-cased without the group spaces, or null when not IBAN-shaped (CC99 then 11–30 letters or digits). */
    private static String compact(String value) {
        if (value.length() < 15 || value.length() > 42) {
            return null;
        }
        String s = value.replace(" ", "").toUpperCase(Locale.ROOT);
        if (s.length() < 15 || s.length() > 34) {
            return null;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean letter = c >= 'A' && c <= 'Z';
            boolean digit = c >= '0' && c <= '9';
            if (i < 2 ? !letter : i < 4 ? !digit : !(letter || digit)) {
                return null;
            }
        }
        return s;
    }
}
