package dev.pgbridge.cli.command;

import dev.pgbridge.cli.output.OutputFormat;
import dev.pgbridge.cli.output.Rows;
import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.doctor.ConnectionTester;
import dev.pgbridge.doctor.TestReport;
import dev.pgbridge.doctor.TestStep;
import dev.pgbridge.secret.SecretRedactor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "test", mixinStandardHelpOptions = true,
        description = "Check a connection step by step: DNS, TCP, TLS (per sslmode), authentication, database, server version.")
final class ConnTestCommand implements Callable<Integer> {
    private final CliEnvironment environment;

    @Spec
    CommandSpec spec;

    @Mixin
    ConnOption target;

    @Mixin
    FormatOption format;

    ConnTestCommand(CliEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ConnectionConfig config = target.resolve(environment, err).config();
        TestReport report = new ConnectionTester(environment.env()).test(config);
        Rows rows = Rows.of(List.of("step", "status", "ms", "detail"));
        for (TestStep step : report.steps()) {
            rows = rows.with(step.name(), step.status().name(), step.duration().toMillis(),
                    SecretRedactor.global().redact(step.detail()));
        }
        if (format.format() == OutputFormat.TABLE) {
            out.println("Testing " + ConnShowCommand.target(config) + (config.connId() == null ? "" : " (" + config.connId() + ")"));
        }
        rows.print(out, format.format());
        if (report.ok()) {
            if (format.format() == OutputFormat.TABLE) {
                out.println("connection ok" + report.tlsVerdict().map(tls -> " (" + tls + ")").orElse(""));
            }
            return 0;
        }
        TestStep failed = report.failure().orElseThrow();
        err.println("error: " + failed.name() + " failed: " + SecretRedactor.global().redact(failed.detail()));
        String hint = failed.hint();
        if (failed.name().equals(TestStep.AUTHENTICATION) && !config.hasPassword()) {
            // the likely cause, in the user's terms: nothing was sent because nothing is saved
            hint = config.connId() == null ? "the URL has no password; give one through --url-env VAR"
                    : "this connection has no password saved; " + ConnectionInput.addPassword(config.connId(), config.tenant());
        }
        if (hint != null) {
            err.println("hint: " + SecretRedactor.global().redact(hint));
        }
        err.flush();
        return 1;
    }
}
