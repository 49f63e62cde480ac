package dev.pgbridge.metadata.profile.pii;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * National identity and tax numbers that can be validated: by the ranges their issuer never assigns (US SSN, UK NINO)
 * or by their check digits (German tax id, Dutch BSN, French NIR).
 */
final class NationalIds {
    private NationalIds() {
    }

    private static final Pattern SSN_DASHED = Pattern.compile("(\\d{3})-(\\d{2})-(\\d{4})");
    private static final Pattern SSN_SPACED = Pattern.compile("(\\d{3}) (\\d{2}) (\\d{4})");
    private static final Pattern SSN_BARE = Pattern.compile("(\\d{3})(\\d{2})(\\d{4})");
    // Numbers the SSA lists as never valid: the Woolworth wallet card and the advertising samples.
    private static final Set<String> SSN_VOID = Set.of("078051120", "219099999", "123456789");

    /**
     * A US Social Security number written {@code 123-45-6789} or {@code 123 45 6789} (and, when {@code bare}, as nine
     * digits, or seven or eight read with their leading zeros): area 001–899 except 666, group 01–99, serial 0001–9999, not a published void number, not one digit
     * repeated.
     */
    static boolean isUsSsn(String value, boolean bare) {
        var m = SSN_DASHED.matcher(value);
        if (!m.matches()) {
            m = SSN_SPACED.matcher(value);
            if (!m.matches()) {
                if (!bare) {
                    return false;
                }
                // an integer column drops the leading zeros of areas 001-099
                String padded = value.length() >= 7 && value.length() < 9 ? "0".repeat(9 - value.length()) + value
                        : value;
                m = SSN_BARE.matcher(padded);
                if (!m.matches()) {
                    return false;
                }
            }
        }
        int area = Integer.parseInt(m.group(1));
        int group = Integer.parseInt(m.group(2));
        int serial = Integer.parseInt(m.group(3));
        if (area == 0 || area == 666 || area >= 900 || group == 0 || serial == 0) {
            return false;
        }
        String digits = m.group(1) + m.group(2) + m.group(3);
        return !SSN_VOID.contains(digits) && !oneDigitRepeated(digits);
    }

    private static final String NINO_FIRST = "ABCEGHJKLMNOPRSTWXYZ";   // not D F I Q U V
    private static final String NINO_SECOND = "ABCEGHJKLMNPRSTWXYZ";   // not D F I O Q U V
    private static final Set<String> NINO_VOID_PREFIXES = Set.of("BG", "GB", "KN", "NK", "NT", "TN", "ZZ");

    /**
     * A UK National Insurance number: two prefix letters (first not D, F, I, Q, U, V; second not D, F, I, O, Q, U, V;
     * not BG, GB, KN, NK, NT, TN, ZZ), six digits, suffix A–D; spaces between the pairs allowed ({@code QQ 12 34 56 C}
     * is void through its QQ prefix).
     */
    static boolean isUkNino(String value) {
        String s = value.replace(" ", "").toUpperCase(Locale.ROOT);
        if (s.length() != 9 || value.length() > 13) {
            return false;
        }
        char first = s.charAt(0);
        char second = s.charAt(1);
        if (NINO_FIRST.indexOf(first) < 0 || NINO_SECOND.indexOf(second) < 0
                || NINO_VOID_PREFIXES.contains(s.substring(0, 2))) {
            return false;
        }
        for (int i = 2; i < 8; i++) {
            if (!isDigit(s.charAt(i))) {
                return false;
            }
        }
        char suffix = s.charAt(8);
        return suffix >= 'A' && suffix <= 'D';
    }

