package dev.pgbridge.server.api;

/** One area of the REST API (connections, catalog, query, …): declares its routes and schemas on the {@link Api}. */
@FunctionalInterface
public interface ApiModule {
    void register(Api api);
}
