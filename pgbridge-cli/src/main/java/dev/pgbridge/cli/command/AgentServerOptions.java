package dev.pgbridge.cli.command;

import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.secret.Secret;
import dev.pgbridge.server.agent.ConnectionFetcher;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code --server URL [--cacert FILE]} with the agent token from {@code PGBRIDGE_TOKEN}, {@code --token-file FILE} or
 * {@code --token TOKEN}: where {@code pgbridge run} fetches connections from a pgbridge server (the agent channel)
 * instead of the local store. The token is never required on the command line, where other users see it in {@code ps}.
 */
final class AgentServerOptions {
    static final String TOKEN_ENV = "PGBRIDGE_TOKEN";

    @Option(names = "--server", paramLabel = "URL",
            description = "Fetch the connections from this pgbridge server (https://HOST:PORT) with an agent token, "
                    + "over verified TLS, instead of reading the local store. Nothing fetched is written to disk.")
    String server;

    @Option(names = "--cacert", paramLabel = "FILE",
            description = "Trust exactly this CA (PEM) for --server, e.g. the server's PGBRIDGE_HOME/tls/ca.pem; "
                    + "default: the system's trust store.")
    Path cacert;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "Read the agent token for --server from this file (default: env " + TOKEN_ENV + ").")
    Path tokenFile;

    @Option(names = "--token", paramLabel = "TOKEN",
            description = "The agent token for --server. Visible to other users in ps: prefer env " + TOKEN_ENV
                    + " or --token-file.")
    String token;

    /** The fetcher for {@code --server}, or null when the connections come from the local store. */
    ConnectionFetcher fetcher(Map<String, String> env, PrintWriter err) {
        if (server == null) {
            if (token != null || tokenFile != null || cacert != null) {
                throw new UsageError("--token, --token-file and --cacert go with --server",
                        "add --server https://HOST:PORT, or drop them to use the local store");
            }
            return null;
        }
        if (token != null && tokenFile != null) {
            throw new UsageError("both --token and --token-file given", "give the token once (best: env " + TOKEN_ENV + ")");
        }
        String text;
        if (token != null) {
            err.println("warning: a token on the command line is visible to other users (ps); prefer env " + TOKEN_ENV
                    + " or --token-file");
            text = token;
        }
        else if (tokenFile != null) {
            text = read(tokenFile);
        }
        else {
            text = env.get(TOKEN_ENV);
            if (text == null || text.isBlank()) {
                throw new UsageError("no token for --server " + server,
                        "set env " + TOKEN_ENV + " to an agent token, or give --token-file FILE "
                                + "(an admin makes one: pgbridge server token create --tenant T --role agent)");
            }
        }
        String stripped = text.strip();
        if (stripped.isEmpty()) {
            throw new UsageError("the token for --server is empty", "give the agent token printed by pgbridge server token create");
        }
        return ConnectionFetcher.create(server, Secret.of(stripped), cacert);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        }
        catch (NoSuchFileException e) {
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "--token-file " + file + " does not exist",
                    "write the agent token into that file (mode 0600), or set env " + TOKEN_ENV, e);
        }
        catch (IOException e) {
            throw new PgBridgeException(ErrorCode.IO, "cannot read --token-file " + file + ": " + e.getMessage(),
                    "check the file's permissions", e);
        }
    }
}
