package dev.pgbridge.cli;

import dev.pgbridge.error.Suggestions;
import dev.pgbridge.secret.SecretRedactor;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Every usage error, found by picocli or by a command: {@code error:} what is wrong, {@code hint:} the nearest
 * subcommand, option or value when one is near, the command's short usage line, exit code 2.
 */
final class UsageErrorPrinter implements CommandLine.IParameterExceptionHandler {
    @Override
    public int handleParseException(CommandLine.ParameterException ex, String[] args) {
        CommandLine command = ex.getCommandLine();
        if (!command.getSubcommands().isEmpty() && String.valueOf(ex.getMessage()).startsWith("Missing required subcommand")) {
            // "pgbridge" or "pgbridge conn" alone: the list of commands is the answer
            command.usage(command.getErr());
            command.getErr().flush();
            return command.getCommandSpec().exitCodeOnInvalidInput();
        }
        String message = ex.getMessage();
        String hint = null;
        if (ex instanceof CommandLine.UnmatchedArgumentException unmatched && !unmatched.getUnmatched().isEmpty()) {
            String typed = unmatched.getUnmatched().get(0);
            boolean option = typed.startsWith("-");
            String word = option && typed.contains("=") ? typed.substring(0, typed.indexOf('=')) : typed;
            List<String> candidates = option ? optionNames(command.getCommandSpec()) : subcommandNames(command);
            if (!option && !candidates.isEmpty()) {
                message = "unknown command '" + word + "' for '" + command.getCommandSpec().qualifiedName() + "'";
            }
            else if (option) {
                message = "unknown option '" + word + "'";
            }
            else {
                message = "unexpected argument '" + word + "'";
            }
            hint = Suggestions.didYouMean(word, candidates);
        }
        else if (ex.getArgSpec() != null && ex.getValue() != null) {
            hint = Suggestions.didYouMean(ex.getValue(), allowedValues(ex.getArgSpec()));
        }
        return print(command, message, hint);
    }

    /** Prints a usage error of {@code command} and returns its exit code for invalid input (2). */
    static int print(CommandLine command, String message, String hint) {
        PrintWriter err = command.getErr();
        SecretRedactor redactor = SecretRedactor.global();
        err.println("error: " + redactor.redact(message));
        if (hint != null) {
            err.println("hint: " + redactor.redact(hint));
        }
        err.println("usage: " + command.getHelp().synopsis(0).strip());
        err.println("see '" + command.getCommandSpec().qualifiedName() + " --help'");
        err.flush();
        return command.getCommandSpec().exitCodeOnInvalidInput();
    }

    private static List<String> subcommandNames(CommandLine command) {
        List<String> names = new ArrayList<>();
        command.getSubcommands().forEach((name, sub) -> {
            if (!sub.getCommandSpec().usageMessage().hidden()) {
                names.add(name);
            }
        });
        return names;
    }

    private static List<String> optionNames(CommandSpec spec) {
        List<String> names = new ArrayList<>();
        for (OptionSpec o : spec.options()) {
            if (!o.hidden()) {
                for (String name : o.names()) {
                    if (name.startsWith("--")) {
                        names.add(name);
                    }
                }
            }
        }
        return names;
    }

    /** The values an enum-typed option or parameter takes, as they are typed (lower case). */
    private static List<String> allowedValues(ArgSpec arg) {
        List<String> values = new ArrayList<>();
        Iterable<String> candidates = arg.completionCandidates();
        if (candidates != null) {
            for (String c : candidates) {
                values.add(c.toLowerCase(Locale.ROOT));
            }
        }
        return values;
    }
}
