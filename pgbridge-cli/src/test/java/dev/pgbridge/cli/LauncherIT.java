package dev.pgbridge.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(120)
class LauncherIT {
    @TempDir
    Path home;

    @Test
    void aCurrentJarRunsWithoutMaven() {
        // PATH without mvn: if the launcher tried to build, it would fail
        Cli cli = new Cli(home).env("PATH", "/usr/bin:/bin");
        Cli.Result version = cli.run("--version");
        assertThat(version.exitCode()).as(version.toString()).isZero();
        assertThat(version.out()).startsWith("pgbridge ");
        assertThat(version.err()).doesNotContain("building");
    }

    @Test
    void findsAJdk21EvenWhenJavaHomePointsAtAnOlderOne() {
        Cli cli = new Cli(home).env("JAVA_HOME", "/nonexistent-jdk");
        Cli.Result help = cli.run("--help");
        assertThat(help.exitCode()).as(help.toString()).isZero();
        assertThat(help.out()).contains("conn").contains("run").contains("doctor").contains("demo");
    }
}
