package dev.pgbridge.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(300)
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

    /**
     * Two first runs at once build once (the launcher builds under a lock and checks again after waiting), a current
     * jar builds nothing, and a source newer than the jar builds again. Maven is replaced by a counting stand-in that
     * drops the real jar in place, so the test checks the launcher's logic without a 60-second build.
     */
    @Test
    void twoFirstRunsBuildOnceAndChangedSourcesRebuild() throws Exception {
        Path repo = home.resolve("repo");
        Files.createDirectories(repo.resolve("bin"));
        Files.copy(Cli.LAUNCHER, repo.resolve("bin/pgbridge"));
        Files.writeString(repo.resolve("pom.xml"), "<project/>");
        Path source = repo.resolve("pgbridge-cli/src/main/java/Some.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, "class Some {}");
        Path stubs = Files.createDirectories(home.resolve("stubs"));
        Path count = home.resolve("builds.txt");
        Path realJar = Path.of(System.getProperty("pgbridge.jar"));
        Path mvn = stubs.resolve("mvn");
        Files.writeString(mvn, "#!/bin/sh\nsleep 2\necho build >> '" + count + "'\nmkdir -p '" + repo + "/pgbridge-cli/target'\n"
                + "cp '" + realJar + "' '" + repo + "/pgbridge-cli/target/pgbridge.jar'\n");
        Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));

        List<Process> first = List.of(start(repo, stubs), start(repo, stubs));
        for (Process p : first) {
            assertThat(p.waitFor(90, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isZero();
        }
        assertThat(Files.readAllLines(count)).hasSize(1);

        Process current = start(repo, stubs);
        assertThat(current.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readAllLines(count)).hasSize(1);

        Files.setLastModifiedTime(source, FileTime.from(Instant.now().plusSeconds(5)));
        Process changed = start(repo, stubs);
        assertThat(changed.waitFor(90, TimeUnit.SECONDS)).isTrue();
        assertThat(changed.exitValue()).isZero();
        assertThat(Files.readAllLines(count)).hasSize(2);
    }

    private Process start(Path repo, Path stubs) throws java.io.IOException {
        ProcessBuilder pb = new ProcessBuilder(repo.resolve("bin/pgbridge").toString(), "--version");
        pb.environment().put("PATH", stubs + ":/usr/bin:/bin");
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("PGBRIDGE_HOME", home.resolve("pgbridge-home").toString());
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        return pb.start();
    }

    @Test
    void findsAJdk21WhenJavaHomeIsUnusable() {
        Cli cli = new Cli(home).env("JAVA_HOME", "/nonexistent-jdk");
        Cli.Result help = cli.run("--help");
        assertThat(help.exitCode()).as(help.toString()).isZero();
        assertThat(help.out()).contains("conn").contains("run").contains("doctor").contains("demo");
    }
}
