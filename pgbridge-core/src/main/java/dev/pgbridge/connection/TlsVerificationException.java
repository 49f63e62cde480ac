package dev.pgbridge.connection;

import java.nio.file.Path;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.sql.SQLException;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A connection refused because the server's certificate could not be verified as the sslmode demands, with what
 * was checked against what: the root certificate file (given, or libpq's default under the home directory), the
 * sslmode, and the address. pgjdbc's own exception, when there is one, is the cause. The message is pgbridge's; the
 * user-facing translation is done once, by {@code SqlErrors}.
 */
public final class TlsVerificationException extends SQLException {
    private static final long serialVersionUID = 1L;

    /** Why the certificate was not accepted. */
    public enum Reason {
        /** verify-ca or verify-full, and the root certificate file does not exist (nothing was sent). */
        ROOT_CERTIFICATE_MISSING,
        /** The certificate does not chain to a CA in the root certificate file. */
        NOT_TRUSTED,
        /** verify-full: the certificate does not name the host. */
        HOST_NOT_NAMED
    }

    private final Reason reason;
    private final String sslMode;
    private final transient Path rootCertificate;
    private final boolean rootCertificateGiven;
    private final String address;

    private TlsVerificationException(String message, String sqlState, Reason reason, TlsPolicy tls, String address,
                                     Throwable cause) {
        super(message, sqlState, cause);
        this.reason = requireNonNull(reason, "reason is null");
        this.sslMode = tls.sslMode();
        this.rootCertificate = tls.rootCertificate().orElse(null);
        this.rootCertificateGiven = tls.rootCertificateGiven();
        this.address = requireNonNull(address, "address is null");
    }

    /** libpq's refusal when verify-ca/verify-full finds no root certificate file. */
    static TlsVerificationException rootCertificateMissing(TlsPolicy tls, String address) {
        String message = tls.rootCertificate()
                .map(file -> "root certificate file \"" + file + "\" does not exist")
                .orElse("could not get home directory to locate root certificate file");
        return new TlsVerificationException(message, "08001", Reason.ROOT_CERTIFICATE_MISSING, tls, address, null);
    }

    /**
     * {@code e} as a TlsVerificationException when the failed attempt verified the certificate and the failure is
     * that verification (a certificate error in the cause chain; for verify-full, pgjdbc's host name refusal, which
     * is an 08006 without a cause); otherwise {@code e} itself.
     */
    static SQLException explain(TlsPolicy.Attempt attempt, TlsPolicy tls, String address, SQLException e) {
        if (!attempt.verifies()) {
            return e;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CertificateException || t instanceof CertPathValidatorException
                    || t instanceof CertPathBuilderException) {
                return new TlsVerificationException("the certificate of " + address + " does not chain to a CA in "
                        + tls.rootCertificate().map(Path::toString).orElse("the root certificate file") + ": "
                        + t.getMessage(), e.getSQLState(), Reason.NOT_TRUSTED, tls, address, e);
            }
        }
        if (attempt == TlsPolicy.Attempt.TLS_CHAIN_AND_HOST && "08006".equals(e.getSQLState())
                && e.getCause() == null) {
            return new TlsVerificationException("the certificate of " + address + " does not name the host",
                    e.getSQLState(), Reason.HOST_NOT_NAMED, tls, address, e);
        }
        return e;
    }

    public Reason reason() {
        return reason;
    }

    public String sslMode() {
        return sslMode;
    }

    /** The root certificate file checked against; empty when no home directory could be found. */
    public Optional<Path> rootCertificate() {
        return Optional.ofNullable(rootCertificate);
    }

    /** Whether the root certificate file was given as sslrootcert (else libpq's default under the home directory). */
    public boolean rootCertificateGiven() {
        return rootCertificateGiven;
    }

    /** {@code host:port} (several joined by commas) of the connection. */
    public String address() {
        return address;
    }
}
