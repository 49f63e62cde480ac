package dev.pgbridge.server.auth;

import static java.util.Objects.requireNonNull;

/**
 * Who made a request: a logged-in user or a Bearer token, always inside one tenant. Every read or write of a
 * tenant's data takes the tenant from here, never from the request.
 *
 * @param name the user name, or {@code token:<id>} for a token (an id, never the token)
 */
public record Principal(String tenant, String name, Role role) {
    public Principal {
        requireNonNull(tenant, "tenant is null");
        requireNonNull(name, "name is null");
        requireNonNull(role, "role is null");
    }

    /** Fails with FORBIDDEN unless this principal's role allows {@code required}. */
    public Principal require(Role required) {
        if (!role.allows(required)) {
            throw new dev.pgbridge.error.PgBridgeException(dev.pgbridge.error.ErrorCode.FORBIDDEN,
                    name + " (role " + role.id() + ") may not do this: it needs the " + required.id() + " role",
                    "ask an admin of tenant " + tenant + " for a user or token with the " + required.id() + " role");
        }
        return this;
    }
}
