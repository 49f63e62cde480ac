package dev.pgbridge.connection;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * How one connection uses TLS, decided exactly as libpq decides it, and mapped onto pgjdbc (whose own sslmode
 * semantics differ: pgjdbc never verifies a certificate under {@code require}, and it reads its default root
 * certificate from the {@code user.home} of the JVM).
 *
 * <p>libpq's rules, which this class follows:
 * <ul>
 *   <li>The root certificate file is {@code sslrootcert}, else {@code $HOME/.postgresql/root.crt} (the HOME
 *       environment variable; when it is unset or empty, the home directory of the user's passwd entry).</li>
 *   <li>Whenever a TLS session is made and that file exists, the server's certificate must chain to a CA in it —
 *       under {@code allow}, {@code prefer} and {@code require} too, not only under {@code verify-ca}.</li>
 *   <li>{@code verify-ca} and {@code verify-full} refuse to connect when the file does not exist; {@code require}
 *       then connects without verifying.</li>
 *   <li>Only {@code verify-full} checks that the certificate names the host ({@link LibpqHostnameVerifier}).</li>
 *   <li>{@code prefer} tries TLS first and, when that fails (a certificate that does not verify included), connects
 *       again without TLS; {@code allow} tries without TLS first and then with it.</li>
 * </ul>
 * Whether the file exists is checked at every connection attempt, as libpq does.
 */
public final class TlsPolicy {
    /** libpq's default root certificate file, under the home directory. */
    static final String DEFAULT_ROOT_CERTIFICATE = ".postgresql/root.crt";

    /** What is checked of the server's certificate when a TLS session is made. */
    public enum Verification {
        /** Nothing: the session is encrypted, but anyone in the middle can present a certificate. */
        NONE,
        /** The certificate chains to a CA in the root certificate file; the host name is not checked. */
        CHAIN,
        /** The certificate chains to a CA in the root certificate file and names the host connected to. */
        CHAIN_AND_HOST
    }

    /** One way to open the connection, as pgjdbc properties. */
    enum Attempt {
        /** No TLS. */
        PLAIN("disable", false),
        /** TLS, the certificate not verified. */
        TLS("require", true),
        /** TLS, the certificate verified against the root certificate file. */
        TLS_CHAIN("verify-ca", true),
        /** TLS, the certificate verified against the root certificate file and for the host name. */
        TLS_CHAIN_AND_HOST("verify-full", true),
        /** pgjdbc's own allow: without TLS, and with TLS (not verified) when the server rejects that. */
        PGJDBC_ALLOW("allow", false),
        /** pgjdbc's own prefer: TLS (not verified), and without TLS when the server rejects that. */
        PGJDBC_PREFER("prefer", true);

        private final String pgjdbcMode;
        private final boolean tls;

        Attempt(String pgjdbcMode, boolean tls) {
            this.pgjdbcMode = pgjdbcMode;
            this.tls = tls;
        }

        /** Whether this attempt's failure is the TLS one to report when several attempts failed. */
        boolean tls() {
            return tls;
        }

        boolean verifies() {
            return this == TLS_CHAIN || this == TLS_CHAIN_AND_HOST;
        }
    }

    private final String sslMode;
    private final Path rootCertificate;
    private final boolean rootCertificateGiven;

    private TlsPolicy(String sslMode, Path rootCertificate, boolean rootCertificateGiven) {
        this.sslMode = requireNonNull(sslMode, "sslMode is null");
        this.rootCertificate = rootCertificate;
        this.rootCertificateGiven = rootCertificateGiven;
    }

    /**
     * The policy of {@code sslMode} with {@code sslrootcert} (null or empty: libpq's default file under the home
     * directory found in {@code env}).
     */
    public static TlsPolicy of(String sslMode, String sslrootcert, Map<String, String> env) {
        requireNonNull(env, "env is null");
        if (sslrootcert != null && !sslrootcert.isEmpty()) {
            return new TlsPolicy(sslMode, Path.of(sslrootcert), true);
        }
        Optional<Path> home = homeDirectory(env);
        return new TlsPolicy(sslMode, home.map(h -> h.resolve(DEFAULT_ROOT_CERTIFICATE)).orElse(null), false);
    }

    /** libpq's home directory: {@code $HOME} when set and not empty, else the passwd entry's (the JVM's user.home). */
    static Optional<Path> homeDirectory(Map<String, String> env) {
        String home = env.get("HOME");
        if (home == null || home.isEmpty()) {
            home = System.getProperty("user.home");
        }
        return home == null || home.isEmpty() ? Optional.empty() : Optional.of(Path.of(home));
    }

    public String sslMode() {
        return sslMode;
    }

    /** The root certificate file libpq would read; empty only when no home directory can be found. */
    public Optional<Path> rootCertificate() {
        return Optional.ofNullable(rootCertificate);
    }

    /** Whether the file was given as {@code sslrootcert} (else it is the default under the home directory). */
    public boolean rootCertificateGiven() {
        return rootCertificateGiven;
    }

    /** Whether the root certificate file exists now (libpq's {@code stat()}: a file that exists is used). */
    public boolean rootCertificateExists() {
        return rootCertificate != null && Files.exists(rootCertificate);
    }

    /** Whether the sslmode refuses to connect without a root certificate file (verify-ca, verify-full). */
    public boolean needsRootCertificate() {
        return "verify-ca".equals(sslMode) || "verify-full".equals(sslMode);
    }

    /** What a TLS session of this connection checks of the server's certificate, decided now. */
    public Verification verification() {
        return switch (sslMode) {
            case "disable" -> Verification.NONE;
            case "verify-full" -> Verification.CHAIN_AND_HOST;
            case "verify-ca" -> Verification.CHAIN;
            default -> rootCertificateExists() ? Verification.CHAIN : Verification.NONE;
        };
    }

    /**
     * The attempts to make, in order, decided now. For verify-ca and verify-full the caller checks
     * {@link #rootCertificateExists()} first: without the file they must not connect.
     */
    List<Attempt> attempts() {
        boolean root = rootCertificateExists();
        return switch (sslMode) {
            case "disable" -> List.of(Attempt.PLAIN);
            case "allow" -> root ? List.of(Attempt.PLAIN, Attempt.TLS_CHAIN) : List.of(Attempt.PGJDBC_ALLOW);
            case "prefer" -> root ? List.of(Attempt.TLS_CHAIN, Attempt.PLAIN) : List.of(Attempt.PGJDBC_PREFER);
            case "require" -> List.of(root ? Attempt.TLS_CHAIN : Attempt.TLS);
            case "verify-ca" -> List.of(Attempt.TLS_CHAIN);
            case "verify-full" -> List.of(Attempt.TLS_CHAIN_AND_HOST);
            default -> throw new IllegalStateException("unknown sslmode " + sslMode);
        };
    }

    /** The pgjdbc properties of one attempt: sslmode, and for a verifying one the root file and host name check. */
    void apply(Attempt attempt, Map<String, String> properties) {
        properties.put("sslmode", attempt.pgjdbcMode);
        if (attempt.verifies() && rootCertificate != null) {
            properties.put("sslrootcert", rootCertificate.toString());
        }
        if (attempt == Attempt.TLS_CHAIN_AND_HOST) {
            properties.put("sslhostnameverifier", LibpqHostnameVerifier.class.getName());
        }
    }

    /**
     * A sentence for people: what a TLS session of this connection verifies, e.g. "the certificate is verified
     * against /etc/pg/ca.crt (CA chain; the host name is not checked: sslmode=require)".
     */
    public String describe() {
        String file = rootCertificate == null ? "the root certificate file" : rootCertificate.toString();
        return switch (verification()) {
            case NONE -> "disable".equals(sslMode) ? "sslmode=disable does not use TLS"
                    : "the certificate is not verified (sslmode=" + sslMode + " and no root certificate at " + file
                            + ")";
            case CHAIN -> "the certificate is verified against " + file + " (CA chain; the host name is not "
                    + "checked: sslmode=" + sslMode + (needsRootCertificate() ? "" : " with a root certificate, as libpq")
                    + ")";
            case CHAIN_AND_HOST -> "the certificate is verified against " + file + " (CA chain) and names the host "
                    + "(sslmode=verify-full)";
        };
    }

    @Override
    public String toString() {
        return "TlsPolicy[sslmode=" + sslMode + ", rootCertificate=" + rootCertificate + "]";
    }
}
