package dev.pgbridge.metadata.profile.pii;

import java.util.regex.Pattern;

/** E-mail addresses and telephone numbers written as people write them. */
final class ContactValues {
    private ContactValues() {
    }

    private static final String ATOM = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+";
    private static final String LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
    private static final Pattern EMAIL = Pattern.compile(
            ATOM + "(?:\\." + ATOM + ")*@(?:" + LABEL + "\\.)+[A-Za-z]{2,63}");
    private static final Pattern DISPLAY_NAME_EMAIL = Pattern.compile("[^<>@]{0,80}<([^<>\\s]+)>");

    /**
     * An e-mail address ({@code local@domain.tld}, dot-atoms, a letter top-level domain), alone or after a display
     * name ({@code Ann Lee <ann@example.org>}). The whole value must be the address: an address inside a sentence does
     * not count.
     */
    static boolean isEmail(String value) {
        if (value.length() > 254 + 82) {
            return false;
        }
        if (value.length() <= 254 && EMAIL.matcher(value).matches()) {
            return true;
        }
        var m = DISPLAY_NAME_EMAIL.matcher(value);
        return m.matches() && m.group(1).length() <= 254 && EMAIL.matcher(m.group(1)).matches();
    }

    private static final Pattern EXTENSION = Pattern.compile("(?i)\\s*(?:ext\\.?|x|#)\\s*\\d{1,6}$");
    private static final Pattern INTERNATIONAL = Pattern.compile("\\+[1-9][0-9 ().\\-]{6,22}[0-9]");
    private static final Pattern INTERNATIONAL_00 = Pattern.compile("00[1-9][0-9 .\\-]{6,22}[0-9]");
    // North American numbering plan: area code and exchange start with 2-9; separators or parentheses required.
    private static final Pattern NANP = Pattern.compile(
            "(?:1[ .\\-]?)?(?:\\([2-9]\\d{2}\\) ?|[2-9]\\d{2}[ .\\-])[2-9]\\d{2}[ .\\-]\\d{4}");
    // National numbers with a trunk prefix 0 (UK, DE, FR, NL, IT, …): the area/mobile prefix set off by a separator
    // or parentheses, then groups.
    private static final Pattern TRUNK_ZERO = Pattern.compile(
            "(?:\\(0\\d{1,4}\\) ?|0\\d{1,4}[ /.\\-])\\d{2,8}(?:[ .\\-]\\d{2,8}){0,4}");
    private static final Pattern LOOSE = Pattern.compile("\\+?[0-9 ().\\-]{7,24}");

    /**
     * A telephone number in a form that cannot be mistaken for another number: E.164 or international with {@code +}
     * or {@code 00} (8–15 digits), North American formatted ({@code (212) 555-0147}, {@code 212-555-0147}), or national
     * with a trunk 0 and separators ({@code 020 7946 0958}, {@code 030/1234567}, {@code 06-12345678}; 9–12 digits).
     * An extension ({@code x12}, {@code ext. 12}) may follow. A bare run of digits is not enough.
     */
    static boolean isPhoneNumber(String value) {
        if (value.isEmpty() || !(value.charAt(0) == '+' || value.charAt(0) == '(' || isDigit(value.charAt(0)))) {
            return false;
        }
        String v = withoutExtension(value);
        int digits = countDigits(v);
        if (INTERNATIONAL.matcher(v).matches()) {
            return digits >= 8 && digits <= 15 && balancedParentheses(v);
        }
        if (INTERNATIONAL_00.matcher(v).matches()) {
            return digits - 2 >= 8 && digits - 2 <= 15;
        }
        if (NANP.matcher(v).matches()) {
            return true;
        }
        return TRUNK_ZERO.matcher(v).matches() && digits >= 9 && digits <= 12;
    }

    /**
     * What a column named like a phone number may hold: any of {@link #isPhoneNumber} or 7–15 digits with only phone
     * punctuation, not a single digit repeated.
     */
    static boolean isPhoneLike(String value) {
        if (isPhoneNumber(value)) {
            return true;
        }
        String v = withoutExtension(value);
        if (!LOOSE.matcher(v).matches()) {
            return false;
        }
        int digits = countDigits(v);
        if (digits < 7 || digits > 15) {
            return false;
        }
        char first = 0;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c >= '0' && c <= '9') {
                if (first == 0) {
                    first = c;
                } else if (c != first) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String withoutExtension(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == 'x' || c == 'X' || c == '#' || c == 't' || c == 'T') {
                return EXTENSION.matcher(value).replaceFirst("");
            }
        }
        return value;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static int countDigits(String v) {
        int n = 0;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c >= '0' && c <= '9') {
                n++;
            }
        }
        return n;
    }

    private static boolean balancedParentheses(String v) {
        int depth = 0;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '(') {
                if (++depth > 1) {
                    return false;
                }
            } else if (c == ')') {
                if (--depth < 0) {
                    return false;
                }
            }
        }
        return depth == 0;
    }
}
