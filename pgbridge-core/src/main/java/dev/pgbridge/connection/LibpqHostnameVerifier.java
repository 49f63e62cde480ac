package dev.pgbridge.connection;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.security.auth.x500.X500Principal;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The host name check of {@code sslmode=verify-full}, by libpq's rules (pgjdbc's own differs: it compares IP
 * addresses as text, so {@code ::1} never matches, and never falls back to the common name for an IP address):
 * <ul>
 *   <li>The host is an IP address when it parses as one (IPv4 in any form {@code inet_aton} takes, or IPv6).</li>
 *   <li>Every subjectAltName of type dNSName is compared with the host as a name, every iPAddress one with the host
 *       as an address (byte for byte); the first match wins.</li>
 *   <li>The common name (the first CN of the subject) is compared only when no subjectAltName has the host's type.</li>
 *   <li>Names compare case-insensitively; a name may start with {@code *.}, which stands for exactly one label.</li>
 * </ul>
 * pgjdbc creates it by class name ({@code sslhostnameverifier}), which pgbridge sets itself, never from user text.
 */
public final class LibpqHostnameVerifier implements HostnameVerifier {
    private static final int DNS_NAME = 2;
    private static final int IP_ADDRESS = 7;

    public LibpqHostnameVerifier() {
        // created by pgjdbc by reflection
    }

    @Override
    public boolean verify(String hostname, SSLSession session) {
        try {
            Certificate[] chain = session.getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate cert && matches(hostname, cert);
        }
        catch (SSLPeerUnverifiedException e) {
            return false;
        }
    }

    /** Whether {@code cert} names {@code host} as libpq's verify-full requires. */
    static boolean matches(String host, X509Certificate cert) {
        if (host == null || host.isEmpty()) {
            return false;
        }
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        Optional<byte[]> address = ipAddress(h);
        int hostType = address.isPresent() ? IP_ADDRESS : DNS_NAME;
        boolean checkCommonName = true;
        Collection<List<?>> names;
        try {
            names = cert.getSubjectAlternativeNames();
        }
        catch (CertificateParsingException e) {
            return false;
        }
        if (names != null) {
            for (List<?> name : names) {
                if (name.size() != 2 || !(name.get(0) instanceof Integer type)) {
                    continue;
                }
                if (type == hostType) {
                    checkCommonName = false;
                }
                if (type == DNS_NAME && name.get(1) instanceof String dns) {
                    if (dns.indexOf('\0') >= 0) {
                        return false; // libpq refuses a name with an embedded NUL (CVE-2009-4034)
                    }
                    if (nameMatches(dns, h)) {
                        return true;
                    }
                }
                else if (type == IP_ADDRESS && name.get(1) instanceof String ip) {
                    Optional<byte[]> certified = certificateAddress(ip);
                    if (certified.isEmpty()) {
                        return false; // libpq: an address of an invalid length is an error, not a mismatch
                    }
                    if (address.isPresent() && Arrays.equals(address.get(), certified.get())) {
                        return true;
                    }
                }
            }
        }
        if (!checkCommonName) {
            return false;
        }
        Optional<String> commonName = commonName(cert);
        return commonName.isPresent() && commonName.get().indexOf('\0') < 0 && nameMatches(commonName.get(), h);
    }

    /** libpq's name match: equal ignoring ASCII case, or {@code *.rest} where * stands for one whole label. */
    static boolean nameMatches(String pattern, String host) {
        if (pattern.equalsIgnoreCase(host)) {
            return true;
        }
        if (pattern.length() < 3 || !pattern.startsWith("*.") || pattern.length() > host.length()) {
            return false;
        }
        int start = host.length() - pattern.length() + 1; // where ".rest" must begin in the host
        if (!host.regionMatches(true, start, pattern, 1, pattern.length() - 1)) {
            return false;
        }
        int firstDot = host.indexOf('.');
        return firstDot >= start - 1 && firstDot >= 0;
    }

    /** The first CN of the subject, in the certificate's order, when it is text. */
    private static Optional<String> commonName(X509Certificate cert) {
        try {
            List<Rdn> rdns = new LdapName(cert.getSubjectX500Principal().getName(X500Principal.RFC2253)).getRdns();
            for (Rdn rdn : rdns) { // index 0 is the first RDN of the certificate's sequence
                if ("CN".equalsIgnoreCase(rdn.getType())) {
                    return rdn.getValue() instanceof String s ? Optional.of(s) : Optional.empty();
                }
            }
        }
        catch (InvalidNameException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** The bytes of an IP address literal as libpq reads a host (inet_aton for IPv4, inet_pton for IPv6). */
    static Optional<byte[]> ipAddress(String host) {
        Optional<byte[]> v4 = inetAton(host);
        if (v4.isPresent()) {
            return v4;
        }
        if (host.indexOf(':') < 0 || host.indexOf('%') >= 0 || !host.matches("[0-9A-Fa-f:.]+")) {
            return Optional.empty();
        }
        try {
            InetAddress parsed = InetAddress.getByName(host); // a literal: no lookup
            byte[] bytes = parsed.getAddress();
            if (parsed instanceof Inet4Address) { // Java turns ::ffff:a.b.c.d into IPv4; inet_pton keeps 16 bytes
                byte[] mapped = new byte[16];
                mapped[10] = (byte) 0xff;
                mapped[11] = (byte) 0xff;
                System.arraycopy(bytes, 0, mapped, 12, 4);
                return Optional.of(mapped);
            }
            return Optional.of(bytes);
        }
        catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    /** An iPAddress subjectAltName as Java prints it ("1.2.3.4", or IPv6 hex groups); empty when not 4 or 16 bytes. */
    private static Optional<byte[]> certificateAddress(String text) {
        if (text.indexOf('/') >= 0) {
            return Optional.empty(); // an address with a mask: 8 or 32 bytes
        }
        if (text.indexOf(':') < 0) {
            return inetAton(text);
        }
        return ipAddress(text).filter(b -> b.length == 16);
    }

    /**
     * IPv4 as {@code inet_aton} reads it: one to four parts separated by dots, each decimal, octal (leading 0) or
     * hexadecimal (0x); the last part fills the remaining bytes.
     */
    static Optional<byte[]> inetAton(String text) {
        if (text.isEmpty() || text.endsWith(".")) {
            return Optional.empty();
        }
        String[] parts = text.split("\\.", -1);
        if (parts.length > 4) {
            return Optional.empty();
        }
        long[] values = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i].toLowerCase(Locale.ROOT);
            try {
                if (p.startsWith("0x")) {
                    values[i] = p.length() == 2 ? 0 : Long.parseLong(p.substring(2), 16);
                }
                else if (p.length() > 1 && p.startsWith("0")) {
                    values[i] = Long.parseLong(p.substring(1), 8);
                }
                else {
                    values[i] = Long.parseLong(p, 10);
                }
            }
            catch (NumberFormatException e) {
                return Optional.empty();
            }
            if (p.startsWith("+") || p.startsWith("-") || values[i] < 0) {
                return Optional.empty();
            }
        }
        long address = 0;
        for (int i = 0; i < values.length - 1; i++) {
            if (values[i] > 0xff) {
                return Optional.empty();
            }
            address |= values[i] << (24 - 8 * i);
        }
        long last = values[values.length - 1];
        long lastMax = (1L << (8 * (5 - values.length))) - 1;
        if (last > lastMax) {
            return Optional.empty();
        }
        address |= last;
        return Optional.of(new byte[] {
                (byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address});
    }
}
