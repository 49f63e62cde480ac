package dev.pgbridge.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNull;

/**
 * Runs the built launcher {@code bin/pgbridge} as a process, the way a user does, with its own PGBRIDGE_HOME.
 * Every output and log it produced stays available to scan for secrets.
 */
final class Cli {
    static final Path LAUNCHER = Path.of(requireNonNull(System.getProperty("pgbridge.launcher"), "pgbridge.launcher is not set"));
    static final Path REPO = Path.of(requireNonNull(System.getProperty("pgbridge.repo"), "pgbridge.repo is not set"));

    private final Path home;
    private final Map<String, String> env = new HashMap<>();
    private final List<Result> results = new ArrayList<>();

    Cli(Path home) {
        this.home = requireNonNull(home, "home is null");
        env.put("PGBRIDGE_HOME", home.toString());
        env.put("JAVA_HOME", System.getProperty("java.home"));
    }

    Path home() {
        return home;
    }

    Cli env(String name, String value) {
        if (value == null) {
            env.remove(name);
        }
        else {
            env.put(name, value);
        }
        return this;
    }

    Result run(String... args) {
        return runWithInput(null, args);
    }

    Result runWithInput(String stdin, String... args) {
        List<String> command = new ArrayList<>();
        command.add(LAUNCHER.toString());
        command.addAll(List.of(args));
        return exec(command, stdin);
    }

    /** Runs any command (e.g. sh -c) with this CLI's environment. */
    Result exec(List<String> command, String stdin) {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().keySet().removeIf(k -> k.startsWith("AIRFLOW_CONN_") || k.startsWith("PGBRIDGE_") || k.startsWith("PG"));
        pb.environment().putAll(env);
        try {
            Path out = Files.createTempFile("pgbridge-out", ".txt");
            Path err = Files.createTempFile("pgbridge-err", ".txt");
            pb.redirectOutput(out.toFile()).redirectError(err.toFile());
            Process p = pb.start();
            try (OutputStream in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!p.waitFor(180, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + command);
            }
            Result r = new Result(command, p.exitValue(), Files.readString(out), Files.readString(err));
            Files.delete(out);
            Files.delete(err);
            results.add(r);
            return r;
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * Starts the launcher in the background with this CLI's environment, its output going to {@code out} and
     * {@code err}; the caller ends it ({@code destroy()} sends SIGTERM, {@code destroyForcibly()} SIGKILL).
     */
    Process start(Path out, Path err, String... args) {
        List<String> command = new ArrayList<>();
        command.add(LAUNCHER.toString());
        command.addAll(List.of(args));
        return startCommand(command, out, err);
    }

    /** Starts any command (e.g. {@code setsid bash -c …}) in the background, as {@link #start} does the launcher. */
    Process startCommand(List<String> command, Path out, Path err) {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().keySet().removeIf(k -> k.startsWith("AIRFLOW_CONN_") || k.startsWith("PGBRIDGE_") || k.startsWith("PG"));
        pb.environment().putAll(env);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(err.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        try {
            return pb.start();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every stdout, stderr and log file text this CLI has produced so far. */
    String everythingWritten() {
        StringBuilder sb = new StringBuilder();
        for (Result r : results) {
            sb.append(r.out()).append('\n').append(r.err()).append('\n');
        }
        Path logs = home.resolve("logs");
        if (Files.isDirectory(logs)) {
            try (Stream<Path> files = Files.walk(logs)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    sb.append(Files.readString(f)).append('\n');
                }
            }
            catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return sb.toString();
    }

    record Result(List<String> command, int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + " of " + command.subList(1, command.size()) + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }
}
