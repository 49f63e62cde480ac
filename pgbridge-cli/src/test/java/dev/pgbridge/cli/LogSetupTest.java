package dev.pgbridge.cli;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.LogManager;

import static org.assertj.core.api.Assertions.assertThat;

class LogSetupTest {
    // issue 8: pgjdbc's java.util.logging reached stderr through JUL's console handler ("SEVERE: Server name validation failed…")
    @Test
    void pgjdbcsJavaUtilLoggingGoesThroughSlf4jNotToTheConsole() throws Exception {
        if (System.getProperty("pgbridge.log.dir") == null) {
            System.setProperty("pgbridge.log.dir", Files.createTempDirectory("pgbridge-logs").toString());
        }
        LogSetup.configure(Path.of(System.getProperty("pgbridge.log.dir")));
        Handler[] handlers = LogManager.getLogManager().getLogger("").getHandlers();
        assertThat(Arrays.stream(handlers).noneMatch(h -> h instanceof ConsoleHandler)).as("a JUL console handler")
                .isTrue();
        assertThat(Arrays.stream(handlers).anyMatch(h -> h instanceof SLF4JBridgeHandler)).as("the SLF4J bridge")
                .isTrue();

        String name = "org.postgresql.ssl.PGjdbcHostnameVerifier";
        ch.qos.logback.classic.Logger logback = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(name);
        ListAppender<ILoggingEvent> seen = new ListAppender<>();
        seen.start();
        logback.addAppender(seen);
        try {
            java.util.logging.Logger.getLogger(name).severe("Server name validation failed: probe");
            assertThat(seen.list).extracting(ILoggingEvent::getFormattedMessage)
                    .contains("Server name validation failed: probe");
        }
        finally {
            logback.detachAppender(seen);
        }
    }
}
