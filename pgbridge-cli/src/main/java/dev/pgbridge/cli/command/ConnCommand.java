package dev.pgbridge.cli.command;

import picocli.CommandLine.Command;

@Command(name = "conn", mixinStandardHelpOptions = true,
        description = "Manage saved connections (Airflow-compatible).",
        subcommands = {
                ConnAddCommand.class,
                ConnEditCommand.class,
                ConnListCommand.class,
                ConnShowCommand.class,
                ConnDeleteCommand.class,
                ConnTestCommand.class,
                ConnParseCommand.class,
                ConnUriCommand.class,
                ConnEnvCommand.class,
                ConnImportCommand.class,
                ConnExportCommand.class,
        })
public final class ConnCommand {
}
