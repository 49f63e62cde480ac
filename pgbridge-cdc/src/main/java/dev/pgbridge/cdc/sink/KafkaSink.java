package dev.pgbridge.cdc.sink;

import dev.pgbridge.cdc.event.ChangeEvent;
import dev.pgbridge.cdc.event.CommittedTransaction;
import dev.pgbridge.cdc.event.EventEncoder;
import dev.pgbridge.cdc.event.TableId;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.pgbridge.error.ErrorCode;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Events to Kafka: one topic per table, {@code <topicPrefix>.<schema>.<table>}; the message key is the event key
 * as JSON ({@code {"id":1}}), the value the Debezium envelope as JSON (payload only). A truncate goes to its table's
 * topic with a null key (so to one partition of it). No tombstones are written after deletes.
 *
 * <p>Delivery: an idempotent producer ({@code enable.idempotence=true}, {@code acks=all}, at most 5 requests in
 * flight per connection), so retries neither duplicate nor reorder messages within a partition, and every event of a
 * key goes to the key's partition in commit order. {@link #accept} only hands the messages to the producer;
 * {@link #flush()} waits until the brokers acknowledged every one of them and throws if any failed — the engine then
 * confirms nothing, and the capture resumes from its last checkpoint (at-least-once). A failure is final: the sink
 * refuses everything after it, because a gap could otherwise be confirmed behind a later success.
 *
 * <p>Topics are created on first sight through the Admin API (when they do not exist yet) with
 * {@link Settings#partitions()} partitions and {@link Settings#replicationFactor()} replicas, the broker's defaults
 * when empty. How durable {@code acks=all} is depends on the topic's {@code min.insync.replicas}.
 *
 * <p>A character of a schema or table name that Kafka does not allow in a topic name (anything but ASCII letters,
 * digits, {@code .}, {@code _} and {@code -}) becomes {@code _}.
 */
public final class KafkaSink implements ChangeSink {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaSink.class);
    private static final Pattern TOPIC_PREFIX = Pattern.compile("[A-Za-z0-9._-]+");
    private static final int MAX_TOPIC_LENGTH = 249;

    private final String bootstrapServers;
    private final String topicPrefix;
    private final Settings settings;
    private final Producer<byte[], byte[]> producer;
    private final Admin admin;
    private final Map<TableId, String> topics = new HashMap<>();
    private final Set<String> knownTopics = new HashSet<>();
    private final AtomicReference<Exception> firstFailure = new AtomicReference<>();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong unacknowledged = new AtomicLong();
    private final EventEncoder encoder = new EventEncoder();
    private long sentSinceFlush;
    private long sent;
    private boolean closed;

    /**
     * Producer and topic settings beyond the config's keys.
     *
     * @param partitions        partitions of a topic this sink creates; empty: the broker's {@code num.partitions}
     * @param replicationFactor replicas of a topic this sink creates; empty: {@code default.replication.factor}
     * @param deliveryTimeout   how long a message may take to be acknowledged, retries included
     *                          ({@code delivery.timeout.ms}); a flush fails at the latest this long after a send
     * @param requestTimeout    one request to a broker ({@code request.timeout.ms}); also bounds metadata waits
     *                          and Admin calls
     * @param producerOverrides further producer properties, applied last (for example {@code compression.type} or
     *                          security settings); the delivery guarantees above cannot be overridden
     */
    public record Settings(Optional<Integer> partitions, Optional<Short> replicationFactor, Duration deliveryTimeout,
                           Duration requestTimeout, Map<String, String> producerOverrides) {
        public static final Settings DEFAULT = new Settings(Optional.empty(), Optional.empty(), Duration.ofMinutes(2),
                Duration.ofSeconds(30), Map.of());

        public Settings {
            requireNonNull(partitions, "partitions is null");
            requireNonNull(replicationFactor, "replicationFactor is null");
            requireNonNull(deliveryTimeout, "deliveryTimeout is null");
            requireNonNull(requestTimeout, "requestTimeout is null");
            producerOverrides = Map.copyOf(producerOverrides);
            if (requestTimeout.toMillis() < 1 || deliveryTimeout.compareTo(requestTimeout) < 0) {
                throw new IllegalArgumentException("requestTimeout must be positive and at most deliveryTimeout ("
                        + requestTimeout + " > " + deliveryTimeout + ")");
            }
            partitions.ifPresent(p -> {
                if (p < 1) {
                    throw new IllegalArgumentException("partitions must be positive: " + p);
                }
            });
        }
    }

    /** Producer settings that make delivery what this class promises; overrides cannot change them. */
    private static final Map<String, String> GUARANTEES = Map.of(
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
            ProducerConfig.ACKS_CONFIG, "all",
            ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5",
            ProducerConfig.RETRIES_CONFIG, Integer.toString(Integer.MAX_VALUE));

    public KafkaSink(String bootstrapServers, String topicPrefix, String captureName, Settings settings) {
        this.bootstrapServers = requireNonNull(bootstrapServers, "bootstrapServers is null");
        this.topicPrefix = requireNonNull(topicPrefix, "topicPrefix is null");
        requireNonNull(captureName, "captureName is null");
        this.settings = requireNonNull(settings, "settings is null");
        if (!TOPIC_PREFIX.matcher(topicPrefix).matches()) {
            throw new IllegalArgumentException("topicPrefix '" + topicPrefix + "' may only contain ASCII letters, "
                    + "digits, '.', '_' and '-'");
        }
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "pgbridge-" + captureName);
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(settings.deliveryTimeout().toMillis()));
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(settings.requestTimeout().toMillis()));
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(settings.requestTimeout().toMillis()));
        p.putAll(settings.producerOverrides());
        p.putAll(GUARANTEES);
        try {
            this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        }
        catch (KafkaException e) {
            throw unusable(e);
        }
        Map<String, Object> a = new HashMap<>();
        a.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        a.put(AdminClientConfig.CLIENT_ID_CONFIG, "pgbridge-" + captureName + "-admin");
        a.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(settings.requestTimeout().toMillis()));
        a.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(settings.requestTimeout().toMillis()));
        // security settings given for the producer apply to the Admin client too
        settings.producerOverrides().forEach((k, v) -> {
            if (k.startsWith("security.") || k.startsWith("ssl.") || k.startsWith("sasl.")) {
                a.put(k, v);
            }
        });
        try {
            this.admin = Admin.create(a);
        }
        catch (KafkaException e) {
            producer.close(Duration.ZERO);
            throw unusable(e);
        }
    }

    /** Why the producer or Admin client could not even be made: an unknown broker name, a bad override. */
    private SinkFailure unusable(KafkaException e) {
        if (noneResolves(bootstrapServers)) {
            return new SinkFailure(ErrorCode.UNKNOWN_HOST, "kafka sink: no broker of bootstrapServers \""
                    + bootstrapServers + "\" resolves to an address", "check the host names in the sink's "
                    + "bootstrapServers (see what DNS says with getent hosts NAME), or use IP addresses", e);
        }
        if (e instanceof ConfigException || e.getCause() instanceof ConfigException) {
            return new SinkFailure(ErrorCode.INVALID_CONFIG, "kafka sink: the producer settings are not valid: "
                    + rootMessage(e), "fix bootstrapServers (host:port, comma separated) and the producer overrides", e);
        }
        return failure("cannot create the Kafka client", e);
    }

    /** True when not one {@code host:port} of the list resolves (DNS); the decision is the resolver's, not a message's. */
    static boolean noneResolves(String bootstrapServers) {
        for (String server : bootstrapServers.split(",")) {
            String hostPort = server.trim();
            int colon = hostPort.lastIndexOf(':');
            String host = colon > 0 ? hostPort.substring(0, colon) : hostPort;
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            if (host.isEmpty()) {
                continue;
            }
            try {
                InetAddress.getAllByName(host);
                return false;
            }
            catch (UnknownHostException unknown) {
                // try the next one
            }
        }
        return true;
    }

    /** The topic of a table: {@code <topicPrefix>.<schema>.<table>}, characters Kafka refuses replaced by {@code _}. */
    public static String topic(String topicPrefix, TableId table) {
        String topic = topicPrefix + "." + legal(table.schema()) + "." + legal(table.table());
        if (topic.length() > MAX_TOPIC_LENGTH) {
            throw new IllegalArgumentException("the topic name for " + table + " would be " + topic.length()
                    + " characters long, more than Kafka's " + MAX_TOPIC_LENGTH + ": " + topic);
        }
        return topic;
    }

    private static String legal(String name) {
        StringBuilder sb = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.'
                    || c == '_' || c == '-';
            sb.append(ok ? c : '_');
            if (Character.isHighSurrogate(c) && i + 1 < name.length() && Character.isLowSurrogate(name.charAt(i + 1))) {
                i++; // one code point, one replacement
            }
        }
        return sb.toString();
    }

    @Override
    public void accept(CommittedTransaction transaction) {
        checkUsable();
        for (Iterator<ChangeEvent> it = transaction.events(); it.hasNext(); ) {
            ChangeEvent event = it.next();
            String topic = topicOf(event.table());
            byte[] key = event.key() == null ? null : encoder.key(event).toByteArray();
            byte[] value = encoder.value(event).toByteArray();
            unacknowledged.incrementAndGet();
            try {
                producer.send(new ProducerRecord<>(topic, key, value), this::acknowledged);
            }
            catch (InterruptException e) {
                unacknowledged.decrementAndGet();
                throw interrupted("sending to " + topic, e);
            }
            catch (KafkaException e) {
                unacknowledged.decrementAndGet();
                recordFailure(e);
                throw failure("cannot send an event of " + transaction + " to topic " + topic, e);
            }
            sentSinceFlush++;
            sent++;
        }
    }

    private void acknowledged(RecordMetadata metadata, Exception exception) {
        if (exception != null) {
            recordFailure(exception);
        }
        unacknowledged.decrementAndGet();
    }

    private void recordFailure(Exception e) {
        failed.incrementAndGet();
        if (firstFailure.compareAndSet(null, e)) {
            LOG.error("kafka sink: a message was not delivered to {}: {}", bootstrapServers, e.toString());
        }
    }

    private String topicOf(TableId table) {
        String topic = topics.get(table);
        if (topic == null) {
            topic = topic(topicPrefix, table);
            ensureTopic(topic);
            topics.put(table, topic);
        }
        return topic;
    }

    /** Creates the topic unless it exists (described first, so a client without CREATE rights can use existing ones). */
    private void ensureTopic(String topic) {
        if (knownTopics.contains(topic)) {
            return;
        }
        long timeout = settings.requestTimeout().toMillis();
        try {
            try {
                admin.describeTopics(List.of(topic)).allTopicNames().get(timeout, TimeUnit.MILLISECONDS);
                knownTopics.add(topic);
                return;
            }
            catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
            }
            try {
                admin.createTopics(List.of(new NewTopic(topic, settings.partitions(), settings.replicationFactor())))
                        .all().get(timeout, TimeUnit.MILLISECONDS);
                LOG.info("kafka sink: created topic {} ({} partitions)", topic,
                        settings.partitions().map(String::valueOf).orElse("the broker's default number of"));
                awaitLeaders(topic, timeout);
            }
            catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
            knownTopics.add(topic);
        }
        catch (ExecutionException e) {
            throw failure("cannot find or create topic " + topic, e.getCause());
        }
        catch (TimeoutException e) {
            throw failure("no answer within " + timeout + " ms while looking up topic " + topic, e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw interrupted("looking up topic " + topic, e);
        }
    }

    /**
     * Waits (up to {@code timeoutMillis}) until every partition of a just-created topic has a leader: a produce
     * request that reaches a partition before its leader is ready is refused, and the idempotent producer's retry of
     * it can then be refused again as out of sequence, losing the batch.
     */
    private void awaitLeaders(String topic, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (System.nanoTime() < deadline) {
            try {
                TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames()
                        .get(timeoutMillis, TimeUnit.MILLISECONDS).get(topic);
                if (d != null && !d.partitions().isEmpty() && d.partitions().stream()
                        .allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
                    return;
                }
            }
            catch (ExecutionException | TimeoutException e) {
                LOG.debug("kafka sink: topic {} not described yet: {}", topic, e.getMessage());
            }
            Thread.sleep(50);
        }
        LOG.warn("kafka sink: topic {} still has partitions without a leader after {} ms; sending anyway", topic,
                timeoutMillis);
    }

    /** Waits for every message sent since the last flush to be acknowledged; throws when any was not. */
    @Override
    public void flush() {
        checkUsable();
        long count = sentSinceFlush;
        try {
            producer.flush();
        }
        catch (InterruptException e) {
            throw interrupted("waiting for acknowledgements", e);
        }
        if (firstFailure.get() != null) {
            throw failure(failed.get() + " message(s) of the last " + count + " sent were not acknowledged", null);
        }
        if (unacknowledged.get() != 0) {
            throw new SinkFailure(ErrorCode.SINK_FAILED, "kafka sink: " + unacknowledged.get() + " message(s) still "
                    + "unacknowledged after the producer's flush returned", "start the capture again: it resumes from "
                    + "its checkpoint (consumers may see the events since then twice)");
        }
        sentSinceFlush = 0;
    }

    /** Messages handed to the producer since this sink was opened. */
    public long sent() {
        return sent;
    }

    private void checkUsable() {
        if (closed) {
            throw new SinkFailure(ErrorCode.SINK_FAILED, "kafka sink is closed", null);
        }
        if (firstFailure.get() != null) {
            throw failure("an earlier message was not delivered", null);
        }
    }

    /**
     * A failure of this sink with the code and hint its cause calls for, decided by the Kafka exception's type: the
     * broker refusing the client's login, a missing ACL on a topic or the cluster, no answer in time; anything else is
     * {@link ErrorCode#SINK_FAILED}.
     */
    private SinkFailure failure(String what, Throwable now) {
        Throwable first = now != null ? now : firstFailure.get();
        String message = "kafka sink (" + bootstrapServers + "): " + what + ": " + first + "; nothing after the last "
                + "checkpoint is confirmed to PostgreSQL";
        String again = "; then start the capture again (it resumes from its checkpoint; consumers may see the events "
                + "since then twice)";
        Throwable cause = first;
        for (Throwable t = first; t != null; t = t.getCause() == t ? null : t.getCause()) {
            switch (t) {
                case AuthenticationException auth -> {
                    return new SinkFailure(ErrorCode.AUTHENTICATION_FAILED, message, "the brokers refused this "
                            + "client's login: check the security settings given to the producer (security.protocol, "
                            + "sasl.mechanism, sasl.jaas.config, ssl.*) and the credentials" + again, auth);
                }
                case TopicAuthorizationException topics -> {
                    return new SinkFailure(ErrorCode.PRIVILEGE_MISSING, message, "the client's principal may not "
                            + "use topic(s) " + topics.unauthorizedTopics() + ": grant it WRITE and DESCRIBE (and "
                            + "CREATE, to let pgbridge create missing topics) on the prefix, e.g. kafka-acls.sh "
                            + "--bootstrap-server " + bootstrapServers + " --add --allow-principal User:<principal> "
                            + "--operation Write --operation Describe --operation Create --topic " + topicPrefix
                            + ". --resource-pattern-type prefixed" + again, topics);
                }
                case ClusterAuthorizationException cluster -> {
                    return new SinkFailure(ErrorCode.PRIVILEGE_MISSING, message, "the client's principal lacks a "
                            + "cluster permission: the idempotent producer needs IDEMPOTENT_WRITE on the cluster (older "
                            + "brokers) and creating topics needs CREATE, e.g. kafka-acls.sh --bootstrap-server "
                            + bootstrapServers + " --add --allow-principal User:<principal> --operation "
                            + "IdempotentWrite --operation Create --cluster" + again, cluster);
                }
                case AuthorizationException other -> {
                    return new SinkFailure(ErrorCode.PRIVILEGE_MISSING, message, "the brokers refused an operation "
                            + "of this client (" + other.getClass().getSimpleName() + "): grant its principal the ACL "
                            + "the broker log names" + again, other);
                }
                case org.apache.kafka.common.errors.TimeoutException timeout -> cause = timeout;
                case TimeoutException timeout -> cause = timeout;
                default -> {
                }
            }
        }
        if (cause instanceof org.apache.kafka.common.errors.TimeoutException || cause instanceof TimeoutException) {
            return new SinkFailure(ErrorCode.TIMEOUT, message, "no broker answered in time: check bootstrapServers ("
                    + bootstrapServers + "), that the brokers are up and reachable from this host, and that they "
                    + "advertise addresses this host can reach (advertised.listeners)" + again, first);
        }
        return new SinkFailure(ErrorCode.SINK_FAILED, message, "check that the brokers are up and reachable and read "
                + "their log for this error" + again, first);
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return String.valueOf(root.getMessage());
    }

    private static SinkFailure interrupted(String what, Exception cause) {
        Thread.currentThread().interrupt();
        return new SinkFailure(ErrorCode.CANCELED, "kafka sink: interrupted while " + what, null, cause);
    }

    /** Flushes, then closes the producer; the producer and Admin client are closed even when the flush fails. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        try {
            if (firstFailure.get() == null) {
                flush();
            }
        }
        finally {
            closed = true;
            Duration grace = firstFailure.get() == null ? settings.requestTimeout() : Duration.ZERO;
            try {
                producer.close(grace);
            }
            finally {
                admin.close(Duration.ofSeconds(5));
            }
        }
    }

    @Override
    public String toString() {
        return "KafkaSink[bootstrapServers=" + bootstrapServers + ", topicPrefix=" + topicPrefix + "]";
    }
}
