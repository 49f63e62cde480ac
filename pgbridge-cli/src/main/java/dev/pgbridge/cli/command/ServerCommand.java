package dev.pgbridge.cli.command;

import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.secret.Secret;
import dev.pgbridge.server.PgBridgeServer;
import dev.pgbridge.server.ServerOptions;
import dev.pgbridge.server.auth.Role;
import dev.pgbridge.server.auth.ServerCertificates;
import dev.pgbridge.server.auth.ServerSchema;
import dev.pgbridge.server.auth.TokenStore;
import dev.pgbridge.server.auth.UserStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.Console;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "server", mixinStandardHelpOptions = true,
        description = {"Run the control plane: web UI (Admin -> Connections, catalog, query, captures, metadata), REST API "
                + "under /api/v1, tenants, users and tokens, and connection delivery to task runners over TLS.",
                "Serves HTTPS; without --tls-cert it makes a CA and a server certificate under PGBRIDGE_HOME/tls on first "
                        + "start and prints the CA file and its SHA-256 fingerprint.",
                "Example:",
                "  pgbridge server user add admin --tenant default --role admin",
                "  pgbridge server"})
final class ServerCommand implements Callable<Integer> {
    /** The subcommands, in the order picocli lists them (added by {@link TopCommand#addCommands}). */
    static final List<Class<?>> SUBCOMMANDS = List.of(UserCommand.class, TokenCommand.class, CaCommand.class);

    private final CliEnvironment environment;

    @Spec
    CommandSpec spec;

