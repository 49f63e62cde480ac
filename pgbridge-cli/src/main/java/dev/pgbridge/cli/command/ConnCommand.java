package dev.pgbridge.cli.command;

import picocli.CommandLine.Command;

import java.util.List;

@Command(name = "conn", mixinStandardHelpOptions = true,
        description = "Manage saved connections (Airflow-compatible).")
public final class ConnCommand {
    /** The subcommands, in the order picocli lists them (added by {@link TopCommand#addCommands}). */
    static final List<Class<?>> SUBCOMMANDS = List.of(ConnAddCommand.class, ConnEditCommand.class,
            ConnListCommand.class, ConnShowCommand.class, ConnDeleteCommand.class, ConnTestCommand.class,
            ConnParseCommand.class, ConnUriCommand.class, ConnEnvCommand.class, ConnImportCommand.class,
            ConnExportCommand.class);
}
