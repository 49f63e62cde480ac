package dev.pgbridge.secret;

import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;

import static java.util.Objects.requireNonNull;

/**
 * A secret value (a password). Its {@link #toString()} never shows the value; {@link #reveal()} does, and is
 * the only way to get it. Every secret made is registered with {@link SecretRedactor} so logs mask it by value.
 */
public final class Secret {
    private final String value;

    private Secret(String value) {
        this.value = requireNonNull(value, "value is null");
    }

    /** A secret, or null for null (absent password). */
    public static Secret of(String value) {
        if (value == null) {
            return null;
        }
        SecretRedactor.global().register(value);
        return new Secret(value);
    }

    public String reveal() {
        return value;
    }

    public boolean isEmpty() {
        return value.isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret other && MessageDigest.isEqual(
                value.getBytes(StandardCharsets.UTF_8), other.value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return "****";
    }
}
