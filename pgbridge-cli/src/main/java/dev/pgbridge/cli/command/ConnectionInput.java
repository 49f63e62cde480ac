package dev.pgbridge.cli.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.connection.ExtraOption;
import dev.pgbridge.connection.UriDialect;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.secret.Secret;
import picocli.CommandLine.Option;

import java.io.ByteArrayOutputStream;
import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The ways a connection is described on the command line: a URI (argument or environment variable, in the
 * airflow or libpq dialect) or field options. A password never comes from its own argument: it comes from the
 * URI, a prompt, standard input or an environment variable.
 */
public final class ConnectionInput {
    @Option(names = "--uri", paramLabel = "URI", description = "Connection URI (visible in the process list if it has a password: prefer --uri-env).")
    String uri;

    @Option(names = "--uri-env", paramLabel = "VAR", description = "Read the connection URI from this environment variable.")
    String uriEnv;

    @Option(names = "--dialect", paramLabel = "DIALECT", defaultValue = "airflow",
            description = "How to read --uri: airflow (default) or libpq.")
    String dialect;

    @Option(names = "--conn-type", paramLabel = "TYPE", description = "Connection type (default postgres).")
    String connType;

    @Option(names = "--host", paramLabel = "HOST", description = "Host name, IP address or socket directory; comma-separated for several.")
    String host;

    @Option(names = "--port", paramLabel = "PORT", description = "Port (default 5432).")
    String port;

    @Option(names = {"--database", "--schema"}, paramLabel = "DATABASE", description = "Database name (Airflow calls it schema).")
    String database;

    @Option(names = "--login", paramLabel = "LOGIN", description = "User name.")
    String login;

    @Option(names = "--extra", paramLabel = "JSON", description = "Extra as a JSON object, e.g. '{\"sslmode\": \"require\"}'.")
    String extra;

    @Option(names = "--sslmode", paramLabel = "MODE", description = "disable, allow, prefer (default), require, verify-ca, verify-full.")
    String sslmode;

    @Option(names = "--description", paramLabel = "TEXT", description = "Free text shown in listings.")
    String description;

    @Option(names = "--password-stdin", description = "Read the password from standard input (one trailing newline is dropped).")
    boolean passwordStdin;

    @Option(names = "--password-env", paramLabel = "VAR", description = "Read the password from this environment variable.")
    String passwordEnv;

    @Option(names = "--prompt-password", description = "Ask for the password on the terminal (the default for 'conn add' with field options).")
    boolean promptPassword;

    boolean hasUri() {
        return uri != null || uriEnv != null;
    }

    boolean hasFields() {
        return connType != null || host != null || port != null || database != null || login != null
                || extra != null || sslmode != null;
    }

    boolean hasPasswordSource() {
        return passwordStdin || passwordEnv != null || promptPassword;
    }

    /**
     * The connection described: {@code base} (null for a new one) overridden by a URI, then by field options,
     * then by a password from stdin/env/prompt.
     */
    ConnectionConfig apply(ConnectionConfig base, CliEnvironment environment, PrintWriter err, boolean promptWhenMissing) {
        if (uri != null && uriEnv != null) {
            throw usage("give either --uri or --uri-env, not both");
        }
        ConnectionConfig.Builder b = base == null ? ConnectionConfig.builder() : base.toBuilder();
        if (hasUri()) {
            String text = uri != null ? uri : requiredEnv(environment, uriEnv, "--uri-env");
            // refused before anything is saved: no '://', another scheme, a bad % escape, a port out of range
            ConnectionConfig parsed = UriDialect.fromName(dialect).parseToSave(text);
            if (uri != null && parsed.hasPassword()) {
                ArgumentWarnings.passwordInArgument(err, "--uri", "--uri-env");
            }
            b.connType(parsed.connType()).host(parsed.host()).port(parsed.port()).database(parsed.database())
                    .login(parsed.login()).extra(parsed.extra());
            if (parsed.hasPassword()) {
                b.password(parsed.password());
            }
        }
        if (connType != null) {
            b.connType(connType);
        }
        if (host != null) {
            b.host(host);
        }
        if (port != null) {
            b.port(port);
        }
        if (database != null) {
            b.database(database);
        }
        if (login != null) {
            b.login(login);
        }
        if (description != null) {
            b.description(description);
        }
        if (extra != null) {
            b.extra(validExtraObject(extra));
        }
        ConnectionConfig config = b.build();
        if (sslmode != null) {
            String problem = ExtraOption.SSLMODE.problem(sslmode);
            if (problem != null) {
                throw usage("--sslmode " + sslmode + ": allowed: " + String.join(", ", ExtraOption.SSLMODE.allowedValues()));
            }
            config = config.withExtra(ExtraOption.SSLMODE.key(), sslmode);
        }
        UriDialect.checkToSave(config);
        Secret password = readPassword(environment, err, promptWhenMissing && !hasUri());
        if (password != null) {
            config = config.toBuilder().password(password).build();
        }
        return config;
    }

