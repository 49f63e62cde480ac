package dev.pgbridge.cli;

import org.slf4j.bridge.SLF4JBridgeHandler;

import java.nio.file.Path;

/**
 * Points the logback configuration at PGBRIDGE_HOME/logs and routes java.util.logging into it; must run before the
 * first logger is made.
 */
final class LogSetup {
    private LogSetup() {}

    static void configure(Path logsDir) {
        if (System.getProperty("pgbridge.log.dir") == null) {
            System.setProperty("pgbridge.log.dir", logsDir.toString());
        }
        routeJavaUtilLogging();
    }

    /**
     * pgjdbc logs through java.util.logging, whose default console handler prints to stderr (e.g. "SEVERE: Server
     * name validation failed…" for a failed verify-full). Its records go through SLF4J to the masked log file instead.
     */
    static void routeJavaUtilLogging() {
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.install();
        }
    }
}
