package dev.pgbridge.cli;

import dev.pgbridge.cli.command.CliEnvironment;
import dev.pgbridge.cli.command.TopCommand;
import dev.pgbridge.cli.command.VersionProvider;
import dev.pgbridge.store.ConnectionStores;
import picocli.CommandLine;

/** Composition root of the command line: builds the {@link CommandLine}, runs it, exits with its code. */
public final class PgBridgeCli {
    private PgBridgeCli() {}

    public static void main(String[] args) {
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            // answered before the command line is built: picocli is compiled for Java 5, so its classes cannot go in
            // the JDK's ahead-of-time cache and pass the old verifier on every start (about 110 ms of a short command)
            for (String line : VersionProvider.lines()) {
                System.out.println(line);
            }
            System.exit(0);
        }
        CliEnvironment environment = CliEnvironment.system();
        LogSetup.configure(environment.home().logsDir());
        // logging starts here, on this thread: SLF4J started from a second thread hands this one a substitute and
        // prints a warning about replayed calls on stderr when this one logs meanwhile (sqlite-jdbc's loader logs)
        org.slf4j.LoggerFactory.getILoggerFactory();
        Thread.ofPlatform().daemon().name("pgbridge-preload").start(() -> preload(environment));
        int code;
        try (environment) {
            code = newCommandLine(environment, args).execute(args);
        }
        catch (OutOfMemoryError e) {
            // picocli hands Errors on: one line and a hint instead of the JVM's stack trace
            ErrorPrinter.printOutOfMemory(new java.io.PrintWriter(System.err, true));
            code = 1;
        }
        System.exit(code);
    }

    /**
     * What nearly every command loads before its first output, loaded on a second core while the main thread builds
     * and parses the command line (picocli's model, a third of a short command's time): the store's driver and its
     * native library. Writes no file; a failure here is the main thread's to meet again, so it is ignored.
     */
    private static void preload(CliEnvironment environment) {
        try {
            ConnectionStores.preloadDriver(environment.home());
        }
        catch (RuntimeException | LinkageError e) {
            // the main thread loads the same classes when it needs them and reports what fails there
        }
    }

    /** The whole command line, every command in it. */
    public static CommandLine newCommandLine(CliEnvironment environment) {
        return newCommandLine(environment, new String[0]);
    }

    /** The command line that runs {@code args}: only the command they name is built (see TopCommand.addCommands). */
    public static CommandLine newCommandLine(CliEnvironment environment, String[] args) {
        CommandLine commandLine = new CommandLine(new TopCommand(), new CommandFactory(environment));
        TopCommand.addCommands(commandLine, args);
        commandLine.setExecutionExceptionHandler(new ErrorPrinter());
        commandLine.setParameterExceptionHandler(new UsageErrorPrinter());
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setUsageHelpAutoWidth(true);
        shareVersion(commandLine, commandLine.getCommandSpec().versionProvider());
        shortSynopsis(commandLine);
        TopCommand.groupHelp(commandLine);
        return commandLine;
    }

    /** {@code pgbridge query [OPTIONS] [CONN_ID]}: the usage line a usage error shows, and the first line of --help. */
    private static void shortSynopsis(CommandLine command) {
        command.getCommandSpec().usageMessage().abbreviateSynopsis(true);
        for (CommandLine sub : command.getSubcommands().values()) {
            shortSynopsis(sub);
        }
    }

    /** Every subcommand has a --version (mixinStandardHelpOptions); it prints what the top command's prints. */
    private static void shareVersion(CommandLine command, CommandLine.IVersionProvider version) {
        for (CommandLine sub : command.getSubcommands().values()) {
            if (sub.getCommandSpec().versionProvider() == null) {
                sub.getCommandSpec().versionProvider(version);
            }
            shareVersion(sub, version);
        }
    }
}
