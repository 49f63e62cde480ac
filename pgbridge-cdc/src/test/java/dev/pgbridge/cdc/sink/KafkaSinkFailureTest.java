package dev.pgbridge.cdc.sink;

import dev.pgbridge.error.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Kafka sink failures that need no broker: each has its own code and a hint that says what to fix. */
@Timeout(60)
class KafkaSinkFailureTest {
    private static final KafkaSink.Settings QUICK = new KafkaSink.Settings(Optional.empty(), Optional.empty(),
            Duration.ofSeconds(2), Duration.ofSeconds(1), Map.of());

    // regression: an unknown broker name escaped as Kafka's "Failed to construct kafka producer", i.e. "a bug in pgbridge"
    @Test
    void aBrokerNameThatDoesNotResolveIsAnUnknownHost() {
        SinkFailure failure = catchThrowableOfType(SinkFailure.class,
                () -> new KafkaSink("no-such-broker.invalid:9092", "shop", "cap", QUICK));
        assertThat(failure).isNotNull();
        assertThat(failure.code()).isEqualTo(ErrorCode.UNKNOWN_HOST);
        assertThat(failure.getMessage()).contains("no-such-broker.invalid:9092");
        assertThat(failure.hint()).contains("bootstrapServers").contains("getent hosts");
    }

    @Test
    void resolutionIsDecidedByTheResolver() {
        assertThat(KafkaSink.noneResolves("no-such-broker.invalid:9092, other.invalid:9093")).isTrue();
        assertThat(KafkaSink.noneResolves("no-such-broker.invalid:9092,127.0.0.1:9092")).isFalse();
        assertThat(KafkaSink.noneResolves("[::1]:9092")).isFalse();
    }
}
