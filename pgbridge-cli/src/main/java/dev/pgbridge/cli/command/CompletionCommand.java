package dev.pgbridge.cli.command;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

@Command(name = "completion", mixinStandardHelpOptions = true,
        description = {"Print the shell completion script for bash or zsh (commands, subcommands, options, values).",
                "Load it in the current shell:  source <(pgbridge completion bash)",
                "or for every shell:  pgbridge completion bash > ~/.local/share/bash-completion/completions/pgbridge",
                "In zsh:  source <(pgbridge completion zsh)  (in ~/.zshrc)."})
final class CompletionCommand implements Callable<Integer> {
    /** Lower case, as typed and as the completion offers them. */
    enum Shell { bash, zsh }

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SHELL", description = "bash or zsh.")
    Shell shell;

    @Override
    public Integer call() {
        // one script for both: run in zsh, it loads zsh's bash-completion layer (bashcompinit) itself
        String script = AutoComplete.bash(spec.root().name(), spec.root().commandLine());
        spec.commandLine().getOut().print(script);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
