package dev.pgbridge.server.ui;

import dev.pgbridge.server.api.Api;
import io.javalin.http.Context;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The UI's two static files — its stylesheet and htmx from its webjar — read once from the class path and served from
 * memory with an ETag. Two named routes instead of Jetty's resource handlers, which scan the class path (the whole
 * shaded jar) when the server starts.
 */
public final class StaticAssets {
    /** Where the pages load htmx from (the webjar's own path, so the version is visible in the URL). */
    public static final String HTMX = "/webjars/htmx.org/2.0.10/dist/htmx.min.js";
    public static final String CSS = "/static/pgbridge.css";

    private record Asset(byte[] bytes, String contentType, String etag) {}

    private final Map<String, Asset> assets = new LinkedHashMap<>();

    public StaticAssets() {
        assets.put(CSS, load("/static/pgbridge.css", "text/css; charset=utf-8"));
        assets.put(HTMX, load("/META-INF/resources" + HTMX, "text/javascript; charset=utf-8"));
    }

    /** The hosted paths, to register one GET route each. */
    public Iterable<String> paths() {
        return assets.keySet();
    }

    public void serve(Context ctx) {
        Asset asset = assets.get(ctx.path());
        if (asset == null) {
            ctx.status(404);
            return;
        }
        ctx.header("Cache-Control", "public, max-age=3600");
        if (Api.notModified(ctx, asset.etag())) {
            return;
        }
        ctx.contentType(asset.contentType());
        ctx.result(asset.bytes());
    }

    private static Asset load(String resource, String contentType) {
        try (InputStream in = StaticAssets.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing from the class path: " + resource);
            }
            byte[] bytes = in.readAllBytes();
            return new Asset(bytes, contentType, Api.etag(bytes));
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }
}
