package dev.pgbridge.sql;

import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * A table name as PostgreSQL reads it from SQL text: {@code [schema.]name}, each part either unquoted (folded to
 * lower case, ASCII letters only, as the server does) or double-quoted (kept as written; {@code ""} is one quote).
 * Parts longer than 63 bytes are cut to 63 bytes on a character boundary, as the server does with identifiers.
 *
 * <p>The parts are the names exactly as stored in the catalog; {@link #schema()} is null when the name was
 * unqualified (it then follows the session's search_path). {@link #quoted()} is the form for SQL text.
 */
public record QualifiedName(String schema, String name) {
    /** PostgreSQL's NAMEDATALEN - 1: the longest identifier, in bytes. */
    static final int MAX_IDENTIFIER_BYTES = 63;
    private static final String QUOTING_HINT = "write a quoted part as \"Name\" (a double quote inside it as \"\"); "
            + "in a shell, put the whole name in single quotes, e.g. '\"Sales\".\"Orders\"'";

    public QualifiedName {
        requireNonNull(name, "name is null");
        new Identifier(name); // rejects empty and NUL
        if (schema != null) {
            new Identifier(schema);
        }
    }

    /** A name in a given schema (null: unqualified), both exactly as stored in the catalog. */
    public static QualifiedName of(String schema, String name) {
        return new QualifiedName(schema, name);
    }

    /**
     * Reads {@code text} as PostgreSQL reads a table name: {@code Sales.Orders} is {@code sales.orders},
     * {@code "Sales"."Orders"} keeps its case, {@code "a.b"."x""y"} is schema {@code a.b}, table {@code x"y}.
     * Whitespace around the parts is allowed. Fails with {@link ErrorCode#INVALID_NAME} for an unterminated quote,
     * an empty part, an unexpected character, or more than two parts.
     */
    public static QualifiedName parse(String text) {
        List<String> parts = parts(text);
        if (parts.size() > 2) {
            throw invalid(text, "it has " + parts.size() + " parts, but a table name has at most two (schema.table)",
                    "the database comes from the connection; give schema.table, or quote a part that contains dots: "
                            + "\"my.table\"");
        }
        return parts.size() == 1 ? new QualifiedName(null, parts.get(0)) : new QualifiedName(parts.get(0), parts.get(1));
    }

    /**
     * Reads {@code text} as one identifier (a schema name, say): {@code Sales} is {@code sales}, {@code "Sales"}
     * keeps its case. Fails with {@link ErrorCode#INVALID_NAME} when it is malformed or has more than one part.
     */
    public static String parseIdentifier(String text) {
        List<String> parts = parts(text);
        if (parts.size() != 1) {
            throw invalid(text, "it has " + parts.size() + " parts, but one name was expected",
                    "quote a name that contains dots: \"my.schema\"");
        }
        return parts.get(0);
    }

    public boolean qualified() {
        return schema != null;
    }

    /** The same name in {@code schema} (for a name resolved through the search_path). */
    public QualifiedName inSchema(String schema) {
        return new QualifiedName(requireNonNull(schema, "schema is null"), name);
    }

    /** The form for SQL text: every part through {@link Identifier#quote}, e.g. {@code "sales"."Orders"}. */
    public String quoted() {
        return schema == null ? Identifier.quote(name) : Identifier.quote(schema) + "." + Identifier.quote(name);
    }

    /**
     * The form to show people, which parses back to this name: a part is quoted only when it is not a plain
     * lower-case identifier ({@code sales."Orders"}). Reserved words are not recognised here, so this is not for SQL.
     */
    @Override
    public String toString() {
        return schema == null ? display(name) : display(schema) + "." + display(name);
    }

    /** One identifier as people read it: bare when it is a plain lower-case name, else double-quoted. */
    public static String display(String identifier) {
        return plain(identifier) ? identifier : Identifier.quote(identifier);
    }

    private static boolean plain(String identifier) {
        if (identifier.isEmpty() || !(isLowerAsciiLetter(identifier.charAt(0)) || identifier.charAt(0) == '_')) {
            return false;
        }
        for (int i = 1; i < identifier.length(); i++) {
            char c = identifier.charAt(i);
            if (!(isLowerAsciiLetter(c) || c == '_' || c == '$' || (c >= '0' && c <= '9'))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isLowerAsciiLetter(char c) {
        return c >= 'a' && c <= 'z';
    }

    /** The dot-separated parts of {@code text}, each unquoted/folded and truncated as the server would. */
    private static List<String> parts(String text) {
        requireNonNull(text, "name is null");
        List<String> parts = new ArrayList<>();
        int n = text.length();
        int i = skipSpace(text, 0);
        if (i == n) {
            throw invalid(text, "it is empty", "give a name such as orders or sales.orders");
        }
        while (true) {
            i = skipSpace(text, i);
            if (i == n || text.charAt(i) == '.') {
                throw invalid(text, "part " + (parts.size() + 1) + " is empty" + (i == n ? " (it ends with a dot)" : ""),
                        "remove the extra dot, or give every part: schema.table");
            }
            char c = text.charAt(i);
            StringBuilder part = new StringBuilder();
            if (c == '"') {
                int open = i;
                i++;
                while (true) {
                    if (i == n) {
                        throw invalid(text, "the double quote at position " + (open + 1) + " is never closed", QUOTING_HINT);
                    }
                    char q = text.charAt(i);
                    if (q == '"') {
                        if (i + 1 < n && text.charAt(i + 1) == '"') {
                            part.append('"');
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    if (q == '\0') {
                        throw invalid(text, "it contains a NUL character", "PostgreSQL names cannot contain NUL");
                    }
                    part.append(q);
                    i++;
                }
                if (part.isEmpty()) {
                    throw invalid(text, "the quoted part at position " + (open + 1) + " is empty (\"\")",
                            "a quoted name needs at least one character");
                }
            }
            else if (identifierStart(c)) {
                while (i < n && identifierPart(text.charAt(i))) {
                    char u = text.charAt(i);
                    part.append(u >= 'A' && u <= 'Z' ? (char) (u + ('a' - 'A')) : u);
                    i++;
                }
            }
            else {
                throw unexpected(text, i);
            }
            parts.add(truncate(part.toString()));
            i = skipSpace(text, i);
            if (i == n) {
                return parts;
            }
            if (text.charAt(i) != '.') {
                throw unexpected(text, i);
            }
            i++;
        }
    }

    private static PgBridgeException unexpected(String text, int i) {
        int cp = text.codePointAt(i);
        String shown = cp == '\0' ? "NUL" : "'" + new String(Character.toChars(cp)) + "'";
        return invalid(text, "unexpected character " + shown + " at position " + (i + 1),
                "a name without quotes has letters, digits, _ and $ and does not start with a digit or $; "
                        + "quote any other name: " + QUOTING_HINT);
    }

    private static int skipSpace(String text, int i) {
        while (i < text.length() && isSpace(text.charAt(i))) {
            i++;
        }
        return i;
    }

    /** The whitespace of PostgreSQL's scanner: space, tab, newline, carriage return, form feed, vertical tab. */
    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\u000b';
    }

    /** {@code [A-Za-z_]} or any non-ASCII character, as in PostgreSQL's {@code ident_start}. */
    private static boolean identifierStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
    }

    /** {@code ident_start}, digits and {@code $}, as in PostgreSQL's {@code ident_cont}. */
    private static boolean identifierPart(char c) {
        return identifierStart(c) || (c >= '0' && c <= '9') || c == '$';
    }

    /** At most 63 UTF-8 bytes, never splitting a character (PostgreSQL's truncate_identifier). */
    static String truncate(String identifier) {
        if (identifier.getBytes(StandardCharsets.UTF_8).length <= MAX_IDENTIFIER_BYTES) {
            return identifier;
        }
        int bytes = 0;
        int end = 0;
        while (end < identifier.length()) {
            int cp = identifier.codePointAt(end);
            int size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (bytes + size > MAX_IDENTIFIER_BYTES) {
                break;
            }
            bytes += size;
            end += Character.charCount(cp);
        }
        return identifier.substring(0, end);
    }

    private static PgBridgeException invalid(String text, String why, String hint) {
        return new PgBridgeException(ErrorCode.INVALID_NAME, "invalid name '" + text + "': " + why, hint);
    }
}
