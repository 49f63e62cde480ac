package dev.pgbridge.cli.command;

import dev.pgbridge.cli.output.Figures;
import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.connection.ConnectionImport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Import connections from a file written by 'airflow connections export' (.json, .yaml/.yml or .env).")
final class ConnImportCommand implements Callable<Integer> {
    private final CliEnvironment environment;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE")
    Path file;

    @Option(names = "--overwrite", description = "Replace connections that already exist (default: skip them).")
    boolean overwrite;

    @Mixin
    TenantOption tenant;

    ConnImportCommand(CliEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() {
        List<ConnectionConfig> connections = ConnectionImport.read(file);
        int added = 0;
        int replaced = 0;
        int skipped = 0;
        for (ConnectionConfig imported : connections) {
            ConnectionConfig c = imported.toBuilder().tenant(tenant.tenant()).build();
            boolean exists = environment.store().find(c.tenant(), c.connId()).isPresent();
            if (exists && !overwrite) {
                skipped++;
                spec.commandLine().getErr().println("skipped " + c.connId() + ": it exists (use --overwrite to replace it)");
            }
            else if (exists) {
                environment.store().update(c);
                replaced++;
            }
            else {
                environment.store().add(c);
                added++;
            }
        }
        spec.commandLine().getOut().println("imported " + Figures.count(connections.size(), "connection") + " from " + file
                + " into tenant " + tenant.tenant() + ": " + added + " added, " + replaced + " replaced, " + skipped + " skipped");
        return 0;
    }
}
