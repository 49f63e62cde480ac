package dev.pgbridge.cli.command;

import java.io.PrintWriter;

/** The warnings pgbridge prints once about secrets given as command-line arguments. */
final class ArgumentWarnings {
    private ArgumentWarnings() {}

    static void passwordInArgument(PrintWriter err, String option, String safer) {
        err.println("warning: the URI given with " + option + " carries a password, which other users can see in "
                + "the process list; use " + safer + " VAR to pass it through the environment instead");
        err.flush();
    }
}