    @Option(names = "--bind", paramLabel = "ADDRESS", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String bind = ServerOptions.DEFAULT_BIND;

    @Option(names = "--port", description = "Port to listen on (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int port = ServerOptions.DEFAULT_PORT;

    @Option(names = "--tls-cert", paramLabel = "FILE", description = "PEM certificate chain to serve (with --tls-key).")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "PEM private key of --tls-cert (unencrypted).")
    Path tlsKey;

    @Option(names = "--insecure-http", description = "Serve plain HTTP (loopback addresses only). Secrets are then not sent.")
    boolean insecureHttp;

    @Option(names = "--allow-insecure-secrets",
            description = "With --insecure-http: send connection secrets over plain HTTP anyway (local use only).")
    boolean allowInsecureSecrets;

    ServerCommand(CliEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        if (allowInsecureSecrets && !insecureHttp) {
            throw new UsageError("--allow-insecure-secrets only makes sense with --insecure-http",
                    "drop it: over TLS secrets are delivered anyway");
        }
        long started = System.nanoTime();
        ServerOptions options = new ServerOptions(bind, port, tlsCert, tlsKey, insecureHttp, allowInsecureSecrets,
                VersionProvider.describe(VersionProvider.load()).replaceFirst("^pgbridge ", ""));
        PgBridgeServer server = PgBridgeServer.start(options, environment.home(), environment.store(), environment.storeDatabase());
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "pgbridge-server-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        long millis = (System.nanoTime() - started) / 1_000_000;
        out.println("pgbridge server listening on " + server.url() + " (started in " + millis + " ms)");
        server.identity().ifPresent(identity -> {
            if (identity.caFile() != null) {
                out.println("TLS: self-signed; trust the CA file " + identity.caFile());
                out.println("     CA SHA-256 fingerprint " + identity.fingerprint());
            }
            else {
                out.println("TLS: certificate from " + tlsCert + " (SHA-256 " + identity.fingerprint() + ")");
            }
        });
        if (insecureHttp) {
            err.println("warning: plain HTTP on " + bind + "; connection secrets are "
                    + (allowInsecureSecrets ? "sent anyway (--allow-insecure-secrets)" : "not sent over it"));
        }
        if (new UserStore(environment.storeDatabase()).list(dev.pgbridge.connection.ConnectionConfig.DEFAULT_TENANT).isEmpty()) {
            out.println("No user in tenant 'default' yet: pgbridge server user add admin --role admin");
        }
        out.println("API: " + server.url() + "/api/v1 (OpenAPI: " + server.url() + "/api/v1/openapi.json). Ctrl-C stops.");
        out.flush();
        stopped.await();
        return 0;
    }

    @Command(name = "user", mixinStandardHelpOptions = true, description = "Manage the web UI's users.")
    static final class UserCommand {
        static final List<Class<?>> SUBCOMMANDS = List.of(UserAddCommand.class, UserListCommand.class,
                UserDeleteCommand.class);
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = {"Add a user (or set the role and password of an existing one). The password is prompted, or "
                    + "read from standard input with --password-stdin; it is stored as a bcrypt hash.",
                    "Example:", "  pgbridge server user add alice --tenant team_a --role editor"})
    static final class UserAddCommand implements Callable<Integer> {
        private final CliEnvironment environment;
        @Spec
        CommandSpec spec;
        @Parameters(paramLabel = "NAME", description = "User name.")
        String name;
        @Option(names = "--tenant", description = "Tenant of the user (default: ${DEFAULT-VALUE}).")
        String tenant = dev.pgbridge.connection.ConnectionConfig.DEFAULT_TENANT;
        @Option(names = "--role", required = true, description = "admin, editor or viewer.")
        String role;
        @Option(names = "--password-stdin", description = "Read the password from standard input.")
        boolean passwordStdin;

        UserAddCommand(CliEnvironment environment) {
            this.environment = environment;
        }

        @Override
        public Integer call() {
            Role r = Role.parse(role);
            if (r == Role.AGENT) {
                throw new UsageError("a user cannot have the agent role", "give admin, editor or viewer; agents use tokens");
            }
            Secret password = password(environment, passwordStdin);
            UserStore users = new UserStore(migrated(environment));
            UserStore.User user = users.put(tenant, name, r, password);
            spec.commandLine().getOut().println("user " + user.name() + " saved in tenant " + user.tenant() + " with role "
                    + user.role().id());
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the users of a tenant.")
    static final class UserListCommand implements Callable<Integer> {
        private final CliEnvironment environment;
        @Spec
        CommandSpec spec;
        @Option(names = "--tenant", description = "Tenant (default: ${DEFAULT-VALUE}).")
        String tenant = dev.pgbridge.connection.ConnectionConfig.DEFAULT_TENANT;

        UserListCommand(CliEnvironment environment) {
            this.environment = environment;
        }

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            for (UserStore.User u : new UserStore(migrated(environment)).list(tenant)) {
                out.println(u.name() + "\t" + u.role().id());
            }
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a user.")
    static final class UserDeleteCommand implements Callable<Integer> {
        private final CliEnvironment environment;
        @Spec
        CommandSpec spec;
        @Parameters(paramLabel = "NAME")
        String name;
        @Option(names = "--tenant", description = "Tenant (default: ${DEFAULT-VALUE}).")
        String tenant = dev.pgbridge.connection.ConnectionConfig.DEFAULT_TENANT;

        UserDeleteCommand(CliEnvironment environment) {
            this.environment = environment;
        }

        @Override
        public Integer call() {
            if (!new UserStore(migrated(environment)).delete(tenant, name)) {
                throw new PgBridgeException(ErrorCode.NOT_FOUND, "no user '" + name + "' in tenant '" + tenant + "'",
                        "list them with pgbridge server user list --tenant " + tenant);
            }
            spec.commandLine().getOut().println("user " + name + " deleted from tenant " + tenant);
            return 0;
        }
    }

    @Command(name = "token", mixinStandardHelpOptions = true, description = "Manage API and agent tokens.")
    static final class TokenCommand {
        static final List<Class<?>> SUBCOMMANDS = List.of(TokenCreateCommand.class, TokenListCommand.class,
                TokenRevokeCommand.class);
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Create a Bearer token and print it once (only its SHA-256 is kept).",
                    "Example:", "  pgbridge server token create --tenant team_a --role agent --expires 30d"})
    static final class TokenCreateCommand implements Callable<Integer> {
        private final CliEnvironment environment;
        @Spec
        CommandSpec spec;
        @Option(names = "--tenant", description = "Tenant of the token (default: ${DEFAULT-VALUE}).")
        String tenant = dev.pgbridge.connection.ConnectionConfig.DEFAULT_TENANT;
        @Option(names = "--role", required = true, description = "editor, viewer or agent (agent: reads connections with secrets).")
        String role;
        @Option(names = "--expires", paramLabel = "DURATION", converter = DurationConverter.class,
                description = "Lifetime, e.g. 30d, 12h (default: never expires).")
        Duration expires;
        @Option(names = "--description", description = "What the token is for.")
        String description;

        TokenCreateCommand(CliEnvironment environment) {
            this.environment = environment;
        }

        @Override
        public Integer call() {
            TokenStore.Created created = new TokenStore(migrated(environment)).create(tenant, Role.parse(role), expires, description);
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            out.println(created.text().reveal());
            out.flush();
            err.println("token " + created.token().id() + " for tenant " + created.token().tenant() + ", role "
                    + created.token().role().id() + (created.token().expiresAt() == null ? ", never expires"
                    : ", expires " + created.token().expiresAt()) + ". It is shown only now: keep it in a secret store.");
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the tokens of a tenant (never their text).")
    static final class TokenListCommand implements Callable<Integer> {
        private final CliEnvironment environment;
        @Spec
        CommandSpec spec;
        @Option(names = "--tenant", description = "Tenant (default: ${DEFAULT-VALUE}).")
        String tenant = dev.pgbridge.connection.ConnectionConfig.DEFAULT_TENANT;

        TokenListCommand(CliEnvironment environment) {
            this.environment = environment;
        }

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            for (TokenStore.Token t : new TokenStore(migrated(environment)).list(tenant)) {
                out.println(t.id() + "\t" + t.role().id() + "\t" + (t.expiresAt() == null ? "never" : t.expiresAt()) + "\t"
                        + (t.description() == null ? "" : t.description()));
            }
            return 0;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a token by its id.")
    static final class TokenRevokeCommand implements Callable<Integer> {
        private final CliEnvironment environment;
        @Spec
        CommandSpec spec;
        @Parameters(paramLabel = "ID")
        String id;
        @Option(names = "--tenant", description = "Tenant (default: ${DEFAULT-VALUE}).")
        String tenant = dev.pgbridge.connection.ConnectionConfig.DEFAULT_TENANT;

        TokenRevokeCommand(CliEnvironment environment) {
            this.environment = environment;
        }

        @Override
        public Integer call() {
            if (!new TokenStore(migrated(environment)).revoke(tenant, id)) {
                throw new PgBridgeException(ErrorCode.NOT_FOUND, "no token '" + id + "' in tenant '" + tenant + "'",
                        "list them with pgbridge server token list --tenant " + tenant);
            }
            spec.commandLine().getOut().println("token " + id + " revoked");
            return 0;
        }
    }

    @Command(name = "ca", mixinStandardHelpOptions = true,
            description = {"Print the path of the server's self-signed CA file (what clients trust); with --fingerprint "
                    + "its SHA-256 fingerprint instead.",
                    "Example:", "  curl --cacert \"$(pgbridge server ca)\" https://127.0.0.1:8443/api/v1/health"})
    static final class CaCommand implements Callable<Integer> {
        private final CliEnvironment environment;
        @Spec
        CommandSpec spec;
        @Option(names = "--fingerprint", description = "Print the CA's SHA-256 fingerprint, to compare with the one the server printed.")
        boolean fingerprint;

        CaCommand(CliEnvironment environment) {
            this.environment = environment;
        }

        @Override
        public Integer call() {
            Path ca = environment.home().dir().resolve("tls").resolve(ServerCertificates.CA_FILE);
            java.util.List<java.security.cert.X509Certificate> chain;
            try {
                chain = java.nio.file.Files.exists(ca) ? ServerCertificates.readChain(ca) : java.util.List.of();
            }
            catch (java.io.IOException | java.security.GeneralSecurityException e) {
                throw new PgBridgeException(ErrorCode.IO, "cannot read " + ca + ": " + e.getMessage(),
                        "delete the tls directory and start the server again to make a new CA", e);
            }
            if (chain.isEmpty()) {
                throw new PgBridgeException(ErrorCode.NOT_FOUND, "no CA yet under " + ca.getParent(),
                        "start the server once (pgbridge server): it makes the CA on its first start");
            }
            spec.commandLine().getOut().println(fingerprint ? ServerCertificates.fingerprint(chain.get(0)) : ca.toString());
            return 0;
        }
    }

    private static dev.pgbridge.store.StoreDatabase migrated(CliEnvironment environment) {
        dev.pgbridge.store.StoreDatabase db = environment.storeDatabase();
        db.migrate(ServerSchema.COMPONENT, ServerSchema.MIGRATIONS);
        return db;
    }

    private static Secret password(CliEnvironment environment, boolean fromStdin) {
        if (fromStdin) {
            return Secret.of(ConnectionInput.readStdin(environment));
        }
        Console console = System.console();
        if (console == null) {
            throw new UsageError("no terminal to ask for the password", "pipe it in with --password-stdin");
        }
        char[] first = console.readPassword("Password: ");
        char[] second = console.readPassword("Password again: ");
        if (first == null || second == null || !java.util.Arrays.equals(first, second)) {
            throw new UsageError("the two passwords differ", "run the command again");
        }
        return Secret.of(new String(first));
    }
}
