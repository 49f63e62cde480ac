package dev.pgbridge.cli.command;

import java.io.IOException;
import java.util.List;

/**
 * Passes SIGINT, SIGTERM and SIGHUP that pgbridge receives on to a child process (by {@code kill -SIG pid}),
 * so {@code pgbridge run} behaves like the task itself under an orchestrator.
 */
final class SignalForwarding {
    private final Signals trapped;

    private SignalForwarding(Signals trapped) {
        this.trapped = trapped;
    }

    static SignalForwarding install(Process child) {
        return new SignalForwarding(Signals.trap(List.of("INT", "TERM", "HUP"), signal -> forward(child, signal)));
    }

    private static void forward(Process child, String signal) {
        if (!child.isAlive()) {
            return;
        }
        try {
            new ProcessBuilder("kill", "-" + signal, Long.toString(child.pid())).inheritIO().start();
        }
        catch (IOException e) {
            child.destroy();
        }
    }

    void uninstall() {
        trapped.close();
    }
}
