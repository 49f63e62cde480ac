package dev.pgbridge.server.auth;

import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.Writer;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The server's TLS identity: a certificate chain and its key, either given as PEM files or made on first start under
 * {@code PGBRIDGE_HOME/tls/}: a CA ({@code ca.pem}, the file clients trust) and a server certificate it signed for
 * localhost, the loopback addresses, this host's name and the bind address. Keys are P-256, written 0600.
 */
public final class ServerCertificates {
    public static final String CA_FILE = "ca.pem";
    private static final String CA_KEY_FILE = "ca-key.pem";
    private static final String CERT_FILE = "server.pem";
    private static final String KEY_FILE = "server-key.pem";
    private static final char[] STORE_PASSWORD = "pgbridge".toCharArray();

    /** The chain and key the server presents, and the CA file clients should trust (null for a given certificate). */
    public record Identity(List<X509Certificate> chain, PrivateKey key, Path caFile) {
        /**
         * The chain and key as an in-memory key store for Jetty (password {@link #keyStorePassword()}). JKS, not PKCS#12:
         * it never leaves memory, and PKCS#12 protects the key with 10,000 rounds of PBKDF2 on every start.
         */
        public KeyStore keyStore() {
            try {
                KeyStore store = KeyStore.getInstance("JKS");
                store.load(null, null);
                store.setKeyEntry("server", key, STORE_PASSWORD, chain.toArray(new X509Certificate[0]));
                return store;
            }
            catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException("cannot build the server's key store", e);
            }
        }

        public String keyStorePassword() {
            return new String(STORE_PASSWORD);
        }

