package dev.pgbridge.cdc.event;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CanonicalKeyTest {
    private static String key(String json) throws Exception {
        return CanonicalKey.of((ObjectNode) EventJson.MAPPER.readTree(json));
    }

    @Test
    void keysCompareWhateverTheOrderOfTheirFields() throws Exception {
        assertThat(key("{\"b\":\"x\",\"a\":1}")).isEqualTo(key("{\"a\":1,\"b\":\"x\"}"));
        assertThat(key("{\"a\":1.50}")).isNotEqualTo(key("{\"a\":1.5}"));
        assertThat(key("{\"a\":1}")).isNotEqualTo(key("{\"a\":\"1\"}"));
    }
}
