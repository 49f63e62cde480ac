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

    /**
     * Starts the launcher without waiting, stdout and stderr going to the given files (for tests that signal it
     * while it runs). The launcher execs java, so the process is the JVM itself.
     */
    Process start(Path stdout, Path stderr, String... args) {
        List<String> command = new ArrayList<>();
        command.add(LAUNCHER.toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().keySet().removeIf(k -> k.startsWith("AIRFLOW_CONN_") || k.startsWith("PGBRIDGE_") || k.startsWith("PG"));
        pb.environment().putAll(env);
        pb.redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            return p;
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
