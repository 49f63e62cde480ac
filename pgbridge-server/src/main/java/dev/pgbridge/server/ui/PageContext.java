package dev.pgbridge.server.ui;

import dev.pgbridge.server.auth.Principal;
import dev.pgbridge.server.auth.Role;

/**
 * What every page's layout needs: the title, the logged-in principal (null on the login page), the session's CSRF token
 * (put into every form and sent by htmx as a header) and which navigation entry is current.
 */
public record PageContext(String title, Principal principal, String csrf, String nav) {
    /** Whether the logged-in user's role allows {@code role} (to show or hide buttons; the server checks again). */
    public boolean can(Role role) {
        return principal != null && principal.role().allows(role);
    }

    /** htmx's {@code hx-headers} value that sends the CSRF token with every htmx request (null: no attribute). */
    public String htmxHeaders() {
        return csrf == null ? null : "{\"X-CSRF-Token\": \"" + csrf + "\"}";
    }

    public boolean current(String entry) {
        return entry.equals(nav);
    }
}
