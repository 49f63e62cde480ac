package dev.pgbridge.connection;

import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

import javax.net.ssl.SSLException;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.NoSuchFileException;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * Turns a {@link SQLException} (from pgjdbc, or from HikariCP wrapping one) into a {@link PgBridgeException}: by
 * SQLSTATE, and for connection failures ({@code 08xxx}) by the exception types in the cause chain — never by
 * PostgreSQL's message text. The one exception to that: pgjdbc raises {@code 08004} both for "the server does not
 * support SSL" and for a missing password, and only its text tells them apart.
 *
 * <p>Messages name host, port, database and login, never the password; the original exception stays the cause.
 */
public final class SqlErrors {
    private SqlErrors() {
    }

    /** The translation of a failure talking to {@code target}. */
    public static PgBridgeException translate(SQLException e, ConnectionConfig target) {
        requireNonNull(e, "exception is null");
        requireNonNull(target, "target is null");
        Where where = Where.of(target);
        SQLException primary = primary(e);
        String state = primary.getSQLState() == null ? "" : primary.getSQLState();
        String server = serverMessage(primary);

        if (state.startsWith("08") || state.isEmpty()) {
            PgBridgeException network = network(e, where, null);
            if (network != null) {
                return network;
            }
        }
        return switch (state) {
            case "28P01" -> new PgBridgeException(ErrorCode.AUTHENTICATION_FAILED,
                    "cannot log in to " + where.at() + ": " + server,
                    "check the password saved for login \"" + where.login + "\" and set the right one with "
                            + "pgbridge conn edit; if it is right, the role's password may have expired "
                            + "(VALID UNTIL) or the role may not exist", e);
            case "28000" -> rejected(e, where, server);
            case "3D000" -> new PgBridgeException(ErrorCode.DATABASE_NOT_FOUND,
                    "cannot connect to " + where.hosts + " as \"" + where.login + "\": " + server,
                    "check the database name (it is case-sensitive); list the databases with "
                            + "SELECT datname FROM pg_database (or psql -l) and fix it with pgbridge conn edit", e);
            case "42501" -> new PgBridgeException(ErrorCode.PRIVILEGE_MISSING,
                    "permission denied on " + where.at() + ": " + server,
                    "ask the owner of the object or a superuser to grant the privilege to \"" + where.login
                            + "\"; pgbridge doctor <conn_id> --for read,write,cdc,usage prints the exact GRANT", e);
            case "57P01" -> new PgBridgeException(ErrorCode.SERVER_SHUTDOWN,
                    "the server at " + where.hosts + " ended the session: " + server,
                    "the server is shutting down or restarting, or an administrator ended the session "
                            + "(pg_terminate_backend); retry when it is back", e);
            case "57P02" -> new PgBridgeException(ErrorCode.SERVER_SHUTDOWN,
                    "the server at " + where.hosts + " ended the session after a crash: " + server,
                    "another server process crashed and the server is restarting; retry in a few seconds, "
                            + "and read the server log for the cause", e);
            case "57P03" -> new PgBridgeException(ErrorCode.SERVER_SHUTDOWN,
                    "the server at " + where.hosts + " is not accepting connections now: " + server,
                    "it is starting up, shutting down or recovering; retry in a few seconds, and if it lasts "
                            + "read the server log (a standby with hot_standby = off never accepts connections)", e);
            case "53300" -> new PgBridgeException(ErrorCode.TOO_MANY_CONNECTIONS,
                    "the server at " + where.hosts + " refused a new session for \"" + where.login + "\": " + server,
                    "close idle sessions (see SELECT pid, usename, state FROM pg_stat_activity), lower the pool "
                            + "size, or raise max_connections (needs a restart) or the role's CONNECTION LIMIT", e);
            case "57014" -> new PgBridgeException(ErrorCode.TIMEOUT,
                    "the statement was canceled on " + where.at() + ": " + server,
                    "it ran into statement_timeout or was canceled; raise the timeout or narrow the query", e);
            case "08004" -> connectionRejected(e, primary, where);
            default -> state.startsWith("08") || state.isEmpty()
                    ? new PgBridgeException(ErrorCode.CONNECTION_FAILED,
                            "cannot connect to " + where.at() + ": " + describe(e),
                            "check host, port and network; the server log may tell more", e)
                    : new PgBridgeException(ErrorCode.SQL_ERROR,
                            server + " (SQLSTATE " + state + ")", null, e);
        };
    }

