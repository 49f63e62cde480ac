package dev.pgbridge.cli;

import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.pgbridge.secret.SecretRedactor;

/**
 * The masking layer in front of every appender: whatever a logger, a driver or a stack trace writes passes
 * through {@link SecretRedactor} (known secret values in every encoding, password keys, URI passwords).
 */
public final class MaskingPatternLayout extends PatternLayout {
    @Override
    public String doLayout(ILoggingEvent event) {
        return SecretRedactor.global().redact(super.doLayout(event));
    }
}
