import kafka.testkit.KafkaClusterTestKit;
import kafka.testkit.TestKitNodes;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The broker side of bench/kafka.sh (run by it with pgbridge-cdc's test class path; see that script for the whole
 * benchmark): a real single-node KRaft broker from Kafka's own test kit, configured like KafkaSinkIT's, in this JVM.
 * Prints {@code ready BOOTSTRAP_SERVERS} once the broker takes requests, then answers one line per command read from
 * standard input until {@code stop} or end of input, and closes the broker (the test kit deletes its log
 * directories, which live under {@code java.io.tmpdir}: the bench points that into its work directory).
 *
 * <pre>java -cp CLASSPATH bench/KafkaBroker.java PARTITIONS
 * count TOPIC    -> "count N": records in TOPIC (end offset - start offset, summed over its partitions)
 * cpu            -> "cpu MS": this JVM's CPU time so far (the broker's work)
 * stop           -> closes the broker and exits</pre>
 */
public final class KafkaBroker {
    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: KafkaBroker PARTITIONS (num.partitions of the topics the sink creates)");
            System.exit(2);
        }
        int partitions = Integer.parseInt(args[0]);
        long start = System.nanoTime();
        KafkaClusterTestKit kafka = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                .setCombined(true).setNumControllerNodes(1).setNumBrokerNodes(1).build())
                .setConfigProp("auto.create.topics.enable", "false")
                .setConfigProp("num.partitions", Integer.toString(partitions))
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .build();
        Admin admin = null;
        try {
            kafka.format();
            kafka.startup();
            kafka.waitForReadyBrokers();
            admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
            System.err.printf("KRaft broker up at %s in %d ms%n", kafka.bootstrapServers(),
                    (System.nanoTime() - start) / 1_000_000);
            System.out.println("ready " + kafka.bootstrapServers());
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null && !line.equals("stop")) {
                System.out.println(answer(admin, line.strip()));
                System.out.flush();
            }
        }
        finally {
            if (admin != null) {
                admin.close(Duration.ofSeconds(5));
            }
            kafka.close();
        }
    }

    private static String answer(Admin admin, String command) throws InterruptedException {
        try {
            if (command.equals("cpu")) {
                return "cpu " + ProcessHandle.current().info().totalCpuDuration().orElse(Duration.ZERO).toMillis();
            }
            if (command.startsWith("count ")) {
                return "count " + records(admin, command.substring("count ".length()));
            }
            return "error unknown command: " + command;
        }
        catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            return "error " + (e.getCause() == null ? e : e.getCause()).toString().replace('\n', ' ');
        }
    }

    /** Records in a topic: the end offset minus the start offset of each partition, summed. */
    private static long records(Admin admin, String topic)
            throws InterruptedException, ExecutionException, java.util.concurrent.TimeoutException {
        TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
                .get(30, TimeUnit.SECONDS).get(topic);
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        for (TopicPartitionInfo p : description.partitions()) {
            latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest());
            earliest.put(new TopicPartition(topic, p.partition()), OffsetSpec.earliest());
        }
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> end = admin.listOffsets(latest).all()
                .get(30, TimeUnit.SECONDS);
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> begin = admin.listOffsets(earliest).all()
                .get(30, TimeUnit.SECONDS);
        long records = 0;
        for (TopicPartition p : latest.keySet()) {
            records += end.get(p).offset() - begin.get(p).offset();
        }
        return records;
    }
}
