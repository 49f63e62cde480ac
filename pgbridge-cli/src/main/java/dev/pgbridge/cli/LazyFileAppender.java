package dev.pgbridge.cli;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.UnsynchronizedAppenderBase;

import java.util.function.Supplier;

/**
 * An appender that makes its real one (the log file with its layout) when the first event arrives: a short command
 * that logs nothing, which is most of them, never builds a pattern layout or opens the file. Logback's pattern
 * machinery was a tenth of {@code pgbridge conn list}'s CPU.
 */
final class LazyFileAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {
    private final Supplier<Appender<ILoggingEvent>> factory;
    private volatile Appender<ILoggingEvent> delegate;

    LazyFileAppender(Supplier<Appender<ILoggingEvent>> factory) {
        this.factory = factory;
    }

    @Override
    protected void append(ILoggingEvent event) {
        Appender<ILoggingEvent> d = delegate;
        if (d == null) {
            synchronized (this) {
                d = delegate;
                if (d == null) {
                    d = factory.get();
                    delegate = d;
                }
            }
        }
        d.doAppend(event);
    }

    @Override
    public void stop() {
        super.stop();
        Appender<ILoggingEvent> d = delegate;
        if (d != null) {
            d.stop();
        }
    }
}
