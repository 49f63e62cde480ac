package dev.pgbridge.cli.command;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

@Command(name = "pgbridge",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "The PostgreSQL connector for data platforms: connections, data access, change data capture.")
public final class TopCommand {
    /**
     * The commands, in the order picocli lists them. They are added to the command line by {@link #addCommands}, not
     * by the annotation: building a command's model reads its annotations by reflection, and a run needs only its own.
     */
    private static final Map<String, Class<?>> COMMANDS = commands();

    private static Map<String, Class<?>> commands() {
        Map<String, Class<?>> commands = new LinkedHashMap<>();
        commands.put("conn", ConnCommand.class);
        commands.put("query", QueryCommand.class);
        commands.put("export", ExportCommand.class);
        commands.put("run", RunCommand.class);
        commands.put("doctor", DoctorCommand.class);
        commands.put("store", StoreCommand.class);
        commands.put("demo", DemoCommand.class);
        commands.put("schemas", SchemasCommand.class);
        commands.put("tables", TablesCommand.class);
        commands.put("columns", ColumnsCommand.class);
        commands.put("preview", PreviewCommand.class);
        commands.put("capture", CaptureCommand.class);
        commands.put("load", LoadCommand.class);
        commands.put("copy", CopyCommand.class);
        commands.put("metadata", MetadataCommand.class);
        commands.put("quality", QualityCommand.class);
        commands.put("lineage", LineageCommand.class);
        commands.put("server", ServerCommand.class);
        commands.put("completion", CompletionCommand.class);
        commands.put("help", CommandLine.HelpCommand.class);
        return commands;
    }

    /**
     * The subcommands of the commands that have them, added like the top-level ones (see {@link #addCommands}), each
     * list declared by its command.
     */
    private static final Map<Class<?>, List<Class<?>>> SUBCOMMANDS = Map.of(
            ConnCommand.class, ConnCommand.SUBCOMMANDS,
            CaptureCommand.class, CaptureCommand.SUBCOMMANDS,
            MetadataCommand.class, MetadataCommand.SUBCOMMANDS,
            QualityCommand.class, QualityCommand.SUBCOMMANDS,
            ServerCommand.class, ServerCommand.SUBCOMMANDS,
            ServerCommand.UserCommand.class, ServerCommand.UserCommand.SUBCOMMANDS,
            ServerCommand.TokenCommand.class, ServerCommand.TokenCommand.SUBCOMMANDS);

    /**
     * Adds the commands {@code args} can reach: the one command it names (with, level by level, the one subcommand
     * it names, or all of them when it names none), none for a bare {@code --version}, and all of them otherwise
     * (help, completion, a usage error that suggests a name).
     */
    public static void addCommands(CommandLine top, String[] args) {
        String first = args.length == 0 ? null : args[0];
        if (first != null && COMMANDS.containsKey(first) && !first.equals("help") && !first.equals("completion")) {
            add(top, first, COMMANDS.get(first), List.of(args).subList(1, args.length));
            return;
        }
        if (args.length == 1 && (first.equals("--version") || first.equals("-V"))) {
            return;
        }
        COMMANDS.forEach((name, command) -> add(top, name, command, List.of()));
    }

    /** Adds {@code command} under {@code parent}, then its subcommands that {@code rest} (the arguments after it) reaches. */
    private static void add(CommandLine parent, String name, Class<?> command, List<String> rest) {
        parent.addSubcommand(name, command);
        List<Class<?>> subcommands = SUBCOMMANDS.get(command);
        if (subcommands == null) {
            return;
        }
        CommandLine line = parent.getSubcommands().get(name);
        Class<?> named = null;
        if (!rest.isEmpty() && !rest.contains("--help") && !rest.contains("-h")) {
            for (Class<?> sub : subcommands) {
                Command c = sub.getAnnotation(Command.class);
                if (c.name().equals(rest.get(0)) || List.of(c.aliases()).contains(rest.get(0))) {
                    named = sub;
                }
            }
        }
        for (Class<?> sub : named != null ? List.of(named) : subcommands) {
            add(line, sub.getAnnotation(Command.class).name(), sub, named != null ? rest.subList(1, rest.size()) : List.of());
        }
    }

