package dev.pgbridge.cli.command;

import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.store.ConnectionResolver;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.server.agent.ConnectionFetcher;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run a task with connections in its environment as AIRFLOW_CONN_<ID>.",
                "Example:",
                "  pgbridge run --conn pg_target -- python load.py",
                "From a pgbridge server (agent token in env PGBRIDGE_TOKEN, or --token-file; a --token on the command",
                "line is visible to other users in ps):",
                "  pgbridge run --server https://etl-server:8443 --cacert ca.pem --conn pg_target -- python load.py",
                "The child's output is its own; pgbridge's lines go to stderr. Its exit code and signals are passed on."})
final class RunCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(RunCommand.class);
    private final CliEnvironment environment;

    @Spec
    CommandSpec spec;

    @Option(names = "--conn", paramLabel = "ID[,ID…]", split = ",",
            description = "Connections to hand to the task (or name one as CONN_ID before --).")
    List<String> connIds = new ArrayList<>();

    @Option(names = "--json", description = "Hand over Airflow's JSON form (carries every extra) instead of the URI.")
    boolean json;

    @Mixin
    TenantOption tenant;

    @Mixin
    AgentServerOptions agent;

    @Parameters(paramLabel = "[CONN_ID] -- COMMAND", arity = "1..*",
            description = "The connection id (or --conn ID), then after -- the task and its arguments.")
    List<String> arguments;

    RunCommand(CliEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        List<String> command = command();
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        Map<String, String> childEnv = builder.environment();
        // with --server the connections come from the server (agent channel) and stay in memory: only the child's
        // environment carries them
        ConnectionFetcher fetcher = agent.fetcher(environment.env(), err);
        if (fetcher != null && spec.commandLine().getParseResult().hasMatchedOption("--tenant")) {
            throw new UsageError("--tenant does not go with --server: the agent token's tenant decides",
                    "drop --tenant, or use an agent token of the tenant you want");
        }
        if (fetcher != null) {
            childEnv.remove(AgentServerOptions.TOKEN_ENV); // the task gets its connections, not the agent's token
        }
        for (String id : connIds) {
            ConnectionConfig c;
            String source;
            if (fetcher != null) {
                c = fetcher.fetch(id);
                source = "server " + fetcher.server();
            }
            else {
                ConnectionResolver.Resolved resolved = environment.resolver().resolve(id, tenant.tenant());
                c = resolved.config();
                source = resolved.source().name().toLowerCase(java.util.Locale.ROOT);
            }
            String variable = ConnectionConfig.envVarName(id);
            childEnv.put(variable, TaskForms.value(c, json, err));
            err.println("pgbridge: " + variable + " -> host " + nullToEmpty(c.host()) + ", port "
                    + (c.port() == null ? ConnectionConfig.DEFAULT_PORT : c.port()) + ", login " + nullToEmpty(c.login())
                    + " (from " + source + ")");
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

    /**
     * Splits the arguments at {@code --}: what comes before it names connections (as CONN_ID does elsewhere), what
     * follows is the task; without {@code --} every argument is the task. Fills {@link #connIds}.
     */
    private List<String> command() {
        List<String> original = spec.commandLine().getParseResult().originalArgs();
        int separator = original.indexOf("--");
        int ids = separator < 0 ? 0 : Math.max(0, arguments.size() - (original.size() - separator - 1));
        // demo,warehouse before -- as --conn takes them, as well as demo warehouse
        List<String> positionalIds = arguments.subList(0, ids).stream()
                .flatMap(a -> java.util.Arrays.stream(a.split(","))).filter(a -> !a.isBlank()).toList();
        if (!connIds.isEmpty() && !positionalIds.isEmpty() && !connIds.containsAll(positionalIds)) {
            throw new UsageError("two different connections given: " + String.join(", ", positionalIds)
                    + " as CONN_ID and " + String.join(",", connIds) + " with --conn",
                    "give the connections once, before -- or with --conn ID[,ID…]");
        }
        if (connIds.isEmpty()) {
            connIds = new ArrayList<>(positionalIds);
        }
        if (connIds.isEmpty()) {
            throw new UsageError("no connection given",
                    "name it before --, e.g. pgbridge run demo -- psql, or with --conn ID[,ID…]");
        }
        List<String> task = arguments.subList(ids, arguments.size());
        if (task.isEmpty()) {
            throw new UsageError("no command given after --", "e.g. pgbridge run demo -- python load.py");
        }
        return List.copyOf(task);
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