    private Secret readPassword(CliEnvironment environment, PrintWriter err, boolean promptWhenMissing) {
        int sources = (passwordStdin ? 1 : 0) + (passwordEnv != null ? 1 : 0) + (promptPassword ? 1 : 0);
        if (sources > 1) {
            throw usage("give only one of --password-stdin, --password-env and --prompt-password");
        }
        if (passwordStdin) {
            return Secret.of(readStdin(environment));
        }
        if (passwordEnv != null) {
            return Secret.of(requiredEnv(environment, passwordEnv, "--password-env"));
        }
        if (promptPassword || promptWhenMissing) {
            Console console = System.console();
            if (console == null) {
                if (promptPassword) {
                    throw usage("--prompt-password needs a terminal; use --password-stdin or --password-env VAR");
                }
                err.println("note: no terminal to ask for a password, so none is set "
                        + "(use --password-stdin or --password-env VAR to set one)");
                return null;
            }
            char[] typed = console.readPassword("Password (empty for none): ");
            if (typed == null || typed.length == 0) {
                return null;
            }
            return Secret.of(new String(typed));
        }
        return null;
    }

    /** Standard input as text, one trailing newline dropped (a password piped in with printf or echo). */
    static String readStdin(CliEnvironment environment) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            environment.stdin().transferTo(bytes);
            String text = bytes.toString(StandardCharsets.UTF_8);
            if (text.endsWith("\r\n")) {
                return text.substring(0, text.length() - 2);
            }
            return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        }
        catch (IOException e) {
            throw new PgBridgeException(ErrorCode.IO, "cannot read the password from standard input: " + e.getMessage(),
                    "pipe the password in, e.g. printf %s \"$PW\" | pgbridge … --password-stdin", e);
        }
    }

    static String requiredEnv(CliEnvironment environment, String variable, String option) {
        String value = environment.env().get(variable);
        if (value == null) {
            throw usage(option + " " + variable + ": that environment variable is not set");
        }
        return value;
    }

    private static String validExtraObject(String json) {
        try {
            Object parsed = new ObjectMapper().readValue(json, Object.class);
            if (!(parsed instanceof Map<?, ?>)) {
                throw usage("--extra must be a JSON object, e.g. '{\"sslmode\": \"require\"}'");
            }
            return json;
        }
        catch (JsonProcessingException e) {
            throw usage("--extra is not valid JSON: " + e.getOriginalMessage());
        }
    }

    /**
     * Says clearly, when a connection is saved without a password, that it has none and how to add one; an
     * authentication failure then is no surprise ({@code conn test} says the same).
     */
    static void notePasswordless(ConnectionConfig saved, PrintWriter err) {
        if (!saved.hasPassword()) {
            err.println("note: connection " + saved.connId() + " has no password saved; " + addPassword(saved.connId(), saved.tenant()));
            err.flush();
        }
    }

    /** {@code add one with pgbridge conn edit ID --prompt-password …}, the real command and its password options. */
    static String addPassword(String connId, String tenant) {
        return "add one with 'pgbridge conn edit " + connId
                + (ConnectionConfig.DEFAULT_TENANT.equals(tenant) ? "" : " --tenant " + tenant)
                + " --prompt-password' (or --password-stdin, --password-env VAR)";
    }

    static PgBridgeException usage(String message) {
        return new UsageError(message, null);
    }
}
