package dev.pgbridge.server.ui;

/** One area of the web UI (connections, catalog, query, …): declares its pages and actions on the {@link Ui}. */
@FunctionalInterface
public interface UiModule {
    void register(Ui ui);
}
