package dev.pgbridge.cli;

import dev.pgbridge.cli.command.CliEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class VersionOptionTest {
    @TempDir
    Path home;

    // `pgbridge conn list --version` printed nothing: only the top command had a version provider
    @Test
    void everyCommandPrintsTheSameVersion() {
        String top = version("--version");
        assertThat(top).startsWith("pgbridge ");
        assertThat(version("conn", "list", "--version")).isEqualTo(top);
        assertThat(version("capture", "status", "--version")).isEqualTo(top);
        assertThat(version("query", "-V")).isEqualTo(top);
    }

    // a bare --version is answered by main before the command line is built: the same text
    @Test
    void theFastVersionIsTheCommandLinesVersion() {
        StringBuilder fast = new StringBuilder();
        for (String line : dev.pgbridge.cli.command.VersionProvider.lines()) {
            fast.append(line).append(System.lineSeparator());
        }
        assertThat(fast.toString()).isEqualTo(version("--version")).isEqualTo(version("-V"));
    }

    private String version(String... args) {
        StringWriter out = new StringWriter();
        try (CliEnvironment environment = new CliEnvironment(Map.of("PGBRIDGE_HOME", home.toString()),
                new ByteArrayInputStream(new byte[0]))) {
            CommandLine cli = PgBridgeCli.newCommandLine(environment);
            cli.setOut(new PrintWriter(out, true));
            assertThat(cli.execute(args)).isZero();
        }
        return out.toString();
    }
}
