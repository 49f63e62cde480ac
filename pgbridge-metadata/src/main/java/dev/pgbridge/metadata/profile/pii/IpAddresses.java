package dev.pgbridge.metadata.profile.pii;

/**
 * IPv4 and IPv6 addresses as PostgreSQL's {@code inet} prints them (optionally with a {@code /prefix}), parsed by hand:
 * no name resolution ever happens.
 */
final class IpAddresses {
    private IpAddresses() {
    }

    /**
     * One host's IPv4 address ({@code 203.0.113.7}, no leading zeros) or IPv6 address, optionally with the full prefix
     * length ({@code /32}, {@code /128}); a shorter prefix names a network, not someone's address.
     */
    static boolean isIpAddress(String value) {
        String address = value;
        int max = value.indexOf(':') >= 0 ? 128 : 32;
        int slash = value.indexOf('/');
        if (slash >= 0) {
            String prefix = value.substring(slash + 1);
            if (prefix.isEmpty() || prefix.length() > 3 || !NationalIds.allDigits(prefix)
                    || Integer.parseInt(prefix) != max) {
                return false;
            }
            address = value.substring(0, slash);
        }
        return max == 32 ? isIpv4(address) : isIpv6(address);
    }

    static boolean isIpv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !NationalIds.allDigits(part)
                    || (part.length() > 1 && part.charAt(0) == '0') || Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    static boolean isIpv6(String value) {
        String s = value;
        int zone = s.indexOf('%');
        if (zone >= 0) {
            String id = s.substring(zone + 1);
            if (id.isEmpty() || !id.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '.' || c == '_')) {
                return false;
            }
            s = s.substring(0, zone);
        }
        int doubleColon = s.indexOf("::");
        if (doubleColon >= 0 && s.indexOf("::", doubleColon + 1) >= 0) {
            return false;
        }
        int groups = 0;
        String[] halves = doubleColon >= 0
                ? new String[] {s.substring(0, doubleColon), s.substring(doubleColon + 2)}
                : new String[] {s};
        for (int h = 0; h < halves.length; h++) {
            String half = halves[h];
            if (half.isEmpty()) {
                continue;
            }
            String[] parts = half.split(":", -1);
            for (int i = 0; i < parts.length; i++) {
                String part = parts[i];
                boolean last = h == halves.length - 1 && i == parts.length - 1;
                if (last && part.indexOf('.') >= 0) {
                    if (!isIpv4(part)) {
                        return false;
                    }
                    groups += 2;
                } else if (part.isEmpty() || part.length() > 4 || !isHex(part)) {
                    return false;
                } else {
                    groups++;
                }
            }
        }
        return doubleColon >= 0 ? groups <= 7 : groups == 8;
    }

    private static boolean isHex(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
                return false;
            }
        }
        return true;
    }
}
