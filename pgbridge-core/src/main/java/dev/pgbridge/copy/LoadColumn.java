package dev.pgbridge.copy;

import dev.pgbridge.pgtype.PgType;

import static java.util.Objects.requireNonNull;

/**
 * A column of a load or transfer target as the catalog describes it: its name exactly as stored, its type as
 * PostgreSQL prints it ({@code format_type}), nullability, whether it is generated or a {@code GENERATED ALWAYS}
 * identity, its type's oid and whether that type is built in (the same type, with the same binary form, in every
 * database), and how its values map ({@link PgType}).
 */
public final class LoadColumn {
    private final String name;
    private final String type;
    private final boolean notNull;
    private final boolean generated;
    private final boolean identityAlways;
    private final int typeOid;
    private final PgType valueType;

    LoadColumn(String name, String type, boolean notNull, boolean generated, boolean identityAlways, int typeOid,
               PgType valueType) {
        this.name = requireNonNull(name, "name is null");
        this.type = requireNonNull(type, "type is null");
        this.notNull = notNull;
        this.generated = generated;
        this.identityAlways = identityAlways;
        this.typeOid = typeOid;
        this.valueType = requireNonNull(valueType, "valueType is null");
    }

    public String name() {
        return name;
    }

    /** The type as {@code format_type} prints it, e.g. {@code numeric(12,2)}, {@code text[]}, {@code "Mood"}. */
    public String type() {
        return type;
    }

    public boolean notNull() {
        return notNull;
    }

    /** A generated column ({@code GENERATED ALWAYS AS (…) STORED}): COPY cannot write it. */
    public boolean generated() {
        return generated;
    }

    /**
     * A {@code GENERATED ALWAYS AS IDENTITY} column: COPY writes it as given, an INSERT only with
     * {@code OVERRIDING SYSTEM VALUE}, an UPDATE never (only to DEFAULT).
     */
    public boolean identityAlways() {
        return identityAlways;
    }

    /** The column's type oid ({@code atttypid}; a domain's own oid, not its base type's). */
    public int typeOid() {
        return typeOid;
    }

    /**
     * Whether the type is one of PostgreSQL's own (its oid below 16384, FirstNormalObjectId), so its binary COPY form
     * is the same everywhere; a domain never is.
     */
    public boolean builtInType() {
        return typeOid != 0 && Integer.compareUnsigned(typeOid, 16384) < 0;
    }

    /** How the column's values map (domains as their base type), from the one resolver of types. */
    public PgType valueType() {
        return valueType;
    }

    @Override
    public String toString() {
        return name + " " + type + (notNull ? " NOT NULL" : "");
    }
}
