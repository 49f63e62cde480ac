package dev.pgbridge.cli.command;

import picocli.CommandLine.Command;

@Command(name = "pgbridge",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "The PostgreSQL connector for data platforms: connections, data access, change data capture.",
        subcommands = {
                ConnCommand.class,
                QueryCommand.class,
                ExportCommand.class,
                RunCommand.class,
                DoctorCommand.class,
                StoreCommand.class,
                DemoCommand.class,
                SchemasCommand.class,
                TablesCommand.class,
                ColumnsCommand.class,
                PreviewCommand.class,
                CaptureCommand.class,
                LoadCommand.class,
                CopyCommand.class,
                picocli.CommandLine.HelpCommand.class,
        })
public final class TopCommand {
}
