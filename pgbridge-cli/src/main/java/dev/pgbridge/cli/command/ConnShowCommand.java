package dev.pgbridge.cli.command;

import dev.pgbridge.cli.output.Rows;
import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.connection.ExtraOption;
import dev.pgbridge.secret.SecretRedactor;
import dev.pgbridge.store.StoredConnection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "show", mixinStandardHelpOptions = true, description = "Show one saved connection (the password only as set/not set).")
final class ConnShowCommand implements Callable<Integer> {
    private final CliEnvironment environment;

    @Spec
    CommandSpec spec;

    @Mixin
    ConnIdOption conn;

    @Mixin
    FormatOption format;

    ConnShowCommand(CliEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() {
        StoredConnection s = environment.requireSaved(conn.tenant(), conn.requiredId());
        ConnectionConfig c = s.config();
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("conn_id", c.connId());
        fields.put("tenant", c.tenant());
        fields.put("conn_type", c.connType());
        fields.put("host", c.host());
        fields.put("port", c.singlePort() != null ? c.singlePort() : c.port());
        fields.put("database", c.database());
        fields.put("login", c.login());
        fields.put("password", c.hasPassword() ? "set" : "not set");
        fields.put("extra", maskedExtra(c));
        fields.put("description", c.description());
        fields.put("credential_version", s.credentialVersion());
        fields.put("created_at", s.createdAt().toString());
        fields.put("updated_at", s.updatedAt().toString());
        Rows.printRecord(spec.commandLine().getOut(), format.format(), fields);
        return 0;
    }

    /** Extra with sensitive values (per {@link ExtraOption}, or keys that look like secrets) shown as ****. */
    static Map<String, Object> maskedExtra(ConnectionConfig c) {
        Map<String, Object> extra = c.extraMap();
        extra.replaceAll((k, v) -> ExtraOption.sensitiveKey(k)
                || k.toLowerCase(java.util.Locale.ROOT).matches(".*(password|secret|token|key).*") ? SecretRedactor.MASK : v);
        return extra;
    }

    /** {@code login@host:port/database}, for one-line summaries (no secret). */
    static String target(ConnectionConfig c) {
        return (c.login() == null ? "" : c.login() + "@") + (c.host() == null ? "" : c.host())
                + (c.port() == null ? "" : ":" + c.port()) + "/" + (c.database() == null ? "" : c.database());
    }
}
