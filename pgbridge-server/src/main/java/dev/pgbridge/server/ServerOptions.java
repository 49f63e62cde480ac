package dev.pgbridge.server;

import java.nio.file.Path;

/**
 * How {@code pgbridge server} listens.
 *
 * @param tlsCert PEM certificate chain, or null to use (and make on first start) the self-signed one under the home
 * @param insecureHttp plain HTTP instead of TLS; allowed only on a loopback bind address
 * @param allowInsecureSecrets with {@code insecureHttp}: still deliver connection secrets (the local "Lite" mode)
 * @param version the pgbridge version, for health and the OpenAPI document
 */
public record ServerOptions(String bind, int port, Path tlsCert, Path tlsKey, boolean insecureHttp,
                            boolean allowInsecureSecrets, String version) {
    public static final String DEFAULT_BIND = "127.0.0.1";
    public static final int DEFAULT_PORT = 8443;

    public static ServerOptions defaults() {
        return new ServerOptions(DEFAULT_BIND, DEFAULT_PORT, null, null, false, false, "dev");
    }

    public ServerOptions withPort(int newPort) {
        return new ServerOptions(bind, newPort, tlsCert, tlsKey, insecureHttp, allowInsecureSecrets, version);
    }

    public ServerOptions withInsecureHttp(boolean insecure, boolean allowSecrets) {
        return new ServerOptions(bind, port, tlsCert, tlsKey, insecure, allowSecrets, version);
    }
}
