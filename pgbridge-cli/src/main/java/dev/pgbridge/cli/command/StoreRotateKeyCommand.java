package dev.pgbridge.cli.command;

import dev.pgbridge.store.KeyRotation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

@Command(name = "rotate-key", mixinStandardHelpOptions = true,
        description = {"Re-encrypt every saved secret under a new master key, in one transaction.",
                "With a key file (PGBRIDGE_HOME/master.key) pgbridge makes the new key itself.",
                "With PGBRIDGE_MASTER_KEY set, give the new key in another variable: --new-key-env VAR",
                "(make one with: openssl rand -base64 32), then switch PGBRIDGE_MASTER_KEY to it."})
final class StoreRotateKeyCommand implements Callable<Integer> {
    private final CliEnvironment environment;

    @Spec
    CommandSpec spec;

    @Option(names = "--new-key-env", paramLabel = "VAR", description = "Environment variable holding the new key (when PGBRIDGE_MASTER_KEY is used).")
    String newKeyEnv;

    StoreRotateKeyCommand(CliEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() {
        KeyRotation.Result result = new KeyRotation(environment.home(), environment.store(), environment.env()).rotate(newKeyEnv);
        spec.commandLine().getOut().println(result.message());
        return 0;
    }
}