    /** The sections of the top-level help, in order, each command with its one line; an empty section is left out. */
    private static final Map<String, Map<String, String>> GROUPS = groups();

    private static Map<String, Map<String, String>> groups() {
        Map<String, Map<String, String>> groups = new LinkedHashMap<>();
        groups.put("Connections", ordered(
                "conn", "Save, show, test, import and export connections (Airflow-compatible)",
                "doctor", "Check privileges and settings for read, write, cdc, usage; print the fixes",
                "run", "Run a task with connections in its environment as AIRFLOW_CONN_<ID>",
                "demo", "Start an embedded PostgreSQL with sample data, saved as connection 'demo'",
                "store", "Manage the control store (rotate the master key)"));
        groups.put("Data", ordered(
                "query", "Run SQL and print the results as a table, JSON, JSON lines or CSV",
                "export", "Write a table or query to CSV or JSON lines, streaming",
                "load", "Load a CSV or JSON-lines file into a table, all or nothing",
                "copy", "Copy a table or query from one PostgreSQL into another"));
        groups.put("Capture", ordered(
                "capture", "Change data capture: backfill, then stream changes into a sink"));
        groups.put("Metadata", ordered(
                "schemas", "List the schemas of a database",
                "tables", "List tables, views and partitioned tables with rows and size",
                "columns", "List the columns of a table or view",
                "preview", "Show the first rows of a table or view",
                "metadata", "Run OpenMetadata-style workflows: ingest schemas, tables and columns",
                "quality", "Run data-quality tests (OpenMetadata's definitions); exit 1 when one fails",
                "lineage", "Print the table and column lineage of SQL statements"));
        groups.put("Server", ordered(
                "server", "Run the control plane: web UI, REST API, tenants, users, tokens, agent channel"));
        groups.put("Shell", ordered(
                "completion", "Print the bash or zsh completion script",
                "help", "Show the help of a command"));
        return groups;
    }

    private static Map<String, String> ordered(String... nameAndLine) {
        Map<String, String> lines = new LinkedHashMap<>();
        for (int i = 0; i < nameAndLine.length; i += 2) {
            lines.put(nameAndLine[i], nameAndLine[i + 1]);
        }
        return lines;
    }

    /** Replaces picocli's flat command list in {@code pgbridge --help} by the sections above, one line per command. */
    public static void groupHelp(CommandLine top) {
        top.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_COMMAND_LIST_HEADING, help -> "");
        top.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_COMMAND_LIST, help -> commandList(top));
    }

    static String commandList(CommandLine top) {
        Map<String, CommandLine> commands = top.getSubcommands();
        List<String> listed = new ArrayList<>();
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Map<String, String>> group : GROUPS.entrySet()) {
            List<String> names = group.getValue().keySet().stream().filter(commands::containsKey).toList();
            if (names.isEmpty()) {
                continue;
            }
            sb.append(System.lineSeparator()).append(group.getKey()).append(':').append(System.lineSeparator());
            for (String name : names) {
                sb.append(line(name, group.getValue().get(name)));
                listed.add(name);
            }
        }
        List<String> rest = commands.keySet().stream().filter(n -> !listed.contains(n)).toList();
        if (!rest.isEmpty()) {
            sb.append(System.lineSeparator()).append("Other:").append(System.lineSeparator());
            for (String name : rest) {
                String[] description = commands.get(name).getCommandSpec().usageMessage().description();
                sb.append(line(name, description.length == 0 ? "" : description[0]));
            }
        }
        return sb.toString();
    }

    private static String line(String name, String text) {
        return String.format(java.util.Locale.ROOT, "  %-12s %s%n", name, text);
    }
}
