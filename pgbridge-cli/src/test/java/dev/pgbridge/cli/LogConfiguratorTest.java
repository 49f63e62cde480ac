package dev.pgbridge.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import dev.pgbridge.secret.SecretRedactor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The logging set up in code (it replaced logback.xml) writes what logback.xml wrote, masked, where it wrote it. */
class LogConfiguratorTest {
    @TempDir
    Path logs;

    @Test
    void writesMaskedLinesToTheLogFileOfTheHome() throws Exception {
        String previous = System.getProperty("pgbridge.log.dir");
        System.setProperty("pgbridge.log.dir", logs.toString());
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter()); // as logback's provider does
        try {
            LogConfigurator configurator = new LogConfigurator();
            configurator.setContext(context);
            assertThat(configurator.configure(context)).isEqualTo(Configurator.ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
            // nothing logged yet: no file opened (the appender is made by the first event)
            assertThat(logs.resolve("pgbridge.log")).doesNotExist();
            SecretRedactor.global().register("s3cr3t-Log-Value");
            context.getLogger("dev.pgbridge.test").info("connecting with s3cr3t-Log-Value to db");
            context.getLogger("dev.pgbridge.test").debug("not written at INFO");
            assertThat(context.getLogger("io.zonky").getLevel()).isEqualTo(Level.WARN);
            context.stop();

            String written = Files.readString(logs.resolve("pgbridge.log"));
            assertThat(written).contains(" INFO  [").contains("dev.pgbridge.test - connecting with ")
                    .doesNotContain("s3cr3t-Log-Value").doesNotContain("not written");
        }
        finally {
            context.stop();
            if (previous == null) {
                System.clearProperty("pgbridge.log.dir");
            }
            else {
                System.setProperty("pgbridge.log.dir", previous);
            }
        }
    }
}