    /**
     * The translation of a raw network failure to {@code host:port} of {@code target} (DNS, TCP, the TLS probe):
     * the same messages and hints as the JDBC path.
     */
    public static PgBridgeException translate(IOException e, ConnectionConfig target, JdbcTarget.Endpoint endpoint) {
        requireNonNull(e, "exception is null");
        Where where = Where.of(target);
        PgBridgeException network = network(e, where, endpoint);
        if (network != null) {
            return network;
        }
        String address = endpoint == null ? where.hosts : endpoint.address();
        return new PgBridgeException(ErrorCode.CONNECTION_FAILED,
                "cannot talk to " + address + ": " + describe(e),
                "check host, port and network", e);
    }

    /** The server at {@code endpoint} answered PostgreSQL's SSLRequest with "no", but sslmode requires TLS. */
    public static PgBridgeException tlsNotSupported(ConnectionConfig target, JdbcTarget.Endpoint endpoint) {
        Where where = Where.of(target);
        return tlsNotSupported(where, endpoint == null ? where.hosts : endpoint.address(), null);
    }

    private static PgBridgeException tlsNotSupported(Where where, String address, Throwable cause) {
        return new PgBridgeException(ErrorCode.TLS_NOT_SUPPORTED_BY_SERVER,
                "the server at " + address + " does not support TLS, but sslmode=" + where.sslMode
                        + " requires it (database \"" + where.database + "\", login \"" + where.login + "\")",
                "turn TLS on in the server (ssl = on with ssl_cert_file and ssl_key_file, then "
                        + "SELECT pg_reload_conf()), or, on a trusted network only, set sslmode=prefer", cause);
    }

    private static PgBridgeException rejected(SQLException e, Where where, String server) {
        if ("disable".equals(where.sslMode)) {
            return new PgBridgeException(ErrorCode.TLS_REQUIRED_BY_SERVER,
                    "the server at " + where.hosts + " rejected login \"" + where.login + "\" to database \""
                            + where.database + "\" without TLS: " + server,
                    "pg_hba.conf accepts this login only over TLS (hostssl); set sslmode=require, or better "
                            + "sslmode=verify-full with sslrootcert", e);
        }
        String tls = JdbcTarget.requiresTls(where.sslMode) ? "over TLS" : "with or without TLS";
        return new PgBridgeException(ErrorCode.NO_PG_HBA_ENTRY,
                "the server at " + where.hosts + " rejected login \"" + where.login + "\" to database \""
                        + where.database + "\" " + tls + ": " + server,
                "pg_hba.conf has no line that lets this login into this database from this address " + tls
                        + " (or a line rejects it, e.g. one that allows only unencrypted connections); ask the DBA "
                        + "to add one such as: hostssl " + where.database + " " + where.login
                        + " <client address>/32 scram-sha-256, then SELECT pg_reload_conf()", e);
    }

    private static PgBridgeException connectionRejected(SQLException e, SQLException primary, Where where) {
        String text = String.valueOf(primary.getMessage());
        if (JdbcTarget.requiresTls(where.sslMode) && text.contains("SSL")) {
            return tlsNotSupported(where, where.hosts, e);
        }
        if (!where.hasPassword) {
            return new PgBridgeException(ErrorCode.AUTHENTICATION_FAILED,
                    "cannot log in to " + where.at() + ": the server asks for a password and the connection has none",
                    "set a password with pgbridge conn edit (it is asked for, never passed as an argument)", e);
        }
        return new PgBridgeException(ErrorCode.AUTHENTICATION_FAILED,
                "the connection to " + where.at() + " was rejected: " + text,
                "check the authentication method in the server's pg_hba.conf for this login", e);
    }

