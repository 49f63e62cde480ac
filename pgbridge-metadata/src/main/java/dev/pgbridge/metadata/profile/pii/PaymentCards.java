package dev.pgbridge.metadata.profile.pii;

/**
 * Payment card numbers (PAN): 12–19 digits whose issuer prefix (IIN) and length belong to a card network, with a valid
 * Luhn check digit. Digits may be grouped by single spaces or dashes ({@code 4111 1111 1111 1111},
 * {@code 3782-822463-10005}).
 */
final class PaymentCards {
    private PaymentCards() {
    }

    /** One card network's prefix range (inclusive, compared on the first {@code digits} digits) and allowed lengths. */
    private record Range(String network, int digits, int from, int to, int minLength, int maxLength) {
        boolean covers(String pan) {
            if (pan.length() < minLength || pan.length() > maxLength) {
                return false;
            }
            int prefix = Integer.parseInt(pan.substring(0, digits));
            return prefix >= from && prefix <= to;
        }
    }

    // Issuer prefix ranges as the networks publish them (Visa, Mastercard incl. the 2-series, American Express,
    // Discover incl. China UnionPay co-branded, JCB, Diners Club, UnionPay, Maestro). Lengths per network.
    private static final Range[] RANGES = {
            new Range("Visa", 1, 4, 4, 13, 19),
            new Range("Mastercard", 2, 51, 55, 16, 16),
            new Range("Mastercard", 4, 2221, 2720, 16, 16),
            new Range("American Express", 2, 34, 34, 15, 15),
            new Range("American Express", 2, 37, 37, 15, 15),
            new Range("Discover", 4, 6011, 6011, 16, 19),
            new Range("Discover", 3, 644, 649, 16, 19),
            new Range("Discover", 2, 65, 65, 16, 19),
            new Range("Discover", 6, 622126, 622925, 16, 19),
            new Range("JCB", 4, 3528, 3589, 16, 19),
            new Range("Diners Club", 3, 300, 305, 14, 19),
            new Range("Diners Club", 2, 36, 36, 14, 19),
            new Range("Diners Club", 2, 38, 39, 16, 19),
            new Range("UnionPay", 2, 62, 62, 16, 19),
            new Range("Maestro", 4, 5018, 5018, 12, 19),
            new Range("Maestro", 4, 5020, 5020, 12, 19),
            new Range("Maestro", 4, 5038, 5038, 12, 19),
            new Range("Maestro", 4, 5893, 5893, 12, 19),
            new Range("Maestro", 4, 6304, 6304, 12, 19),
            new Range("Maestro", 4, 6759, 6759, 12, 19),
            new Range("Maestro", 4, 6761, 6763, 12, 19),
    };

    /** Whether {@code value} is a card number of a known network with a valid check digit. */
    static boolean isCardNumber(String value) {
        String pan = digitsOf(value);
        return pan != null && network(pan) != null && luhnValid(pan);
    }

    /** The network whose IIN range and length cover {@code pan} (digits only), or null. */
    static String network(String pan) {
        for (Range range : RANGES) {
            if (range.covers(pan)) {
                return range.network();
            }
        }
        return null;
    }

    /** The Luhn (mod 10) check over a string of digits: every second digit from the right doubled. */
    static boolean luhnValid(String digits) {
        if (digits.isEmpty()) {
            return false;
        }
        int sum = 0;
        boolean doubled = false;
        for (int i = digits.length() - 1; i >= 0; i--) {
            int d = digits.charAt(i) - '0';
            if (d < 0 || d > 9) {
                return false;
            }
            if (doubled) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            doubled = !doubled;
        }
        return sum % 10 == 0;
    }

    /**
     * The digits of a card-shaped value (12–19 digits, groups separated by one space or one dash, one separator kind),
     * or null when the value is not shaped like a card number.
     */
    private static String digitsOf(String value) {
        int n = value.length();
        if (n < 12 || n > 23) {
            return null;
        }
        StringBuilder digits = new StringBuilder(19);
        char separator = 0;
        char previous = 0;
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (c >= '0' && c <= '9') {
                digits.append(c);
            } else if (c == ' ' || c == '-') {
                if (i == 0 || i == n - 1 || previous == ' ' || previous == '-'
                        || (separator != 0 && separator != c)) {
                    return null;
                }
                separator = c;
            } else {
                return null;
            }
            previous = c;
        }
        return digits.length() >= 12 && digits.length() <= 19 ? digits.toString() : null;
    }
}
