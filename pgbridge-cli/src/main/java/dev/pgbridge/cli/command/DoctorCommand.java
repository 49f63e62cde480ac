package dev.pgbridge.cli.command;

import dev.pgbridge.cli.output.OutputFormat;
import dev.pgbridge.cli.output.Rows;
import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.doctor.Capability;
import dev.pgbridge.doctor.Doctor;
import dev.pgbridge.doctor.DoctorCheck;
import dev.pgbridge.doctor.DoctorReport;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.secret.SecretRedactor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = {"Check privileges and settings per capability and print the SQL that fixes each gap.",
                "Checks:",
                "  read (USAGE/SELECT), write (CREATE on the schema), cdc (wal_level, REPLICATION, free slots and WAL senders),",
                "  usage (pg_stat_statements, pg_read_all_stats)."})
final class DoctorCommand implements Callable<Integer> {
    private final CliEnvironment environment;

    @Spec
    CommandSpec spec;

    @Mixin
    ConnOption target;

    @Option(names = "--for", paramLabel = "CAPS", defaultValue = "read",
            description = "Capabilities to check, comma-separated: read, write, cdc, usage (default: ${DEFAULT-VALUE}).")
    String capabilities;

    @Mixin
    FormatOption format;

    DoctorCommand(CliEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Set<Capability> wanted;
        try {
            wanted = Capability.parse(capabilities);
        }
        catch (PgBridgeException e) {
            throw new UsageError("--for: " + e.getMessage(), e.hint());
        }
        ConnectionConfig config = target.resolve(environment, spec.commandLine().getErr()).config();
        DoctorReport report = new Doctor(environment.env()).check(config, wanted);
        SecretRedactor redactor = SecretRedactor.global();
        if (format.format() == OutputFormat.TABLE) {
            out.println("Doctor for " + ConnShowCommand.target(config) + ", capabilities " + capabilities);
            for (DoctorCheck check : report.checks()) {
                out.printf("%-5s %-26s %s%n", check.status().name(), check.name(), redactor.redact(check.found()));
                if (check.fix() != null && !check.fix().isBlank()) {
                    for (String line : check.fix().split("\n")) {
                        out.println("      fix: " + redactor.redact(line));
                    }
                }
            }
            out.println(report.ok() ? "all required checks passed" : "some checks failed: apply the fixes above");
            out.flush();
        }
        else {
            Rows rows = Rows.of(List.of("check", "capability", "status", "found", "fix"));
            for (DoctorCheck check : report.checks()) {
                rows = rows.with(check.name(), check.capability() == null ? null : check.capability().key(),
                        check.status().name(), redactor.redact(check.found()), check.fix() == null ? null : redactor.redact(check.fix()));
            }
            rows.print(out, format.format());
        }
        return report.ok() ? 0 : 1;
    }
}
