package dev.pgbridge.server.auth;

import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What a user or token may do inside its tenant. {@code viewer} reads (no secrets), {@code editor} also changes
 * connections, captures and workflows, {@code admin} also manages users and tokens. {@code agent} is for task runners:
 * it reads connections with their secrets (over TLS) and nothing else.
 */
public enum Role {
    VIEWER, EDITOR, ADMIN, AGENT;

    /** Whether this role may do what {@code required} may (viewer ⊂ editor ⊂ admin; agent only itself). */
    public boolean allows(Role required) {
        if (this == AGENT || required == AGENT) {
            return this == required;
        }
        return ordinal() >= required.ordinal();
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Role parse(String text) {
        for (Role role : values()) {
            if (role.id().equalsIgnoreCase(text == null ? "" : text.strip())) {
                return role;
            }
        }
        throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "unknown role '" + text + "'",
                "use one of " + Arrays.stream(values()).map(Role::id).collect(Collectors.joining(", ")));
    }
}
