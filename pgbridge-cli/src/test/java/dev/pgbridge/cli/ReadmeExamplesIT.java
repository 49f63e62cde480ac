package dev.pgbridge.cli;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs every shell example of the README, in the order the README shows them, against a running
 * {@code pgbridge demo}, the way a new user would type them: {@code pgbridge} on PATH (a link to the launcher), a
 * fresh PGBRIDGE_HOME, a scratch working directory shared by all examples (a file one example writes, the next may
 * read). An example fails the test when its block exits non-zero ({@code bash -e -o pipefail}).
 * Blocks the README marks {@code <!-- untested: why -->} are listed with their reason and not run.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(900)
class ReadmeExamplesIT {
    private Path root;
    private Path work;
    private Cli cli;
    private Process demo;

    @BeforeAll
    void startTheDemo() throws Exception {
        root = Files.createTempDirectory("pgbridge-readme");
        Path bin = Files.createDirectories(root.resolve("bin"));
        Files.createSymbolicLink(bin.resolve("pgbridge"), Cli.LAUNCHER);
        work = Files.createDirectories(root.resolve("work"));
        cli = new Cli(Files.createDirectories(root.resolve("home")))
                .env("PATH", bin + ":" + System.getenv("PATH"));
        Path out = root.resolve("demo.out");
        demo = cli.start(out, root.resolve("demo.err"), "demo", "--port", "0");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        while (!Files.exists(out) || !Files.readString(out).contains("saved as connection")) {
            if (!demo.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("the demo did not start:\n" + read(out) + read(root.resolve("demo.err")));
            }
            Thread.sleep(200);
        }
    }

    @AfterAll
    void stopTheDemo() throws Exception {
        if (demo != null) {
            demo.destroy();
            if (!demo.waitFor(60, TimeUnit.SECONDS)) {
                demo.destroyForcibly();
            }
        }
    }

    @TestFactory
    Stream<DynamicTest> everyShellExampleRuns() throws IOException {
        List<ReadmeExamples.Example> examples = ReadmeExamples.parse(Files.readString(Cli.REPO.resolve("README.md")));
        assertThat(examples.stream().filter(ReadmeExamples.Example::runs).count())
                .as("shell examples the README runs").isGreaterThanOrEqualTo(6);
        List<DynamicTest> tests = new ArrayList<>();
        for (ReadmeExamples.Example e : examples) {
            String name = "README.md:" + e.line() + " " + e.firstCommand()
                    + (e.runs() ? "" : " (untested: " + e.untestedBecause() + ")");
            tests.add(DynamicTest.dynamicTest(name, () -> {
                if (e.runs()) {
                    run(e);
                }
            }));
        }
        return tests.stream();
    }

    private void run(ReadmeExamples.Example e) {
        Cli.Result r = cli.exec(List.of("bash", "-c",
                "set -eo pipefail\ncd '" + work + "'\n" + e.script()), null);
        assertThat(r.exitCode()).as("README.md line %d:%n%s%n%s", e.line(), e.script(), r).isZero();
    }

    private static String read(Path p) throws IOException {
        return Files.exists(p) ? Files.readString(p) : "";
    }
}
