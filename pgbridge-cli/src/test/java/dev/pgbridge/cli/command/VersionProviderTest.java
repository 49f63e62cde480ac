package dev.pgbridge.cli.command;

import org.junit.jupiter.api.Test;

import java.util.Properties;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;
import static org.assertj.core.api.Assertions.assertThat;

class VersionProviderTest {
    @Test
    void versionAndCommitFromTheBuild() {
        assertThat(VersionProvider.describe(props("0.1.0-SNAPSHOT", "1a2b3c4 2026-12-06")))
                .isEqualTo("pgbridge 0.1.0-SNAPSHOT (git 1a2b3c4, 2026-12-06)");
    }

    @Test
    void builtOutsideACheckoutShowsTheVersionAlone() {
        assertThat(VersionProvider.describe(props("0.1.0", ""))).isEqualTo("pgbridge 0.1.0");
        // a resource copied without filtering
        assertThat(VersionProvider.describe(props("${project.version}", "${pgbridge.git.commit}")))
                .isEqualTo("pgbridge (unknown version)");
    }

    // --version printed "pgbridge dev": it asked the jar manifest for an Implementation-Version nobody wrote there
    @Test
    void theBuildFilledInTheProjectVersion() {
        String projectVersion = requireNonNull(System.getProperty("pgbridge.version"), "pgbridge.version is not set (pom)");
        assertThat(VersionProvider.describe(VersionProvider.load()))
                .matches("pgbridge " + Pattern.quote(projectVersion) + "( \\(git [0-9a-f]{7,}, \\d{4}-\\d{2}-\\d{2}\\))?");
    }

    private static Properties props(String version, String git) {
        Properties p = new Properties();
        p.setProperty("version", version);
        p.setProperty("git", git);
        return p;
    }
}
