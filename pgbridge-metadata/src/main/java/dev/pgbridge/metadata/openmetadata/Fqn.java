package dev.pgbridge.metadata.openmetadata;

/**
 * Fully qualified names as OpenMetadata builds them ({@code fqn.py}, {@code FullyQualifiedName.java}): parts joined
 * by {@code .}, a part containing a dot in double quotes. Table and column names first go through
 * {@link #encode} (OpenMetadata's reserved-separator replacement), as in the create request's names.
 */
public final class Fqn {
    private Fqn() {
    }

    /** {@code service.database.schema.table[.column]}, each part {@link #quote quoted} where it needs it. */
    public static String build(String... parts) {
        StringBuilder sb = new StringBuilder();
        for (String part : parts) {
            if (!sb.isEmpty()) {
                sb.append('.');
            }
            sb.append(quote(part));
        }
        return sb.toString();
    }

    /** A name containing {@code .} in double quotes; every other name as it is. */
    public static String quote(String name) {
        return name.indexOf('.') >= 0 ? "\"" + name + "\"" : name;
    }

    /**
     * The parts of a fully qualified name, the inverse of {@link #build}: split at the dots outside double quotes, each
     * part without its quotes ({@code svc.db."a.b".t} is {@code svc}, {@code db}, {@code a.b}, {@code t}).
     *
     * @throws IllegalArgumentException for an unterminated quote or an empty part
     */
    public static java.util.List<String> split(String fqn) {
        java.util.List<String> parts = new java.util.ArrayList<>();
        StringBuilder part = new StringBuilder();
        boolean quoted = false;
        boolean wasQuoted = false;
        for (int i = 0; i < fqn.length(); i++) {
            char c = fqn.charAt(i);
            if (c == '"') {
                quoted = !quoted;
                wasQuoted = true;
            }
            else if (c == '.' && !quoted) {
                addPart(fqn, parts, part, wasQuoted);
                part.setLength(0);
                wasQuoted = false;
            }
            else {
                part.append(c);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("unterminated quote in " + fqn);
        }
        addPart(fqn, parts, part, wasQuoted);
        return parts;
    }

    private static void addPart(String fqn, java.util.List<String> parts, StringBuilder part, boolean wasQuoted) {
        if (part.isEmpty() && !wasQuoted) {
            throw new IllegalArgumentException("empty part in " + fqn);
        }
        parts.add(part.toString());
    }

    /**
     * A table or column name as OpenMetadata's create requests carry it: {@code ::} becomes
     * {@code __reserved__colon__}, {@code >} {@code __reserved__arrow__} and {@code "} {@code __reserved__quote__}
     * (the server turns them back when the entity is read).
     */
    public static String encode(String name) {
        return name.replace("::", "__reserved__colon__").replace(">", "__reserved__arrow__")
                .replace("\"", "__reserved__quote__");
    }
}
