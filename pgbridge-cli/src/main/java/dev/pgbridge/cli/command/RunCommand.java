package dev.pgbridge.cli.command;

import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.store.ConnectionResolver;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run a task with connections in its environment as AIRFLOW_CONN_<ID>.",
                "Example:",
                "  pgbridge run --conn pg_target -- python load.py",
                "The child's output is its own; pgbridge's lines go to stderr. Its exit code and signals are passed on."})
final class RunCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(RunCommand.class);
    private final CliEnvironment environment;

    @Spec
    CommandSpec spec;

    @Option(names = "--conn", paramLabel = "ID[,ID…]", split = ",", required = true,
            description = "Connections to hand to the task.")
    List<String> connIds;

    @Option(names = "--json", description = "Hand over Airflow's JSON form (carries every extra) instead of the URI.")
    boolean json;

    @Mixin
    TenantOption tenant;

    @Parameters(paramLabel = "COMMAND", arity = "1..*", description = "The task and its arguments (after --).")
    List<String> command;

    RunCommand(CliEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        Map<String, String> childEnv = builder.environment();
        for (String id : connIds) {
            ConnectionResolver.Resolved resolved = environment.resolver().resolve(id, tenant.tenant());
            ConnectionConfig c = resolved.config();
            String variable = ConnectionConfig.envVarName(id);
            childEnv.put(variable, TaskForms.value(c, json, err));
            err.println("pgbridge: " + variable + " -> host " + nullToEmpty(c.host()) + ", port "
                    + (c.port() == null ? ConnectionConfig.DEFAULT_PORT : c.port()) + ", login " + nullToEmpty(c.login())
                    + " (from " + resolved.source().name().toLowerCase(java.util.Locale.ROOT) + ")");
        }
        err.flush();
        // trapped before the child starts, so a signal that comes at once is not lost (nor kills pgbridge alone)
        SignalForwarding forwarding = SignalForwarding.install();
        try {
            Process child;
            try {
                child = builder.start();
            }
            catch (IOException e) {
                throw new PgBridgeException(ErrorCode.IO, "cannot start " + command.get(0) + ": " + e.getMessage(),
                        "check that the command exists and is executable (it is looked up on PATH)", e);
            }
            log.info("run: started pid {} for {} with {}", child.pid(), command.get(0), connIds);
            forwarding.attach(child);
            int code = child.waitFor();
            log.info("run: pid {} exited with {}", child.pid(), code);
            return code;
        }
        finally {
            forwarding.uninstall();
        }
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
