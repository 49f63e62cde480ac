package dev.pgbridge.server.ui;

import dev.pgbridge.server.services.ServerServices;
import dev.pgbridge.server.auth.Role;

import java.util.HashMap;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/** The start page after login. */
public final class HomePage implements UiModule {
    private final ServerServices services;
    private final Ui ui;

    public HomePage(ServerServices services, Ui ui) {
        this.services = requireNonNull(services, "services is null");
        this.ui = requireNonNull(ui, "ui is null");
    }

    @Override
    public void register(Ui routes) {
        routes.page("/", Role.VIEWER, (ctx, session) -> {
            Map<String, Object> model = new HashMap<>();
            model.put("page", new PageContext("Home", session.principal(), session.csrfToken(), "home"));
            // the service's listing: no password is decrypted to count them
            model.put("connections", services.connectionService().list(session.principal(), null, null, 0, 0).total());
            model.put("version", services.version());
            ui.render(ctx, "home.jte", model);
        });
    }
}
