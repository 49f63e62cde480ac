package dev.pgbridge.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.jul.LevelChangePropagator;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.status.NopStatusListener;

import java.nio.file.Path;

/**
 * The CLI's logging, set up in code (found by logback through {@code META-INF/services}): one file appender (made at
 * the first event: {@link LazyFileAppender}),
 * {@code PGBRIDGE_HOME/logs/pgbridge.log}, writing through {@link MaskingPatternLayout} (no password, encoded password
 * or URI password in logs), root level from {@code PGBRIDGE_LOG_LEVEL} (INFO), java.util.logging's levels kept in step
 * (pgjdbc's records reach the file through {@link LogSetup}'s bridge). In code rather than in a {@code logback.xml}:
 * reading the XML took a fifth of every command's start. {@code -Dlogback.configurationFile=FILE} still wins.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class LogConfigurator extends ContextAwareBase implements Configurator {
    static final String PATTERN = "%d{ISO8601} %-5level [%thread] %logger{36} - %msg%n%ex";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        context.getStatusManager().add(new NopStatusListener()); // a log file that cannot open never prints to stderr
        LevelChangePropagator julLevels = new LevelChangePropagator();
        julLevels.setContext(context);
        julLevels.setResetJUL(true);
        julLevels.start();
        context.addListener(julLevels);

        // the file and its layout are made by the first event (most commands log nothing)
        LazyFileAppender file = new LazyFileAppender(() -> fileAppender(context));
        file.setContext(context);
        file.setName("FILE");
        file.start();

        context.getLogger("com.zaxxer.hikari").setLevel(Level.INFO);
        context.getLogger("org.postgresql").setLevel(Level.INFO);
        context.getLogger("io.zonky").setLevel(Level.WARN);
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(System.getenv("PGBRIDGE_LOG_LEVEL"), Level.INFO));
        root.addAppender(file);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    private static FileAppender<ILoggingEvent> fileAppender(LoggerContext context) {
        MaskingPatternLayout layout = new MaskingPatternLayout();
        layout.setContext(context);
        layout.setPattern(PATTERN);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setLayout(layout);
        encoder.start();
        FileAppender<ILoggingEvent> file = new FileAppender<>();
        file.setContext(context);
        file.setName("FILE");
        file.setFile(logFile().toString());
        file.setAppend(true);
        file.setEncoder(encoder);
        file.start();
        return file;
    }

    /** {@code pgbridge.log.dir} (set by {@link LogSetup} to PGBRIDGE_HOME/logs), else ~/.pgbridge/logs. */
    static Path logFile() {
        String dir = System.getProperty("pgbridge.log.dir");
        return (dir != null ? Path.of(dir) : Path.of(System.getProperty("user.home"), ".pgbridge", "logs"))
                .resolve("pgbridge.log");
    }
}
