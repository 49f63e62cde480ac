package dev.pgbridge.cli.output;

import java.io.Console;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether one of the standard streams is a terminal. {@code System.console()} answers for the process as a whole
 * (stdin and stdout), so {@code pgbridge export … 2>export.log} on a terminal would draw progress into the log; on
 * Linux the stream's own file descriptor says where it goes ({@code /proc/self/fd/N} is a {@code /dev/pts/…} or
 * {@code /dev/tty…} device), elsewhere the console stands for all three.
 */
public enum Terminal {
    STDIN(0), STDOUT(1), STDERR(2);

    private final int fd;

    Terminal(int fd) {
        this.fd = fd;
    }

    /** Whether this stream goes to (or comes from) a terminal. */
    public boolean isTerminal() {
        Path link = Path.of("/proc/self/fd/" + fd);
        if (Files.isSymbolicLink(link)) {
            try {
                String target = Files.readSymbolicLink(link).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
            }
            catch (IOException | SecurityException e) {
                // fall back to the console below
            }
        }
        return consoleIsTerminal();
    }

    private static boolean consoleIsTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        }
        catch (ReflectiveOperationException e) {
            return true; // JDK 21: a console is a terminal
        }
    }
}
