package dev.pgbridge.cli;

import dev.pgbridge.cli.command.CliEnvironment;
import dev.pgbridge.cli.command.TopCommand;
import picocli.CommandLine;

/** Composition root of the command line: builds the {@link CommandLine}, runs it, exits with its code. */
public final class PgBridgeCli {
    private PgBridgeCli() {}

    public static void main(String[] args) {
        CliEnvironment environment = CliEnvironment.system();
        LogSetup.configure(environment.home().logsDir());
        int code;
        try (environment) {
            code = newCommandLine(environment).execute(args);
        }
        System.exit(code);
    }

    public static CommandLine newCommandLine(CliEnvironment environment) {
        CommandLine commandLine = new CommandLine(new TopCommand(), new CommandFactory(environment));
        commandLine.setExecutionExceptionHandler(new ErrorPrinter());
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setUsageHelpAutoWidth(true);
        return commandLine;
    }
}
