package dev.pgbridge.cdc.sink;

import dev.pgbridge.cdc.event.TableId;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KafkaSinkTopicTest {
    @Test
    void topicIsPrefixSchemaTable() {
        assertThat(KafkaSink.topic("shop", new TableId("public", "orders"))).isEqualTo("shop.public.orders");
        assertThat(KafkaSink.topic("a-b_c.d", new TableId("Sales", "Line-Items_2"))).isEqualTo("a-b_c.d.Sales.Line-Items_2");
    }

    @Test
    void charactersKafkaRefusesBecomeUnderscoresOnePerCharacter() {
        assertThat(KafkaSink.topic("p", new TableId("my schema", "é日本🔑\"x"))).isEqualTo("p.my_schema._____x");
    }

    @Test
    void aTopicNameOverKafkasLimitIsRefusedWithTheName() {
        assertThatThrownBy(() -> KafkaSink.topic("p", new TableId("s", "t".repeat(250))))
                .hasMessageContaining("more than Kafka's 249").hasMessageContaining("p.s.ttt");
    }
}
