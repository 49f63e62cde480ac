package dev.pgbridge.server.agent;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The JDK's own server-certificate checks (PKIX path to a trust anchor, then the host name), run one after the other
 * so that a failure is known for what it is — a chain no trusted CA signed, or a good certificate for another name —
 * without reading exception messages. The failure and the chain the server presented are kept for the error's text.
 * It only ever narrows what the JDK accepts: both checks are the delegate's.
 */
final class RecordingTrustManager extends X509ExtendedTrustManager {
    enum Kind { UNTRUSTED, HOSTNAME }

    record Failure(Kind kind, List<X509Certificate> chain) {}

    private final X509ExtendedTrustManager delegate;
    private final AtomicReference<Failure> failure = new AtomicReference<>();

    private RecordingTrustManager(X509ExtendedTrustManager delegate) {
        this.delegate = delegate;
    }

    /** Trusting exactly {@code anchors}, or the system's trust store when null. */
    static RecordingTrustManager of(List<X509Certificate> anchors) {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            if (anchors == null) {
                tmf.init((KeyStore) null);
            }
            else {
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                for (int i = 0; i < anchors.size(); i++) {
                    store.setCertificateEntry("ca-" + i, anchors.get(i));
                }
                tmf.init(store);
            }
            for (TrustManager tm : tmf.getTrustManagers()) {
                if (tm instanceof X509ExtendedTrustManager x) {
                    return new RecordingTrustManager(x);
                }
            }
            throw new IllegalStateException("no X509ExtendedTrustManager in " + tmf.getAlgorithm());
        }
        catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build a trust manager", e);
        }
    }

    void reset() {
        failure.set(null);
    }

    /** The last recorded failure, or null. */
    Failure failure() {
        return failure.get();
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        checkChain(chain, authType);
        try {
            delegate.checkServerTrusted(chain, authType, engine);
        }
        catch (CertificateException e) {
            failure.set(new Failure(Kind.HOSTNAME, List.of(chain)));
            throw e;
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        checkChain(chain, authType);
        try {
            delegate.checkServerTrusted(chain, authType, socket);
        }
        catch (CertificateException e) {
            failure.set(new Failure(Kind.HOSTNAME, List.of(chain)));
            throw e;
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        checkChain(chain, authType);
    }

    /** The chain alone (no host name): a failure here is an untrusted certificate. */
    private void checkChain(X509Certificate[] chain, String authType) throws CertificateException {
        try {
            ((X509TrustManager) delegate).checkServerTrusted(chain, authType);
        }
        catch (CertificateException e) {
            failure.set(new Failure(Kind.UNTRUSTED, chain == null ? List.of() : List.of(chain)));
            throw e;
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("this trust manager checks servers only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        throw new CertificateException("this trust manager checks servers only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("this trust manager checks servers only");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return delegate.getAcceptedIssuers();
    }
}
