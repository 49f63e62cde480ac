package dev.pgbridge.cli.command;

import picocli.CommandLine.Command;

@Command(name = "store", mixinStandardHelpOptions = true, description = "Manage the control store.",
        subcommands = StoreRotateKeyCommand.class)
public final class StoreCommand {
}
