package dev.pgbridge.catalog;

/**
 * A table's replica identity ({@code pg_class.relreplident}, and the same code in pgoutput's Relation message): what
 * an UPDATE or DELETE logs of the old row.
 */
public enum ReplicaIdentity {
    /** The primary key's columns (nothing when there is no primary key). */
    DEFAULT('d'),
    /** Nothing. */
    NOTHING('n'),
    /** The whole old row. */
    FULL('f'),
    /** The columns of the index named by {@code ALTER TABLE … REPLICA IDENTITY USING INDEX}. */
    INDEX('i');

    private final char code;

    ReplicaIdentity(char code) {
        this.code = code;
    }

    /** The catalog's one-letter code. */
    public char code() {
        return code;
    }

    public static ReplicaIdentity of(char code) {
        for (ReplicaIdentity identity : values()) {
            if (identity.code == code) {
                return identity;
            }
        }
        throw new IllegalArgumentException("unknown replica identity code '" + code + "' (expected d, n, f or i)");
    }

    /** As {@code ALTER TABLE … REPLICA IDENTITY} spells it: {@code DEFAULT}, {@code FULL}, … */
    public String sql() {
        return this == INDEX ? "USING INDEX" : name();
    }
}