    /**
     * A German tax identification number (Steuerliche Identifikationsnummer): eleven digits, the first not 0; among the
     * first ten exactly one digit occurs twice or three times (three times not all adjacent), every other at most once;
     * the last is the ISO 7064 MOD 11,10 check digit. Spaced groups ({@code 86 095 742 719}) are allowed.
     */
    static boolean isGermanTaxId(String value) {
        String s = digitsWithSpaces(value, 11);
        if (s == null || s.charAt(0) == '0') {
            return false;
        }
        int[] counts = new int[10];
        for (int i = 0; i < 10; i++) {
            counts[s.charAt(i) - '0']++;
        }
        int repeated = -1;
        for (int d = 0; d < 10; d++) {
            if (counts[d] > 3) {
                return false;
            }
            if (counts[d] >= 2) {
                if (repeated >= 0) {
                    return false;
                }
                repeated = d;
            }
        }
        if (repeated < 0) {
            return false;
        }
        if (counts[repeated] == 3) {
            for (int i = 0; i + 2 < 10; i++) {
                int d = s.charAt(i) - '0';
                if (d == repeated && s.charAt(i + 1) - '0' == d && s.charAt(i + 2) - '0' == d) {
                    return false;
                }
            }
        }
        return germanTaxIdCheckDigit(s.substring(0, 10)) == s.charAt(10) - '0';
    }

    /** ISO 7064 MOD 11,10 over the first ten digits of a German tax id. */
    static int germanTaxIdCheckDigit(String tenDigits) {
        int product = 10;
        for (int i = 0; i < tenDigits.length(); i++) {
            int sum = (tenDigits.charAt(i) - '0' + product) % 10;
            if (sum == 0) {
                sum = 10;
            }
            product = (sum * 2) % 11;
        }
        int check = 11 - product;
        return check == 10 ? 0 : check;
    }

    /**
     * A Dutch citizen service number (BSN): nine digits (eight with the leading zero dropped) passing the 11-test
     * {@code 9·d1 + 8·d2 + … + 2·d8 − 1·d9 ≡ 0 (mod 11)}, not all zeros.
     */
    static boolean isDutchBsn(String value) {
        String s = value.length() == 8 ? "0" + value : value;
        if (s.length() != 9 || !allDigits(s) || s.equals("000000000")) {
            return false;
        }
        int sum = 0;
        for (int i = 0; i < 8; i++) {
            sum += (9 - i) * (s.charAt(i) - '0');
        }
        sum -= s.charAt(8) - '0';
        return sum % 11 == 0;
    }

    /**
     * A French social security number (NIR, numéro d'inscription au répertoire): sex 1/2 (3, 4, 7, 8 for provisional
     * numbers), year, month (01–12, or 20–42 and 50–99 where unknown), department (two digits or Corsica's 2A/2B),
     * commune, order, and the key {@code 97 − (first 13 digits mod 97)} with 2A read as 19 and 2B as 18. Spaces between
     * the groups allowed ({@code 2 55 08 14 168 025 38}).
     */
    static boolean isFrenchNir(String value) {
        String s = value.replace(" ", "").toUpperCase(Locale.ROOT);
        if (s.length() != 15 || value.length() > 21) {
            return false;
        }
        String department = s.substring(5, 7);
        String numeric;
        if (department.equals("2A")) {
            numeric = s.substring(0, 5) + "19" + s.substring(7);
        } else if (department.equals("2B")) {
            numeric = s.substring(0, 5) + "18" + s.substring(7);
        } else {
            numeric = s;
        }
        if (!allDigits(numeric)) {
            return false;
        }
        char sex = numeric.charAt(0);
        if ("123478".indexOf(sex) < 0) {
            return false;
        }
        int month = Integer.parseInt(numeric.substring(3, 5));
        if (!((month >= 1 && month <= 12) || (month >= 20 && month <= 42) || month >= 50)) {
            return false;
        }
        long body = Long.parseLong(numeric.substring(0, 13));
        int key = Integer.parseInt(numeric.substring(13));
        return key == 97 - (int) (body % 97);
    }

    private static String digitsWithSpaces(String value, int length) {
        if (value.length() > length + 4) {
            return null;
        }
        String s = value.replace(" ", "");
        return s.length() == length && allDigits(s) ? s : null;
    }

    static boolean allDigits(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean oneDigitRepeated(String digits) {
        for (int i = 1; i < digits.length(); i++) {
            if (digits.charAt(i) != digits.charAt(0)) {
                return false;
            }
        }
        return true;
    }
}
