package dev.pgbridge.testing;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * The shapes a password takes on its way out (raw, percent-encoded either case, form-encoded, JSON-escaped,
 * HTML-escaped, base64, hex), and distinctive fragments of the project's special password, so a leak is caught even partly masked or split.
 * The one list every "no secret in any output" test scans for.
 */
public final class SecretForms {
    /** The special password every chain-of-custody test carries: URI delimiters, %, +, a space, non-ASCII, an emoji. */
    public static final String SPECIAL_PASSWORD = "p@ss:w/rd?#%&=+ é日本🔑";

    private SecretForms() {}

    public static List<String> of(String password) {
        List<String> forms = new ArrayList<>();
        byte[] utf8 = password.getBytes(StandardCharsets.UTF_8);
        forms.add(password);
        forms.add(percentEncode(utf8, false));
        forms.add(percentEncode(utf8, true));
        forms.add(URLEncoder.encode(password, StandardCharsets.UTF_8));
        forms.add(Base64.getEncoder().encodeToString(utf8));
        forms.add(HexFormat.of().formatHex(utf8));
        String html = password.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&#34;")
                .replace("'", "&#39;");
        if (!html.equals(password)) {
            forms.add(html); // as an escaping template (jte) writes it into a page
            forms.add(password.replace("&", "&#38;"));
        }
        if (password.equals(SPECIAL_PASSWORD)) {
            forms.add("p@ss:w/rd");
            forms.add("p@ss:w\\/rd"); // JSON may escape the slash
            forms.add("p%40ss");
            forms.add("é日本");
            forms.add("\\u00e9\\u65e5"); // JSON-escaped, either case
            forms.add("\\u00E9\\u65E5");
        }
        return forms;
    }

    private static String percentEncode(byte[] bytes, boolean lower) {
        StringBuilder sb = new StringBuilder();
        for (byte b : bytes) {
            int c = b & 0xff;
            if (Character.isLetterOrDigit(c) && c < 128 || c == '-' || c == '.' || c == '_' || c == '~') {
                sb.append((char) c);
            }
            else {
                String hex = String.format(Locale.ROOT, "%%%02X", c);
                sb.append(lower ? hex.toLowerCase(Locale.ROOT) : hex);
            }
        }
        return sb.toString();
    }
}
