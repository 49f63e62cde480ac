package dev.pgbridge.cli.command;

import dev.pgbridge.cli.output.Figures;
import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.connection.ConnectionExport;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.FileErrors;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.store.StoredConnection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Write saved connections in the formats 'airflow connections export' writes (and 'pgbridge conn "
                + "import' reads): .json and .yaml (an object of conn_id → fields), .env (conn_id=URI lines).",
                "Passwords (and sensitive extras) are left out unless --reveal is given; a file written with them is "
                        + "readable by its owner only."},
        footer = {"", "Examples:",
                "  pgbridge conn export --output connections.json",
                "  pgbridge conn export demo warehouse --output conns.env --reveal"})
final class ConnExportCommand implements Callable<Integer> {
    private final CliEnvironment environment;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "CONN_ID", arity = "0..*", description = "The connections to export (default: all of the tenant).")
    List<String> ids = new ArrayList<>();

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "json, yaml or env (default: from the --output file's extension; json on stdout).")
    ConnectionExport.Format format;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", defaultValue = "-",
            description = "The file to write, or - for stdout (the default).")
    String output;

    @Option(names = "--serialization-format", paramLabel = "FORM", defaultValue = "uri",
            description = ".env lines: uri (default, as Airflow; a URI has no description) or json (every field).")
    ConnectionExport.Serialization serialization;

    @Option(names = "--reveal", description = "Include passwords (and sensitive extras).")
    boolean reveal;

    @Mixin
    TenantOption tenant;

    ConnExportCommand(CliEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() {
        ConnectionExport.Format chosen = FormatByExtension.choose(format, output, ConnectionExport.Format.class,
                ConnectionExport.Format.JSON);
        List<ConnectionConfig> connections = new ArrayList<>();
        if (ids.isEmpty()) {
            for (StoredConnection s : environment.store().list(tenant.tenant())) {
                connections.add(s.config());
            }
        }
        else {
            for (String id : ids) {
                connections.add(environment.requireSaved(tenant.tenant(), id).config());
            }
        }
        String text = ConnectionExport.write(connections, chosen, serialization, reveal);
        PrintWriter err = spec.commandLine().getErr();
        long described = connections.stream().filter(c -> c.description() != null && !c.description().isEmpty()).count();
        if (chosen == ConnectionExport.Format.ENV && serialization == ConnectionExport.Serialization.URI && described > 0) {
            err.println("note: a URI has no description: " + described + " description(s) left out; "
                    + "--serialization-format json keeps them");
        }
        long withSecrets = connections.stream().filter(ConnectionExport::hasSecrets).count();
        if (!reveal && withSecrets > 0) {
            err.println("note: passwords left out (" + withSecrets + " of " + connections.size() + " connections have "
                    + "one); give --reveal to include them");
            err.flush();
        }
        if (output.equals("-")) {
            spec.commandLine().getOut().print(text);
            spec.commandLine().getOut().flush();
        }
        else {
            write(Path.of(output), text, reveal && withSecrets > 0);
            spec.commandLine().getOut().println("exported " + Figures.count(connections.size(), "connection") + " of tenant "
                    + tenant.tenant() + " to " + output + (reveal ? " (with passwords)" : ""));
        }
        return 0;
    }

    private static void write(Path file, String text, boolean secret) {
        Path partial = file.toAbsolutePath().resolveSibling("." + file.getFileName() + ".part");
        try {
            Files.deleteIfExists(partial);
            createFile(partial, secret);
            Files.writeString(partial, text, StandardCharsets.UTF_8);
            Files.move(partial, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        catch (IOException e) {
            try {
                Files.deleteIfExists(partial);
            }
            catch (IOException ignored) {
                // the write's error is the one to report
            }
            throw new PgBridgeException(ErrorCode.IO, "cannot write " + file + ": " + FileErrors.reason(e),
                    "check the path and that its directory exists and is writable", e);
        }
    }

    /** A file with passwords is owner-only from its creation, not after a chmod that leaves a window. */
    private static void createFile(Path file, boolean secret) throws IOException {
        if (secret) {
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                return;
            }
            catch (UnsupportedOperationException e) {
                // not a POSIX file system: its default permissions apply
            }
        }
        Files.createFile(file);
    }
}
