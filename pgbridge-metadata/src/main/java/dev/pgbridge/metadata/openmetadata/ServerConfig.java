package dev.pgbridge.metadata.openmetadata;

import dev.pgbridge.secret.Secret;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * {@code workflowConfig.openMetadataServerConfig} as the {@code metadata-rest} sink uses it (OpenMetadata 1.4's
 * {@code openMetadataConnection.json}).
 *
 * @param hostPort      the API's base, {@code http://host:8585/api} (calls go to {@code hostPort + "/v1/…"})
 * @param authProvider  {@code openmetadata} (a bot's JWT) or {@code no-auth}
 * @param jwtToken      {@code securityConfig.jwtToken}; null with {@code no-auth}
 * @param verifySSL     {@code no-ssl} (the JDK's trust store, as OpenMetadata's client), {@code validate} (against
 *                      {@code caCertificate} when given) or {@code ignore} (any certificate, any host name)
 * @param caCertificate {@code sslConfig.caCertificate}: a PEM file of the certificates to trust; null for none
 */
public record ServerConfig(URI hostPort, String authProvider, Secret jwtToken, String verifySSL, Path caCertificate) {
    /** The authentication providers pgbridge speaks; OpenMetadata knows more (SSO ones need a browser flow). */
    public static final List<String> AUTH_PROVIDERS = List.of("openmetadata", "no-auth");
    public static final List<String> VERIFY_SSL = List.of("no-ssl", "validate", "ignore");

    public ServerConfig {
        requireNonNull(hostPort, "hostPort is null");
        requireNonNull(authProvider, "authProvider is null");
        requireNonNull(verifySSL, "verifySSL is null");
        if (!AUTH_PROVIDERS.contains(authProvider)) {
            throw new IllegalArgumentException("unsupported authProvider " + authProvider);
        }
        if (!VERIFY_SSL.contains(verifySSL)) {
            throw new IllegalArgumentException("unknown verifySSL " + verifySSL);
        }
        if (authProvider.equals("openmetadata") && jwtToken == null) {
            throw new IllegalArgumentException("authProvider openmetadata needs a jwtToken");
        }
    }

    /** {@code hostPort} without a trailing slash, for appending {@code /v1/…}. */
    String base() {
        String s = hostPort.toString();
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    /** {@code hostPort} as messages and logs show it: without a login ({@code user:password@}) should one be in it. */
    public String shownHostPort() {
        return withoutUserInfo(hostPort);
    }

    /** {@code uri} as text without its user info. */
    static String withoutUserInfo(URI uri) {
        if (uri.getRawUserInfo() == null) {
            return uri.toString();
        }
        try {
            return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), uri.getQuery(),
                    uri.getFragment()).toString();
        }
        catch (java.net.URISyntaxException e) {
            return uri.getScheme() + "://" + uri.getHost();
        }
    }

    @Override
    public String toString() {
        return "ServerConfig[hostPort=" + shownHostPort() + ", authProvider=" + authProvider + ", jwtToken="
                + (jwtToken == null ? "none" : "****") + ", verifySSL=" + verifySSL + ", caCertificate="
                + caCertificate + "]";
    }
}
