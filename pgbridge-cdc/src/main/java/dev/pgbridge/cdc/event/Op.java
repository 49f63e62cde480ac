package dev.pgbridge.cdc.event;

/** The {@code op} of a change event, as Debezium spells it. */
public enum Op {
    /** A row read by a backfill (snapshot). */
    READ("r"),
    CREATE("c"),
    UPDATE("u"),
    DELETE("d"),
    TRUNCATE("t");

    private final String code;

    Op(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    public static Op ofCode(String code) {
        for (Op op : values()) {
            if (op.code.equals(code)) {
                return op;
            }
        }
        throw new IllegalArgumentException("unknown op '" + code + "'");
    }
}
