package dev.pgbridge.connection;

import java.text.Normalizer;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Python's {@code urllib.parse.urlsplit} and the attributes Airflow reads from its result ({@code username},
 * {@code password}, {@code hostname}, {@code port}), as CPython 3.11+ computes them, plus {@code parse_qsl} and
 * {@code urlencode}. Airflow's URI parsing is built on these, so its edge cases are these edge cases.
 *
 * <p>Errors are {@link UrlException}s whose messages describe the problem without quoting the URI.
 */
record PythonUrl(String scheme, String netloc, String path, String query, String fragment) {
    private static final Pattern IPV_FUTURE = Pattern.compile("v[a-fA-F0-9]+\\..+", Pattern.DOTALL);

    /** A URI that urlsplit (or a netloc attribute) rejects. */
    static final class UrlException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        private final boolean portProblem;

        UrlException(String message, boolean portProblem) {
            super(message);
            this.portProblem = portProblem;
        }

        boolean portProblem() {
            return portProblem;
        }
    }

    static PythonUrl split(String url) {
        int start = 0;
        while (start < url.length() && url.charAt(start) <= ' ') {
            start++;
        }
        url = url.substring(start).replace("\t", "").replace("\r", "").replace("\n", "");
        String scheme = "";
        String netloc = "";
        String query = "";
        String fragment = "";
        int colon = url.indexOf(':');
        if (colon > 0 && isAsciiLetter(url.charAt(0)) && isSchemeText(url.substring(0, colon))) {
            scheme = url.substring(0, colon).toLowerCase(Locale.ROOT);
            url = url.substring(colon + 1);
        }
        if (url.startsWith("//")) {
            int delim = url.length();
            for (char c : new char[] {'/', '?', '#'}) {
                int at = url.indexOf(c, 2);
                if (at >= 0) {
                    delim = Math.min(delim, at);
                }
            }
            netloc = url.substring(2, delim);
            url = url.substring(delim);
            boolean open = netloc.indexOf('[') >= 0;
            boolean close = netloc.indexOf(']') >= 0;
            if (open != close) {
                throw new UrlException("the host part has a '[' without ']' or a ']' without '[' (an IPv6 address is "
                        + "written [::1])", false);
            }
            if (open) {
                String afterOpen = netloc.substring(netloc.indexOf('[') + 1);
                int end = afterOpen.indexOf(']');
                checkBracketedHost(end < 0 ? afterOpen : afterOpen.substring(0, end));
            }
        }
        int hash = url.indexOf('#');
        if (hash >= 0) {
            fragment = url.substring(hash + 1);
            url = url.substring(0, hash);
        }
        int question = url.indexOf('?');
        if (question >= 0) {
            query = url.substring(question + 1);
            url = url.substring(0, question);
        }
        checkNetloc(netloc);
        return new PythonUrl(scheme, netloc, url, query, fragment);
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isSchemeText(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!(isAsciiLetter(c) || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.')) {
                return false;
            }
        }
        return true;
    }

    private static void checkBracketedHost(String host) {
        if (host.startsWith("v")) {
            if (!IPV_FUTURE.matcher(host).matches()) {
                throw new UrlException("the bracketed host is not a valid IPvFuture address", false);
            }
            return;
        }
        if (Ipv6.isIpv4(host)) {
            throw new UrlException("an IPv4 address cannot be in brackets", false);
        }
        if (!Ipv6.isIpv6WithOptionalZone(host)) {
            throw new UrlException("the bracketed host is not an IPv6 address", false);
        }
    }

    /** Characters such as U+2100 that NFKC-normalize into URL delimiters are refused, as CPython does. */
    private static void checkNetloc(String netloc) {
        if (netloc.isEmpty() || netloc.chars().allMatch(c -> c < 128)) {
            return;
        }
        String n = netloc.replace("@", "").replace(":", "").replace("#", "").replace("?", "");
        String normalized = Normalizer.normalize(n, Normalizer.Form.NFKC);
        if (n.equals(normalized)) {
            return;
        }
        for (char c : "/?#@:".toCharArray()) {
            if (normalized.indexOf(c) >= 0) {
                throw new UrlException("the host part contains characters that become URL delimiters under "
                        + "Unicode NFKC normalization", false);
            }
        }
    }

    /** {@code netloc.rpartition('@')} then {@code partition(':')}: null when there is no {@code @}. */
    String username() {
        int at = netloc.lastIndexOf('@');
        if (at < 0) {
            return null;
        }
        String userinfo = netloc.substring(0, at);
        int colon = userinfo.indexOf(':');
        return colon < 0 ? userinfo : userinfo.substring(0, colon);
    }

    /** Null when there is no {@code @} or no {@code :} before it. */
    String password() {
        int at = netloc.lastIndexOf('@');
        if (at < 0) {
            return null;
        }
        String userinfo = netloc.substring(0, at);
        int colon = userinfo.indexOf(':');
        return colon < 0 ? null : userinfo.substring(colon + 1);
    }

    private String[] hostinfo() {
        String hostinfo = netloc.substring(netloc.lastIndexOf('@') + 1);
        String hostname;
        String port;
        int open = hostinfo.indexOf('[');
        if (open >= 0) {
            String bracketed = hostinfo.substring(open + 1);
            int close = bracketed.indexOf(']');
            hostname = close < 0 ? bracketed : bracketed.substring(0, close);
            String after = close < 0 ? "" : bracketed.substring(close + 1);
            int colon = after.indexOf(':');
            port = colon < 0 ? "" : after.substring(colon + 1);
        }
        else {
            int colon = hostinfo.indexOf(':');
            hostname = colon < 0 ? hostinfo : hostinfo.substring(0, colon);
            port = colon < 0 ? "" : hostinfo.substring(colon + 1);
        }
        return new String[] {hostname, port.isEmpty() ? null : port};
    }

    /** Lower-cased up to the first {@code %} (an IPv6 zone keeps its case); null when empty. */
    String hostname() {
        String hostname = hostinfo()[0];
        if (hostname.isEmpty()) {
            return null;
        }
        int percent = hostname.indexOf('%');
        if (percent < 0) {
            return hostname.toLowerCase(Locale.ROOT);
        }
        return hostname.substring(0, percent).toLowerCase(Locale.ROOT) + hostname.substring(percent);
    }

    /** The port: ASCII digits only, 0 to 65535; null when absent. */
    Integer port() {
        String port = hostinfo()[1];
        if (port == null) {
            return null;
        }
        if (!port.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new UrlException("the port is not a number", true);
        }
        String digits = port.replaceFirst("^0+(?=.)", "");
        if (digits.length() > 5 || Integer.parseInt(digits) > 65535) {
            throw new UrlException("the port is out of range 0-65535", true);
        }
        return Integer.valueOf(digits);
    }

    /**
     * {@code dict(parse_qsl(query, keep_blank_values=True))}: pairs split on {@code &}, empty pairs skipped,
     * a pair without {@code =} has an empty value, {@code +} is a space, the last value of a repeated key wins
     * (at the key's first position).
     */
    static Map<String, String> parseQuery(String query) {
        Map<String, String> out = new LinkedHashMap<>();
        if (query.isEmpty()) {
            return out;
        }
        for (String pair : query.split("&", -1)) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            out.put(PercentCoding.unquotePlus(name), PercentCoding.unquotePlus(value));
        }
        return out;
    }

    /** {@code urlencode(dict)} for string keys and values. */
    static String urlencode(Map<String, String> pairs) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : pairs.entrySet()) {
            if (!sb.isEmpty()) {
                sb.append('&');
            }
            sb.append(PercentCoding.quotePlus(e.getKey())).append('=').append(PercentCoding.quotePlus(e.getValue()));
        }
        return sb.toString();
    }

    /** Textual IP address checks, as Python's {@code ipaddress.ip_address} accepts them (no DNS). */
    static final class Ipv6 {
        private Ipv6() {}

        static boolean isIpv4(String s) {
            String[] parts = s.split("\\.", -1);
            if (parts.length != 4) {
                return false;
            }
            for (String part : parts) {
                if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(c -> c >= '0' && c <= '9')
                        || (part.length() > 1 && part.charAt(0) == '0') || Integer.parseInt(part) > 255) {
                    return false;
                }
            }
            return true;
        }

        static boolean isIpv6WithOptionalZone(String s) {
            int percent = s.indexOf('%');
            if (percent >= 0) {
                String zone = s.substring(percent + 1);
                if (zone.isEmpty() || zone.indexOf('%') >= 0) {
                    return false;
                }
                s = s.substring(0, percent);
            }
            return isIpv6(s);
        }

        static boolean isIpv6(String s) {
            if (s.isEmpty()) {
                return false;
            }
            int groupsNeeded = 8;
            String body = s;
            int lastColon = s.lastIndexOf(':');
            if (lastColon >= 0 && s.indexOf('.', lastColon) >= 0) {
                if (!isIpv4(s.substring(lastColon + 1))) {
                    return false;
                }
                body = s.substring(0, lastColon + 1) + "0";
                groupsNeeded = 7;
            }
            int doubleColon = body.indexOf("::");
            if (doubleColon >= 0 && body.indexOf("::", doubleColon + 1) >= 0) {
                return false;
            }
            if (doubleColon >= 0) {
                String left = body.substring(0, doubleColon);
                String right = body.substring(doubleColon + 2);
                int leftGroups = groups(left);
                int rightGroups = groups(right);
                return leftGroups >= 0 && rightGroups >= 0 && leftGroups + rightGroups < groupsNeeded;
            }
            return groups(body) == groupsNeeded;
        }

        /** Number of hex groups in a colon-separated list, -1 when malformed; 0 for the empty string. */
        private static int groups(String s) {
            if (s.isEmpty()) {
                return 0;
            }
            String[] parts = s.split(":", -1);
            for (String part : parts) {
                if (part.isEmpty() || part.length() > 4 || !part.chars().allMatch(c -> Character.digit(c, 16) >= 0
                        && c < 128)) {
                    return -1;
                }
            }
            return parts.length;
        }
    }
}
