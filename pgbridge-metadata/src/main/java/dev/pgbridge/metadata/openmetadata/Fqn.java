package dev.pgbridge.metadata.openmetadata;

import static java.util.Objects.requireNonNull;

/**
 * Fully qualified names as OpenMetadata builds them ({@code fqn.py}, {@code FullyQualifiedName.java}): parts joined
 * by {@code .}, a part containing a dot in double quotes. Database, schema, table and column names first go through
 * {@link #encode} (OpenMetadata's reserved-separator replacement), as in the create request's names, so no part of an
 * FQN pgbridge builds holds a {@code "}.
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

    /** A database's FQN: {@code service.database}, the database name {@link #encode encoded} and quoted where needed. */
    public static String database(String service, String database) {
        return build(service, encode(database));
    }

    /**
     * A table's FQN from the names as PostgreSQL has them: {@code service.database.schema.table}, the database, schema
     * and table names {@link #encode encoded} and each part {@link #quote quoted} where it needs it.
     */
    public static String table(String service, String database, String schema, String table) {
        return build(service, encode(database), encode(schema), encode(table));
    }

    /** A column's FQN: {@code tableFqn.column}, the column name {@link #encode encoded} and quoted where it needs it. */
    public static String column(String tableFqn, String column) {
        return child(tableFqn, column);
    }

    /** The FQN of the entity {@code name} under {@code parentFqn}, the name encoded and quoted where it needs it. */
    public static String child(String parentFqn, String name) {
        return requireNonNull(parentFqn, "parentFqn is null") + "." + quote(encode(name));
    }

    /** A name containing {@code .} in double quotes; every other name as it is. */
    public static String quote(String name) {
        return name.indexOf('.') >= 0 ? "\"" + name + "\"" : name;
    }

    /**
     * The parts of a fully qualified name, the inverse of {@link #build}: split at the dots outside double quotes, each
     * part without its quotes ({@code svc.db."a.b".t} is {@code svc}, {@code db}, {@code a.b}, {@code t}). As in
     * {@link #build}, a quote opens a part only at its start and closes it only before a dot or the end; any other
     * {@code "} is a character of the name ({@code svc.db.we"ird.t} has four parts), so a name that reached an FQN
     * without {@link #encode} still splits.
     *
     * @throws IllegalArgumentException for an empty part
     */
    public static java.util.List<String> split(String fqn) {
        java.util.List<String> parts = new java.util.ArrayList<>();
        StringBuilder part = new StringBuilder();
        int i = 0;
        while (true) {
            boolean wasQuoted = false;
            int close = fqn.startsWith("\"", i) ? closingQuote(fqn, i + 1) : -1;
            int end;
            if (close >= 0) {
                part.append(fqn, i + 1, close);
                wasQuoted = true;
                end = close + 1;
            }
            else {
                end = fqn.indexOf('.', i);
                end = end < 0 ? fqn.length() : end;
                part.append(fqn, i, end);
            }
            addPart(fqn, parts, part, wasQuoted);
            part.setLength(0);
            if (end >= fqn.length()) {
                return parts;
            }
            i = end + 1;
        }
    }

    /** The index of the quote closing a quoted part opened before {@code from}: one followed by a dot or the end. */
    private static int closingQuote(String fqn, int from) {
        for (int q = fqn.indexOf('"', from); q >= 0; q = fqn.indexOf('"', q + 1)) {
            if (q + 1 == fqn.length() || fqn.charAt(q + 1) == '.') {
                return q;
            }
        }
        return -1;
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
        requireNonNull(name, "name is null");
        if (name.indexOf(':') < 0 && name.indexOf('>') < 0 && name.indexOf('"') < 0) {
            return name; // nearly every name: no copies
        }
        return name.replace("::", "__reserved__colon__").replace(">", "__reserved__arrow__")
                .replace("\"", "__reserved__quote__");
    }
}