        /** SHA-256 fingerprint of the trust anchor (the CA when made here, else the last certificate of the chain). */
        public String fingerprint() {
            return ServerCertificates.fingerprint(chain.get(chain.size() - 1));
        }
    }

    private ServerCertificates() {}

    /** The self-signed identity under {@code dir}, made there first when missing (or when its names do not cover {@code host}). */
    public static Identity selfSigned(Path dir, String bindHost) {
        try {
            Files.createDirectories(dir);
            Path caFile = dir.resolve(CA_FILE);
            Path caKeyFile = dir.resolve(CA_KEY_FILE);
            if (!Files.exists(caFile) || !Files.exists(caKeyFile)) {
                KeyPair ca = keyPair();
                X500Name caName = new X500Name("CN=pgbridge local CA " + Instant.now().getEpochSecond());
                X509Certificate caCert = caCertificate(caName, ca);
                writePem(caKeyFile, ca.getPrivate(), true);
                writePem(caFile, caCert, false);
            }
            X509Certificate caCert = readChain(caFile).get(0);
            PrivateKey caKey = readKey(caKeyFile);
            Path certFile = dir.resolve(CERT_FILE);
            Path keyFile = dir.resolve(KEY_FILE);
            Set<String> names = names(bindHost);
            X509Certificate cert = Files.exists(certFile) && Files.exists(keyFile) ? readChain(certFile).get(0) : null;
            if (cert == null || !covers(cert, names)
                    || cert.getNotAfter().toInstant().isBefore(Instant.now().plus(Duration.ofDays(7)))) {
                KeyPair server = keyPair();
                cert = serverCertificate(caCert, caKey, server, names);
                writePem(keyFile, server.getPrivate(), true);
                writePem(certFile, cert, false);
                return new Identity(List.of(cert, caCert), server.getPrivate(), caFile);
            }
            return new Identity(List.of(cert, caCert), readKey(keyFile), caFile);
        }
        catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new PgBridgeException(ErrorCode.IO, "cannot make the server's TLS certificate under " + dir + ": " + e.getMessage(),
                    "check that PGBRIDGE_HOME is writable, or give --tls-cert FILE --tls-key FILE", e);
        }
    }

    /** A certificate chain (PEM, leaf first) and its private key (PEM: PKCS#8, PKCS#1 or SEC1) given by the user. */
    public static Identity fromFiles(Path certFile, Path keyFile) {
        try {
            List<X509Certificate> chain = readChain(certFile);
            if (chain.isEmpty()) {
                throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "no certificate in " + certFile,
                        "give a PEM file that starts with -----BEGIN CERTIFICATE-----");
            }
            return new Identity(chain, readKey(keyFile), null);
        }
        catch (IOException | GeneralSecurityException e) {
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "cannot read the TLS certificate or key: " + e.getMessage(),
                    "give PEM files: --tls-cert with the certificate chain, --tls-key with its unencrypted private key", e);
        }
    }

    public static String fingerprint(X509Certificate certificate) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        }
        catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot fingerprint a certificate", e);
        }
    }

    /** Reads every certificate of a PEM file, in order. */
    public static List<X509Certificate> readChain(Path file) throws IOException, GeneralSecurityException {
        List<X509Certificate> chain = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser parser = new PEMParser(reader)) {
            JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                if (o instanceof X509CertificateHolder holder) {
                    chain.add(converter.getCertificate(holder));
                }
            }
        }
        return chain;
    }

    private static PrivateKey readKey(Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser parser = new PEMParser(reader)) {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                if (o instanceof PEMKeyPair pair) {
                    return converter.getKeyPair(pair).getPrivate();
                }
                if (o instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
            }
        }
        throw new IOException("no unencrypted private key in " + file);
    }

    private static KeyPair keyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
        return generator.generateKeyPair();
    }

    private static X509Certificate caCertificate(X500Name name, KeyPair ca)
            throws GeneralSecurityException, OperatorCreationException, IOException {
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial(), Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(Duration.ofDays(3650))), name, ca.getPublic());
        JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        builder.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(ca.getPublic()));
        return sign(builder, ca.getPrivate());
    }

    private static X509Certificate serverCertificate(X509Certificate caCert, PrivateKey caKey, KeyPair server, Set<String> names)
            throws GeneralSecurityException, OperatorCreationException, IOException {
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(caCert, serial(),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(825))),
                new X500Name("CN=" + names.iterator().next()), server.getPublic());
        JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
        List<GeneralName> alternatives = new ArrayList<>();
        for (String n : names) {
            alternatives.add(new GeneralName(isAddress(n) ? GeneralName.iPAddress : GeneralName.dNSName, n));
        }
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(alternatives.toArray(new GeneralName[0])));
        builder.addExtension(Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(caCert));
        builder.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(server.getPublic()));
        return sign(builder, caKey);
    }

    private static X509Certificate sign(JcaX509v3CertificateBuilder builder, PrivateKey key)
            throws OperatorCreationException, GeneralSecurityException {
        ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(key);
        return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    }

    private static BigInteger serial() {
        return new BigInteger(127, new SecureRandom()).add(BigInteger.ONE);
    }

    /** localhost, 127.0.0.1, ::1, this host's name, and the bind address unless it is a wildcard. */
    static Set<String> names(String bindHost) {
        Set<String> names = new LinkedHashSet<>(List.of("localhost", "127.0.0.1", "::1"));
        try {
            names.add(InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT));
        }
        catch (IOException e) {
            // no resolvable host name: the loopback names still serve local clients
        }
        if (bindHost != null && !bindHost.isBlank() && !bindHost.equals("0.0.0.0") && !bindHost.equals("::")) {
            names.add(bindHost.toLowerCase(Locale.ROOT));
        }
        return names;
    }

    private static boolean covers(X509Certificate cert, Set<String> names) throws GeneralSecurityException {
        Set<String> present = new LinkedHashSet<>();
        if (cert.getSubjectAlternativeNames() != null) {
            for (List<?> entry : cert.getSubjectAlternativeNames()) {
                present.add(String.valueOf(entry.get(1)).toLowerCase(Locale.ROOT));
            }
        }
        for (String n : names) {
            if (!present.contains(n) && !(isAddress(n) && present.stream().anyMatch(p -> sameAddress(p, n)))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAddress(String name) {
        return name.contains(":") || name.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    }

    private static boolean sameAddress(String a, String b) {
        if (!isAddress(a) || !isAddress(b)) {
            return false;
        }
        try {
            return InetAddress.getByName(a).equals(InetAddress.getByName(b));
        }
        catch (IOException e) {
            return false;
        }
    }

    private static void writePem(Path file, Object object, boolean secret) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            if (object instanceof PrivateKey key) {
                writer.writeObject(new JcaPKCS8Generator(key, null)); // PKCS#8 "PRIVATE KEY", as openssl writes today
            }
            else {
                writer.writeObject(object);
            }
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        if (secret && tmp.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.US_ASCII, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            out.write(text.toString());
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
