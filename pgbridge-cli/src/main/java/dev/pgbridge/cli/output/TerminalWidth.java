package dev.pgbridge.cli.output;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * How wide tables may be: on a terminal, {@code COLUMNS} when it is set (shells set it, and a user may to choose a
 * width), else the terminal's own width ({@code stty size} on {@code /dev/tty}); in a pipe or a file, no limit, so
 * logs and scripts get the full text.
 */
final class TerminalWidth {
    /** Narrower than this, cutting columns helps nobody: the table is printed as it is. */
    static final int MINIMUM = 40;

    private TerminalWidth() {
    }

    /** The width for this process, asked once: {@code query -c … -c …} prints several tables, each asked for it. */
    static OptionalInt current() {
        return Once.WIDTH;
    }

    private static final class Once {
        static final OptionalInt WIDTH = ask();
    }

    private static OptionalInt ask() {
        if (!Terminal.STDOUT.isTerminal()) {
            return OptionalInt.empty();
        }
        OptionalInt columns = parse(System.getenv("COLUMNS"));
        return columns.isPresent() ? columns : stty();
    }

    /** A usable width from text ({@code "120"}), or none. */
    static OptionalInt parse(String text) {
        if (text == null) {
            return OptionalInt.empty();
        }
        try {
            int n = Integer.parseInt(text.strip());
            return n >= MINIMUM ? OptionalInt.of(n) : OptionalInt.empty();
        }
        catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    private static OptionalInt stty() {
        File tty = new File("/dev/tty");
        if (!tty.canRead()) {
            return OptionalInt.empty();
        }
        try {
            Process p = new ProcessBuilder("stty", "size").redirectInput(tty)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            // its output is a few bytes, so waiting before reading cannot fill the pipe; the wait bounds a hung stty
            if (!p.waitFor(2, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                return OptionalInt.empty();
            }
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
            String[] parts = text.split("\\s+");
            return parts.length == 2 ? parse(parts[1]) : OptionalInt.empty();
        }
        catch (IOException e) {
            return OptionalInt.empty(); // no stty: the table is printed as it is
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OptionalInt.empty();
        }
    }
}
