package dev.pgbridge.cli.command;

import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * {@code --version}: the Maven project version and, when the jar was built from a git checkout, the commit (short
 * hash and date), both written into {@code version.properties} at build time.
 */
public final class VersionProvider implements CommandLine.IVersionProvider {
    static final String RESOURCE = "version.properties";

    @Override
    public String[] getVersion() {
        return lines();
    }

    /** What {@code pgbridge --version} prints, one element a line. */
    public static String[] lines() {
        return new String[] {
                describe(load()),
                "Java " + Runtime.version() + " (" + System.getProperty("java.vendor", "unknown vendor") + "), "
                        + System.getProperty("os.name") + " " + System.getProperty("os.arch"),
        };
    }

    /** {@code pgbridge 0.1.0 (git 1a2b3c4, 2026-12-06)}; a value the build left unfilled counts as missing. */
    static String describe(Properties build) {
        String version = filled(build.getProperty("version"));
        String git = filled(build.getProperty("git"));
        StringBuilder line = new StringBuilder("pgbridge ").append(version == null ? "(unknown version)" : version);
        if (git != null) {
            // "<hash> <date>" as git log --format='%h %cd' --date=short prints it
            String[] parts = git.split(" ", 2);
            line.append(" (git ").append(parts[0]);
            if (parts.length == 2) {
                line.append(", ").append(parts[1]);
            }
            line.append(')');
        }
        return line.toString();
    }

    static Properties load() {
        Properties build = new Properties();
        try (InputStream in = VersionProvider.class.getResourceAsStream(RESOURCE)) {
            if (in != null) {
                build.load(in);
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE + " from the pgbridge jar", e);
        }
        return build;
    }

    private static String filled(String value) {
        if (value == null) {
            return null;
        }
        String v = value.strip();
        return v.isEmpty() || v.contains("${") || v.contains("@GIT@") ? null : v;
    }
}
