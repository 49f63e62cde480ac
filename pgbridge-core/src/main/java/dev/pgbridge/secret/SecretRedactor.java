package dev.pgbridge.secret;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks secrets in text before it reaches a log, an error or a terminal: by value (every registered password in
 * its plain, percent-encoded and form-encoded shapes), by key name ({@code password=…}, {@code "password": "…"})
 * and by shape (the password part of any {@code scheme://user:password@host} URI).
 *
 * <p>There is one process-wide instance, because logging appenders are created by the logging framework, not by
 * us; it only ever grows, and holds nothing but the forms to mask.
 */
public final class SecretRedactor {
    public static final String MASK = "****";
    private static final SecretRedactor GLOBAL = new SecretRedactor();
    /** Values shorter than this are too likely to occur by chance ("a", "1") to be masked by value. */
    private static final int MIN_VALUE_LENGTH = 3;

    private static final Pattern URI_PASSWORD = Pattern.compile(
            "(?<prefix>\\b[A-Za-z][A-Za-z0-9+.\\-]*://[^\\s:/@?#\"']*:)(?<secret>[^\\s@/\"']*)(?=@)");
    private static final Pattern KEY_VALUE = Pattern.compile(
            "(?i)(?<prefix>\\b(?:password|passwd|pwd|secret|master[_-]?key|token|sslpassword|sslkey)\\s*[=:]\\s*)"
                    + "(?<secret>'(?:[^'\\\\]|\\\\.)*'|[^\\s&,;}\"']+)");
    private static final Pattern JSON_VALUE = Pattern.compile(
            "(?i)(?<prefix>\"(?:password|passwd|pwd|secret|master[_-]?key|token|sslpassword)\"\\s*:\\s*)"
                    + "(?<secret>\"(?:[^\"\\\\]|\\\\.)*\")");

    /**
     * The forms to mask, longest first (so a longer form is masked before a shorter one it contains). Never changed in
     * place: {@link #register} builds a new list and publishes it with one volatile write, so a concurrent
     * {@link #redact} sees either the old forms or the new ones, never a list without a form registered before.
     */
    private volatile List<String> forms = List.of();

    public static SecretRedactor global() {
        return GLOBAL;
    }

    /** Remembers a secret value so that it, and its encoded forms, are masked from now on. */
    public void register(String value) {
        if (value == null || value.length() < MIN_VALUE_LENGTH) {
            return;
        }
        Set<String> add = new LinkedHashSet<>();
        add.add(value);
        add.add(percentEncodeAll(value, false));
        add.add(percentEncodeAll(value, true));
        add.add(URLEncoder.encode(value, StandardCharsets.UTF_8));
        add.add(URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20"));
        add.add(jsonEscaped(value));
        publish(add);
    }

    /** Copy-on-write: writers take turns, readers never wait and never see a partial update. */
    private synchronized void publish(Set<String> add) {
        List<String> current = forms;
        if (current.containsAll(add)) {
            return;
        }
        forms = Stream.concat(current.stream(), add.stream().filter(form -> !current.contains(form)))
                .sorted(Comparator.comparingInt(String::length).reversed())
                .toList();
    }

    /** The text with every known secret masked. */
    public String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = text;
        for (String form : forms) { // one read of the volatile field: a consistent snapshot
            if (out.contains(form)) {
                out = out.replace(form, MASK);
            }
        }
        out = replaceGroup(URI_PASSWORD, out);
        out = replaceGroup(JSON_VALUE, out);
        out = replaceGroup(KEY_VALUE, out);
        return out;
    }

    private static String replaceGroup(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        if (!m.find()) {
            return text;
        }
        StringBuilder sb = new StringBuilder();
        do {
            String secret = m.group("secret");
            String replacement = secret.isEmpty() || secret.equals(MASK) || secret.equals("\"" + MASK + "\"")
                    ? m.group()
                    : m.group("prefix") + (secret.startsWith("\"") ? "\"" + MASK + "\"" : MASK);
            m.appendReplacement(sb, Matcher.quoteReplacement(replacement));
        } while (m.find());
        m.appendTail(sb);
        return sb.toString();
    }

    /** Every byte outside {@code A-Za-z0-9_.~-} as %XX, as pgbridge's task URIs write it. */
    static String percentEncodeAll(String value, boolean lowerHex) {
        StringBuilder sb = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '_' || c == '.' || c == '~' || c == '-') {
                sb.append((char) c);
            }
            else {
                String hex = String.format(Locale.ROOT, "%02X", c);
                sb.append('%').append(lowerHex ? hex.toLowerCase(Locale.ROOT) : hex);
            }
        }
        return sb.toString();
    }

    private static String jsonEscaped(String value) {
        StringBuilder sb = new StringBuilder();
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