    /** Classifies a failure by the network exceptions in its cause chain; null when none decides. */
    private static PgBridgeException network(Throwable e, Where where, JdbcTarget.Endpoint endpoint) {
        String address = endpoint == null ? where.hosts : endpoint.address();
        List<Throwable> chain = chain(e);
        for (Throwable t : chain) {
            if (t instanceof UnknownHostException u) {
                String host = endpoint != null ? endpoint.host() : u.getMessage() == null ? where.hosts : u.getMessage();
                return new PgBridgeException(ErrorCode.UNKNOWN_HOST,
                        "unknown host \"" + host + "\": the name does not resolve (port " + where.ports
                                + ", database \"" + where.database + "\", login \"" + where.login + "\")",
                        "check the spelling of the host, or use its IP address; see what DNS says with "
                                + "getent hosts " + host, e);
            }
        }
        for (Throwable t : chain) {
            if (t instanceof ConnectException) {
                return new PgBridgeException(ErrorCode.CONNECTION_REFUSED,
                        "connection to " + address + " refused: nothing accepts connections there (database \""
                                + where.database + "\", login \"" + where.login + "\")",
                        "check host and port (PostgreSQL listens on 5432 by default); make sure the server runs "
                                + "and listens on this address (listen_addresses) and no firewall rejects it", e);
            }
        }
        for (Throwable t : chain) {
            if (t instanceof SocketTimeoutException || t instanceof SQLTimeoutException) {
                return new PgBridgeException(ErrorCode.TIMEOUT,
                        "no answer from " + address + " in time (connect_timeout " + where.connectTimeout.toSeconds()
                                + " s, login_timeout " + where.loginTimeout.toSeconds() + " s; database \""
                                + where.database + "\", login \"" + where.login + "\")",
                        "the host may be down or a firewall may drop the packets, or the port may belong to "
                                + "something that is not PostgreSQL; check host and port, or raise connect_timeout "
                                + "and login_timeout in extra", e);
            }
        }
        for (Throwable t : chain) {
            if (t instanceof TlsVerificationException tls) {
                return tlsVerification(tls, e);
            }
        }
        for (Throwable t : chain) {
            if (t instanceof CertificateException || t instanceof java.security.cert.CertPathValidatorException
                    || t instanceof java.security.cert.CertPathBuilderException) {
                return new PgBridgeException(ErrorCode.TLS_VERIFY_FAILED,
                        "the TLS certificate of " + address + " could not be verified with sslmode=" + where.sslMode
                                + ": " + rootMessage(t),
                        "set sslrootcert to the CA certificate (PEM) that signed the server's certificate (for a "
                                + "self-signed server certificate, that certificate itself)", e);
            }
        }
        boolean tlsFile = chain.stream().anyMatch(t -> t instanceof FileNotFoundException
                || t instanceof NoSuchFileException || t instanceof GeneralSecurityException);
        if (tlsFile && !"disable".equals(where.sslMode)) {
            return new PgBridgeException(ErrorCode.TLS_VERIFY_FAILED,
                    "a TLS certificate or key file for " + address + " could not be read: " + describe(e),
                    "point sslrootcert (and sslcert/sslkey, if used) at readable PEM files; without sslrootcert "
                            + "the root certificate file is $HOME/.postgresql/root.crt, as in libpq", e);
        }
        for (Throwable t : chain) {
            if (t instanceof SSLException) {
                return new PgBridgeException(ErrorCode.TLS_NOT_SUPPORTED_BY_SERVER,
                        "the TLS handshake with " + address + " failed: " + t.getMessage(),
                        "the server, or a proxy in front of it, did not complete TLS; check the server's ssl "
                                + "settings, or use sslmode=prefer where TLS is not needed", e);
            }
        }
        if (e instanceof SQLException sql && "08006".equals(primary(sql).getSQLState())
                && primary(sql).getCause() == null && "verify-full".equals(where.sslMode)) {
            // pgjdbc's own host name check fails with 08006 and no cause
            return new PgBridgeException(ErrorCode.TLS_VERIFY_FAILED,
                    "the TLS certificate of " + address + " does not name the host: " + describe(e),
                    "connect with a name the certificate lists (CN or subjectAltName), or use sslmode=verify-ca", e);
        }
        if (e instanceof SQLTransientConnectionException && primary((SQLException) e) == e
                && e.getCause() == null) {
            // HikariCP: no connection free in the pool within connectionTimeout
            return new PgBridgeException(ErrorCode.TIMEOUT,
                    "no pooled connection to " + where.at() + " became free in time: " + e.getMessage(),
                    "connections are held too long or the pool is too small; close connections after use or "
                            + "raise maximumPoolSize", e);
        }
        return null;
    }

