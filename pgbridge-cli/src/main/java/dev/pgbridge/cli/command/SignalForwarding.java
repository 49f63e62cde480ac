package dev.pgbridge.cli.command;

import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Passes SIGINT, SIGTERM and SIGHUP that pgbridge receives on to a child process (by {@code kill -SIG pid}),
 * so {@code pgbridge run} behaves like the task itself under an orchestrator.
 */
final class SignalForwarding {
    private static final String[] SIGNALS = {"INT", "TERM", "HUP"};
    private final Map<String, SignalHandler> previous;

    private SignalForwarding(Map<String, SignalHandler> previous) {
        this.previous = previous;
    }

    static SignalForwarding install(Process child) {
        Map<String, SignalHandler> previous = new HashMap<>();
        for (String name : SIGNALS) {
            try {
                previous.put(name, Signal.handle(new Signal(name), signal -> forward(child, signal.getName())));
            }
            catch (IllegalArgumentException e) {
                // this signal cannot be handled on this platform or is reserved by the JVM: leave it alone
            }
        }
        return new SignalForwarding(previous);
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
        previous.forEach((name, handler) -> Signal.handle(new Signal(name), handler));
    }
}
