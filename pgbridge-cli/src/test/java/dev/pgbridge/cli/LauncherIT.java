package dev.pgbridge.cli;

import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(300)
class LauncherIT {
    @TempDir
    Path home;

    @Test
    void aCurrentJarRunsWithoutMaven() throws IOException {
        // PATH without mvn: if the launcher tried to build, it would fail
        Cli cli = new Cli(home).env("PATH", toolsWithoutMaven().toString());
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
        Path repo = fakeRepo();
        Path source = repo.resolve("pgbridge-cli/src/main/java/Some.java");
        Path count = home.resolve("builds.txt");
        Path stubs = stubMaven("sleep 2\necho build >> '" + count + "'\n" + dropTheRealJar(repo));

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

    // a symlink on PATH made the launcher look for its repository beside the link ("POM file /tmp/pom.xml does not exist")
    @Test
    void runsThroughSymlinksOnPath() throws Exception {
        Path onPath = Files.createDirectories(home.resolve("path-bin"));
        Path absolute = Files.createSymbolicLink(home.resolve("pgbridge-abs"), Cli.LAUNCHER);
        // a relative link to the absolute one: both kinds are followed, link by link
        Path relative = Files.createSymbolicLink(onPath.resolve("pgbridge"), Path.of("../pgbridge-abs"));
        assertThat(Files.readSymbolicLink(relative).isAbsolute()).isFalse();
        assertThat(absolute).isSymbolicLink();

        // no Maven on PATH: a launcher that lost its repository would try to build and fail
        Cli cli = new Cli(home).env("PATH", onPath + ":" + toolsWithoutMaven());
        Cli.Result version = cli.exec(List.of("sh", "-c", "cd / && pgbridge --version"), null);
        assertThat(version.exitCode()).as(version.toString()).isZero();
        assertThat(version.err()).as(version.toString()).isEmpty();
        assertThat(version.out()).startsWith("pgbridge ");
    }

    // --version printed "pgbridge dev" whatever was built
    @Test
    void versionIsTheProjectVersionAndTheCommitItWasBuiltFrom() throws Exception {
        String projectVersion = System.getProperty("pgbridge.version");
        assertThat(projectVersion).as("pgbridge.version (set by the pom)").isNotBlank();
        Cli.Result version = new Cli(home).run("--version");
        assertThat(version.exitCode()).as(version.toString()).isZero();
        String first = version.out().lines().findFirst().orElseThrow();

        ProcessBuilder git = new ProcessBuilder("git", "log", "-1", "--format=%h %cd", "--date=short")
                .directory(Cli.REPO.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD);
        Process p = git.start();
        String commit = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        if (p.exitValue() == 0 && !commit.isEmpty()) {
            String[] hashAndDate = commit.split(" ", 2);
            assertThat(first).isEqualTo("pgbridge " + projectVersion + " (git " + hashAndDate[0] + ", " + hashAndDate[1] + ")");
        }
        else { // built from a source tree without git
            assertThat(first).isEqualTo("pgbridge " + projectVersion);
        }
    }

    /**
     * The first run says in one line that it builds, and nothing of Maven's output reaches the user: Maven 3.8 writes
     * colour codes even in batch mode, and JDK 24+ warns about Maven's sun.misc.Unsafe calls on stderr.
     */
    @Test
    void aFirstBuildSaysOneLineAndHidesMavensOutput() throws Exception {
        Path repo = fakeRepo();
        Path args = home.resolve("mvn-args.txt");
        Path stubs = stubMaven("echo \"$MAVEN_OPTS | $*\" > '" + args + "'\n"
                + "printf '\\033[0m\\033[0m[INFO] Scanning for projects...\\n'\n"
                + "echo 'WARNING: A terminally deprecated method in sun.misc.Unsafe has been called' >&2\n"
                + dropTheRealJar(repo));
        Cli.Result r = runIn(repo, stubs, "--version");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).startsWith("pgbridge ");
        assertThat(r.err().lines().toList()).as(r.toString()).singleElement(InstanceOfAssertFactories.STRING)
                .startsWith("pgbridge: building the CLI jar once (").endsWith("...");
        String mvn = Files.readString(args);
        assertThat(mvn).contains("-B").contains("-q").contains("-Dstyle.color=never");
        if (Runtime.version().feature() >= 23) {
            assertThat(mvn).contains("--sun-misc-unsafe-memory-access=allow");
        }
        else {
            assertThat(mvn).doesNotContain("--sun-misc-unsafe-memory-access");
        }
    }