    /**
     * A certificate refused as libpq would refuse it, naming the root certificate file and why it was read (given as
     * sslrootcert, or libpq's default that sslmode=require also uses when it exists).
     */
    private static PgBridgeException tlsVerification(TlsVerificationException tls, Throwable e) {
        String file = tls.rootCertificate().map(f -> "\"" + f + "\"").orElse("(no home directory)");
        String source = tls.rootCertificateGiven() ? "sslrootcert" : "the default root certificate file";
        return switch (tls.reason()) {
            case ROOT_CERTIFICATE_MISSING -> new PgBridgeException(ErrorCode.TLS_VERIFY_FAILED,
                    tls.getMessage() + ": sslmode=" + tls.sslMode() + " needs it to verify the certificate of "
                            + tls.address(),
                    "provide the file " + file + " (the CA certificate, PEM, that signed the server's certificate) or "
                            + "set sslrootcert to where it is; or change sslmode to one that does not verify the "
                            + "certificate (require)", e);
            case NOT_TRUSTED -> new PgBridgeException(ErrorCode.TLS_VERIFY_FAILED,
                    "the TLS certificate of " + tls.address() + " could not be verified with sslmode=" + tls.sslMode()
                            + " against " + source + " " + file + ": " + rootMessage(tls),
                    (tls.rootCertificateGiven() || tls.sslMode().startsWith("verify")
                            ? "set sslrootcert to the CA certificate (PEM) that signed the server's certificate"
                            : "libpq, and so pgbridge, verifies the certificate under sslmode=" + tls.sslMode()
                                    + " when " + file + " exists: put the CA certificate (PEM) that signed the "
                                    + "server's certificate there, or set sslrootcert to it")
                            + " (for a self-signed server certificate, that certificate itself)", e);
            case HOST_NOT_NAMED -> new PgBridgeException(ErrorCode.TLS_VERIFY_FAILED,
                    "the TLS certificate of " + tls.address() + " does not name the host (sslmode=verify-full checks "
                            + "its subjectAltName entries, and its common name when no entry of the host's kind, "
                            + "DNS name or IP address, is present)",
                    "connect with a name the certificate lists (CN or subjectAltName), or use sslmode=verify-ca", e);
        };
    }

    /** The innermost SQLException that carries a SQLSTATE (HikariCP wraps pgjdbc's). */
    private static SQLException primary(SQLException e) {
        SQLException primary = e;
        for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            if (t instanceof SQLException s && s.getSQLState() != null) {
                primary = s;
            }
        }
        return primary;
    }

    /** PostgreSQL's own primary message (without DETAIL, which may carry values), else the exception's. */
    private static String serverMessage(SQLException e) {
        if (e instanceof PSQLException p) {
            ServerErrorMessage m = p.getServerErrorMessage();
            if (m != null && m.getMessage() != null) {
                return m.getMessage();
            }
        }
        return String.valueOf(e.getMessage());
    }

    private static List<Throwable> chain(Throwable e) {
        List<Throwable> chain = new java.util.ArrayList<>();
        for (Throwable t = e; t != null && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        Throwable root = chain(e).getLast();
        if (root != e && root.getMessage() != null && (message == null || !message.contains(root.getMessage()))) {
            return message + " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
        }
        return String.valueOf(message);
    }

    private static String rootMessage(Throwable t) {
        Throwable root = chain(t).getLast();
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    /** What a message says about the target; never the password. */
    private record Where(String hosts, String ports, String database, String login, String sslMode,
                         Duration connectTimeout, Duration loginTimeout, boolean hasPassword) {
        static Where of(ConnectionConfig c) {
            String login = c.login() == null ? "" : c.login();
            String database = c.database() == null || c.database().isEmpty() ? login : c.database();
            String sslMode = c.extraValue(ExtraOption.SSLMODE.key());
            sslMode = sslMode == null ? ExtraOption.SSLMODE.defaultValue() : sslMode;
            String hosts = c.host() + ":" + (c.port() == null ? ConnectionConfig.DEFAULT_PORT : c.port());
            String ports = c.port() == null ? Integer.toString(ConnectionConfig.DEFAULT_PORT) : c.port();
            Duration connect = Duration.ofSeconds(Long.parseLong(ExtraOption.CONNECT_TIMEOUT.defaultValue()));
            Duration loginTimeout = connect.plusSeconds(5);
            try {
                List<JdbcTarget.Endpoint> endpoints = JdbcTarget.endpoints(c);
                hosts = endpoints.stream().map(JdbcTarget.Endpoint::address).collect(Collectors.joining(","));
                ports = endpoints.stream().map(p -> Integer.toString(p.port())).distinct()
                        .collect(Collectors.joining(","));
            }
            catch (PgBridgeException invalid) {
                // keep the raw host and port text
            }
            try {
                JdbcTarget target = JdbcTarget.of(c);
                connect = target.connectTimeout();
                loginTimeout = target.loginTimeout();
            }
            catch (PgBridgeException invalid) {
                // keep the default timeouts
            }
            return new Where(hosts, ports, database, login, sslMode, connect, loginTimeout, c.hasPassword());
        }

        /** {@code host:port (database "d", login "l")}. */
        String at() {
            return hosts + " (database \"" + database + "\", login \"" + login + "\")";
        }
    }
}
