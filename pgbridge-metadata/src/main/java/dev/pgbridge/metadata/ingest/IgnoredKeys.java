package dev.pgbridge.metadata.ingest;

import java.util.List;
import java.util.Map;

/**
 * Keys of a pipeline's {@code sourceConfig.config} that OpenMetadata defines and pgbridge accepts, so that an existing
 * file runs unchanged, but does not act on: each one present is a warning in the run's summary.
 */
public final class IgnoredKeys {
    private IgnoredKeys() {
    }

    /** The keys of {@code ignored} that {@code config} holds, in the file's order. */
    public static List<String> present(Map<?, ?> config, List<String> ignored) {
        return config.keySet().stream().map(String::valueOf).filter(ignored::contains).toList();
    }

    /** One warning per key, for the run's summary. */
    public static List<String> warnings(List<String> keys) {
        return keys.stream().map(key -> "source.sourceConfig.config." + key + " is accepted for OpenMetadata "
                + "compatibility and has no effect in pgbridge").toList();
    }
}