    @Test
    void aFailedBuildShowsMavensOutput() throws Exception {
        Path repo = fakeRepo();
        Path stubs = stubMaven("printf '\\033[1;31m[ERROR]\\033[m COMPILATION ERROR : Some.java:[1,14] ; expected\\n'\nexit 1\n");
        Cli.Result r = runIn(repo, stubs, "--version");

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("[ERROR] COMPILATION ERROR : Some.java:[1,14] ; expected")
                .contains("building the CLI jar failed (Maven exit 1)")
                .contains(repo.resolve("pgbridge-cli/target/pgbridge-build.log").toString())
                .doesNotContain("\u001b");
    }

    // a rebuilt jar left the class-data archive of the old one in place, which the JVM then neither used nor rewrote
    @Test
    void aRebuiltJarGetsAFreshClassDataArchive() throws Exception {
        Path repo = fakeRepo();
        Path stubs = stubMaven(dropTheRealJar(repo));
        Path jar = repo.resolve("pgbridge-cli/target/pgbridge.jar");
        Path target = jar.getParent();
        int feature = Runtime.version().feature();
        assertThat(runIn(repo, stubs, "--version").exitCode()).isZero();
        List<Path> before = classData(target);
        assertThat(before).as("the first run records (JDK 25+) or archives the classes it loads").isNotEmpty();

        // sources change: the launcher rebuilds the jar; the recording or archive was made for the old one
        Files.setLastModifiedTime(repo.resolve("pgbridge-cli/src/main/java/Some.java"), FileTime.from(Instant.now().plusSeconds(5)));
        Cli.Result r = runIn(repo, stubs, "--version");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.err()).contains("rebuilding");
        List<Path> after = classData(target);
        assertThat(after).as("one fresh recording or archive").hasSize(1);
        assertThat(Files.getLastModifiedTime(after.get(0))).isGreaterThan(Files.getLastModifiedTime(jar));
        if (feature >= 25) {
            assertThat(after).doesNotContainAnyElementsOf(before);
        }
    }

    /**
     * JDK 25+: the first run records, the next turns the recording into an ahead-of-time cache in the background, and
     * the runs after that use it; none of it shows in a command's output.
     */
    @Test
    void theSecondRunBuildsTheAheadOfTimeCacheTheThirdUsesIt() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Runtime.version().feature() >= 25, "ahead-of-time caches need JDK 25");
        Path repo = fakeRepo();
        Path stubs = stubMaven(dropTheRealJar(repo));
        Path target = repo.resolve("pgbridge-cli/target");
        Path cache = target.resolve("pgbridge-" + Runtime.version().feature() + "-cli.aot");
        for (int run = 1; run <= 2; run++) {
            Cli.Result r = runIn(repo, stubs, "--version");
            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertThat(r.out()).as("run " + run).startsWith("pgbridge ").doesNotContain("AOT");
            assertThat(r.err()).as("run " + run).doesNotContain("AOT");
        }
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(120);
        while (!Files.exists(cache) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(cache).as("assembled in the background").exists();
        assertThat(classData(target)).as("the recording is gone once assembled").containsExactly(cache);
        Cli.Result third = runIn(repo, stubs, "--version");
        assertThat(third.exitCode()).as(third.toString()).isZero();
        assertThat(third.out()).startsWith("pgbridge ");
        assertThat(third.err()).isEmpty();
    }

    /** The class-data files next to the jar: CDS archives, AOT recordings and caches. */
    private static List<Path> classData(Path target) throws IOException {
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(f -> f.getFileName().toString().matches("pgbridge-.*\\.(jsa|aotconf|aot)")).sorted()
                    .toList();
        }
    }

    /** A PATH directory with the tools the launcher uses and no Maven (/usr/bin has one on a developer's machine). */
    private Path toolsWithoutMaven() throws IOException {
        Path tools = Files.createDirectories(home.resolve("tools"));
        for (String tool : List.of("env", "bash", "sh", "dirname", "readlink", "sed", "head", "awk", "find", "flock", "mkdir", "rm", "cat", "mv")) {
            Path found = Stream.of("/usr/bin", "/bin").map(dir -> Path.of(dir, tool)).filter(Files::isExecutable).findFirst()
                    .orElseThrow(() -> new AssertionError(tool + " is in neither /usr/bin nor /bin"));
            Files.createSymbolicLink(tools.resolve(tool), found);
        }
        return tools;
    }

    /** A copy of the launcher in a repository of its own, with one source file and no jar yet. */
    private Path fakeRepo() throws IOException {
        Path repo = home.resolve("repo");
        Files.createDirectories(repo.resolve("bin"));
        Files.copy(Cli.LAUNCHER, repo.resolve("bin/pgbridge"));
        Files.writeString(repo.resolve("pom.xml"), "<project/>");
        Path source = repo.resolve("pgbridge-cli/src/main/java/Some.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, "class Some {}");
        return repo;
    }

    /** A directory for PATH holding an {@code mvn} that runs {@code script} instead of a 60-second build. */
    private Path stubMaven(String script) throws IOException {
        Path stubs = Files.createDirectories(home.resolve("stubs"));
        Path mvn = stubs.resolve("mvn");
        Files.writeString(mvn, "#!/bin/sh\n" + script);
        Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));
        return stubs;
    }

    private static String dropTheRealJar(Path repo) {
        Path realJar = Path.of(System.getProperty("pgbridge.jar"));
        return "mkdir -p '" + repo + "/pgbridge-cli/target'\ncp '" + realJar + "' '" + repo + "/pgbridge-cli/target/pgbridge.jar'\n";
    }

    private Cli.Result runIn(Path repo, Path stubs, String... args) {
        Cli cli = new Cli(home.resolve("pgbridge-home")).env("PATH", stubs + ":/usr/bin:/bin");
        List<String> command = new ArrayList<>();
        command.add(repo.resolve("bin/pgbridge").toString());
        command.addAll(List.of(args));
        return cli.exec(command, null);
    }

    private Process start(Path repo, Path stubs) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(repo.resolve("bin/pgbridge").toString(), "--version");
        pb.environment().put("PATH", stubs + ":/usr/bin:/bin");
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("PGBRIDGE_HOME", home.resolve("pgbridge-home").toString());
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        return pb.start();
    }

    // the launcher picks the serial collector for short and data-moving commands: a user's own collector replaces
    // it (the JVM refuses two: "Conflicting collector combinations in option list"), a user's -Xmx wins over its heap
    @Test
    void aCollectorOrHeapInPgbridgeJavaOptsReplacesTheLaunchersOwn() {
        for (String opts : java.util.List.of("-XX:+UseG1GC", "-Xmx1g -XX:+UseParallelGC", "-XX:+UseSerialGC -Xmx64m")) {
            Cli cli = new Cli(home).env("PGBRIDGE_JAVA_OPTS", opts);
            for (String[] args : new String[][] {{"conn", "list"}, {"export", "--help"}, {"--help"}}) {
                Cli.Result result = cli.run(args);
                assertThat(result.exitCode()).as(opts + " " + String.join(" ", args) + ": " + result).isZero();
                assertThat(result.err()).as(opts).doesNotContain("Conflicting").doesNotContain("Error occurred");
            }
        }
    }

    @Test
    void findsAJdk21WhenJavaHomeIsUnusable() {
        Cli cli = new Cli(home).env("JAVA_HOME", "/nonexistent-jdk");
        Cli.Result help = cli.run("--help");
        assertThat(help.exitCode()).as(help.toString()).isZero();
        assertThat(help.out()).contains("conn").contains("run").contains("doctor").contains("demo");
    }
}
