package dev.pgbridge.cli;

import java.nio.file.Path;

/** Points the logback configuration at PGBRIDGE_HOME/logs; must run before the first logger is made. */
final class LogSetup {
    private LogSetup() {}

    static void configure(Path logsDir) {
        if (System.getProperty("pgbridge.log.dir") == null) {
            System.setProperty("pgbridge.log.dir", logsDir.toString());
        }
    }
}
