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
     * A table or column name as OpenMetadata's create requests carry it: {@code ::} becomes
     * {@code __reserved__colon__}, {@code >} {@code __reserved__arrow__} and {@code "} {@code __reserved__quote__}
     * (the server turns them back when the entity is read).
     */
    public static String encode(String name) {
        if (name.indexOf(':') < 0 && name.indexOf('>') < 0 && name.indexOf('"') < 0) {
            return name; // nearly every name: no copies
        }
        return name.replace("::", "__reserved__colon__").replace(">", "__reserved__arrow__")
                .replace("\"", "__reserved__quote__");
    }
}
