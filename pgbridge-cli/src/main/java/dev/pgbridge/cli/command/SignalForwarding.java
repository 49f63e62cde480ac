package dev.pgbridge.cli.command;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Passes SIGINT, SIGTERM and SIGHUP that pgbridge receives on to a child process (by {@code kill -SIG pid}),
 * so {@code pgbridge run} behaves like the task itself under an orchestrator. Installed before the child starts:
 * a signal that arrives in between is held and passed on as soon as the child is {@link #attach attached}.
 */
final class SignalForwarding {
    private final Signals trapped;
    private final List<String> pending = new ArrayList<>();
    private Process child;

    private SignalForwarding() {
        this.trapped = Signals.trap(List.of("INT", "TERM", "HUP"), this::received);
    }

    static SignalForwarding install() {
        return new SignalForwarding();
    }

    /** The child to pass signals to; signals received before it started are passed on now. */
    void attach(Process process) {
        List<String> held;
        synchronized (this) {
            child = process;
            held = List.copyOf(pending);
            pending.clear();
        }
        held.forEach(signal -> forward(process, signal));
    }

    private void received(String signal) {
        Process target;
        synchronized (this) {
            target = child;
            if (target == null) {
                pending.add(signal);
                return;
            }
        }
        forward(target, signal);
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
