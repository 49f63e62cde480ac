package dev.pgbridge.server.auth;

import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import io.javalin.http.Context;

/**
 * Whether this server may send connection secrets on a request's channel: always over TLS; over plain HTTP only in
 * the local mode ({@code --insecure-http --allow-insecure-secrets} on a loopback address).
 */
public final class SecretChannel {
    private final boolean tls;
    private final boolean allowInsecure;

    public SecretChannel(boolean tls, boolean allowInsecure) {
        this.tls = tls;
        this.allowInsecure = allowInsecure;
    }

    public boolean tls() {
        return tls;
    }

    /** INSECURE_CHANNEL unless secrets may go out on this request's channel. */
    public void requireSecure(Context ctx) {
        boolean secure = tls && "https".equalsIgnoreCase(ctx.scheme());
        if (!secure && !allowInsecure) {
            throw new PgBridgeException(ErrorCode.INSECURE_CHANNEL,
                    "insecure channel: this server does not send connection secrets over plain HTTP",
                    "start the server with TLS (the default: drop --insecure-http) and fetch over https://; for a "
                            + "local test only, --insecure-http --allow-insecure-secrets on 127.0.0.1");
        }
    }
}
