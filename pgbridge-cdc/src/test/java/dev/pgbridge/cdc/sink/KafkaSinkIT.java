package dev.pgbridge.cdc.sink;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgbridge.cdc.engine.CaptureConfig;
import dev.pgbridge.cdc.engine.WithCaptureFixture;
import dev.pgbridge.cdc.event.EventJson;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import kafka.server.BrokerServer;
import kafka.testkit.KafkaClusterTestKit;
import kafka.testkit.TestKitNodes;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

import static dev.pgbridge.cdc.engine.CaptureFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

/** The Kafka sink against a real KRaft broker started in-process from Kafka's own test kit, once for the class. */
@Timeout(240)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KafkaSinkIT extends WithCaptureFixture {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaSinkIT.class);
    private static KafkaClusterTestKit kafka;
    private static Admin admin;

    @BeforeAll
    static void startKafka() throws Exception {
        long start = System.nanoTime();
        kafka = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                .setCombined(true).setNumControllerNodes(1).setNumBrokerNodes(1).build())
                .setConfigProp("auto.create.topics.enable", "false")
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .build();
        kafka.format();
        kafka.startup();
        kafka.waitForReadyBrokers();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
        LOG.info("KRaft broker up at {} in {} ms", kafka.bootstrapServers(), (System.nanoTime() - start) / 1_000_000);
    }

    @AfterAll
    static void stopKafka() throws Exception {
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    private KafkaSink sink(String prefix, Duration deliveryTimeout) {
        return new KafkaSink(kafka.bootstrapServers(), prefix, "it_capture", new KafkaSink.Settings(Optional.of(3),
                Optional.empty(), deliveryTimeout, Duration.ofSeconds(2), Map.of()));
    }

    /** One consumed message: partition, offset, key and value as JSON (key null for a null key). */
    private record Message(int partition, long offset, JsonNode key, JsonNode value) {
        String op() {
            return value.get("op").asText();
        }
    }

    /** The first {@code count} messages of a topic, from every partition, waiting for them up to 60 s. */
    private static List<Message> consume(String topic, int count) throws Exception {
        await("topic " + topic, Duration.ofSeconds(60), () -> {
            try {
                return admin.listTopics().names().get().contains(topic);
            }
            catch (InterruptedException | ExecutionException e) {
                throw new IllegalStateException(e);
            }
        });
        Map<String, Object> p = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<Message> messages = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (messages.size() < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    messages.add(new Message(r.partition(), r.offset(), r.key() == null ? null : json(r.key()),
                            json(r.value())));
                }
            }
        }
        assertThat(messages).as("messages of " + topic).hasSize(count);
        messages.sort(Comparator.comparingInt(Message::partition).thenComparingLong(Message::offset));
        return messages;
    }

    private static JsonNode json(byte[] bytes) {
        try {
            return EventJson.MAPPER.readTree(bytes);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    @Order(1)
    void changesGoToATopicPerTableKeyedByPrimaryKeyInCommitOrderPerKey() throws Exception {
        h.sql("CREATE TABLE items (id int PRIMARY KEY, note text, price numeric(10,2))",
                "CREATE TABLE \"Line Items\" (id int PRIMARY KEY, \"näme\" text)");
        CaptureConfig config = h.sinkConfig("{type: stdout}", "items", "Line Items");
        var engine = h.start(config, sink("shop", Duration.ofSeconds(30)));
        h.sql("INSERT INTO items SELECT g, 'n' || g, g FROM generate_series(1, 20) g",
                "UPDATE items SET note = 'even' WHERE id % 2 = 0",
                "UPDATE items SET id = 103 WHERE id = 3",
                "DELETE FROM items WHERE id = 5",
                "BEGIN; UPDATE items SET price = price + 0.01 WHERE id = 2; "
                        + "UPDATE items SET price = price + 0.01 WHERE id = 2; COMMIT",
                "INSERT INTO \"Line Items\" VALUES (1, 'é日本🔑')",
                "TRUNCATE items");
        List<Message> items = consume("shop.public.items", 20 + 10 + 2 + 1 + 2 + 1);
        List<Message> lineItems = consume("shop.public.Line_Items", 1);
        h.stop(engine);

        assertThat(admin.describeTopics(List.of("shop.public.items")).allTopicNames().get()
                .get("shop.public.items").partitions()).as("partitions of a created topic").hasSize(3);
        // per key: one partition, the ops in commit order
        Map<String, List<String>> opsPerKey = new LinkedHashMap<>();
        Map<String, Set<Integer>> partitionsPerKey = new LinkedHashMap<>();
        for (Message m : items) {
            String key = m.key() == null ? "null" : EventJson.write(m.key());
            opsPerKey.computeIfAbsent(key, k -> new ArrayList<>()).add(m.op());
            partitionsPerKey.computeIfAbsent(key, k -> new java.util.HashSet<>()).add(m.partition());
        }
        assertThat(partitionsPerKey.values()).allSatisfy(p -> assertThat(p).hasSize(1));
        assertThat(opsPerKey.get("{\"id\":2}")).containsExactly("c", "u", "u", "u");
        assertThat(opsPerKey.get("{\"id\":3}")).containsExactly("c", "d");
        assertThat(opsPerKey.get("{\"id\":103}")).containsExactly("c");
        assertThat(opsPerKey.get("{\"id\":5}")).containsExactly("c", "d");
        assertThat(opsPerKey.get("{\"id\":1}")).containsExactly("c");
        assertThat(opsPerKey.get("null")).as("the truncate, with a null key").containsExactly("t");
        assertThat(opsPerKey).hasSize(22);
        // the last price update of id 2 is the last message of its key
        List<Message> two = items.stream().filter(m -> m.key() != null && m.key().get("id").asInt() == 2).toList();
        assertThat(two.getLast().value().get("after").get("price").decimalValue()).isEqualByComparingTo("2.02");
        // the key is the row's primary key; the value the Debezium envelope, payload only
        for (Message m : items) {
            if (m.key() != null) {
                JsonNode row = m.op().equals("d") ? m.value().get("before") : m.value().get("after");
                assertThat(m.key().get("id")).isEqualTo(row.get("id"));
            }
        }
        Message first = items.stream().filter(m -> m.key() != null && m.key().get("id").asInt() == 1).findFirst()
                .orElseThrow();
        assertThat(EventJson.write(first.value().get("after"))).isEqualTo("{\"id\":1,\"note\":\"n1\",\"price\":1.00}");
        assertThat(first.value().get("before").isNull()).isTrue();
        assertThat(first.value().get("source").get("table").asText()).isEqualTo("items");
        assertThat(first.value().get("source").get("connector").asText()).isEqualTo("postgresql");
        assertThat(first.value().has("schema")).as("no Connect schema wrapper").isFalse();
        assertThat(EventJson.write(lineItems.getFirst().value().get("after")))
                .isEqualTo("{\"id\":1,\"näme\":\"é日本🔑\"}");
        assertThat(lineItems.getFirst().value().get("source").get("table").asText()).isEqualTo("Line Items");
        // everything delivered was confirmed to the source
        String lastCommit = dev.pgbridge.pgtype.Lsn.of(items.stream()
                .mapToLong(m -> m.value().get("source").get("commit_lsn").asLong()).max().orElseThrow()).toString();
        assertThat(h.confirmedComparedTo(lastCommit)).isNotNegative();
    }

    @Test
    @Order(2)
    void aFlushAfterTheBrokerStoppedFailsAndNothingIsConfirmed() throws Exception {
        h.sql("CREATE TABLE t (id int PRIMARY KEY)");
        CaptureConfig config = h.sinkConfig("{type: stdout}", "t");
        var engine = h.start(config, sink("down", Duration.ofSeconds(4)));
        long first = h.transaction("INSERT INTO t VALUES (1)");
        String commitLsn = consume("down.public.t", 1).getFirst().value().get("source").get("commit_lsn").asText();
        String delivered = dev.pgbridge.pgtype.Lsn.of(Long.parseLong(commitLsn)).toString();
        await("the first insert confirmed", Duration.ofSeconds(30), () -> h.confirmedComparedTo(delivered) >= 0);

        for (BrokerServer broker : kafka.brokers().values()) {
            broker.shutdown();
        }
        long stopped = System.nanoTime();
        long second = h.transaction("INSERT INTO t VALUES (2)");
        Throwable failure = h.awaitFailure(engine, Duration.ofSeconds(60));
        LOG.info("the engine stopped {} ms after the broker", (System.nanoTime() - stopped) / 1_000_000);
        assertThat(failure).isInstanceOf(PgBridgeException.class);
        assertThat(failure.getMessage()).contains("kafka sink").contains("were not acknowledged")
                .contains("nothing after the last checkpoint is confirmed");
        assertThat(h.unconfirmedMessages(second)).as("the slot holds the second insert: not confirmed").isPositive();
        assertThat(h.unconfirmedMessages(first)).as("the first one was confirmed").isZero();
        assertThat(h.confirmedComparedTo(delivered)).isNotNegative();
        assertThat(failure).isInstanceOf(SinkFailure.class);
        assertThat(((PgBridgeException) failure).code()).isEqualTo(ErrorCode.TIMEOUT);
        assertThat(failure.getCause().toString()).containsAnyOf("TimeoutException", "Expiring");
        LOG.info("kafka sink failure as reported: {}", failure.getMessage().lines().collect(Collectors.joining(" ")));
    }
}
