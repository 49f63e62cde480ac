package dev.pgbridge.copy;

import java.util.Locale;

/** The input formats of a load. */
public enum LoadFormat {
    /** RFC 4180 with a header line by default; NULL is an unquoted empty field, the empty string is {@code ""}. */
    CSV,
    /** One JSON object per line, keys are column names. */
    JSONL;

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
