package dev.pgbridge.cli.command;

import dev.pgbridge.cdc.engine.CaptureConfig;
import dev.pgbridge.cdc.engine.CaptureDirectory;
import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.secret.SecretRedactor;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;

/**
 * {@code --config FILE} (and {@code --tenant} for {@code connection: <conn_id>}): loads a capture config and resolves
 * its source connection and state directory.
 */
public final class CaptureConfigOption {
    /** Exit code of a config that cannot be used: a usage error. */
    static final int CONFIG_ERROR = 2;

    @Option(names = "--config", paramLabel = "FILE", required = true, description = "The capture's YAML config.")
    Path file;

    @Option(names = "--tenant", paramLabel = "TENANT", defaultValue = ConnectionConfig.DEFAULT_TENANT,
            description = "Tenant of a saved connection named by 'connection:' (default: ${DEFAULT-VALUE}).")
    String tenant;

    /** The config, or null after printing its problems (the command then exits with {@link #CONFIG_ERROR}). */
    CaptureConfig load(PrintWriter err) {
        try {
            return CaptureConfig.load(file);
        }
        catch (PgBridgeException e) {
            if (e.code() != ErrorCode.INVALID_CONFIG && e.code() != ErrorCode.IO) {
                throw e;
            }
            SecretRedactor redactor = SecretRedactor.global();
            err.println("error: " + redactor.redact(file + ": " + e.getMessage()));
            if (e.hint() != null) {
                err.println("hint: " + redactor.redact(e.hint()));
            }
            err.flush();
            return null;
        }
    }

    /** The source: the saved connection the config names, or its address/database/user/password. */
    ConnectionConfig source(CliEnvironment environment, CaptureConfig config) {
        if (config.connection() != null) {
            return environment.resolver().resolve(config.connection(), tenant).config();
        }
        return config.sourceConnection().orElseThrow();
    }

    static CaptureDirectory directory(CliEnvironment environment, CaptureConfig config) {
        return CaptureDirectory.of(environment.home().capturesDir(), config.name());
    }
}
