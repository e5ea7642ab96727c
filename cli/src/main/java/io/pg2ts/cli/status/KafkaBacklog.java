package io.pg2ts.cli.status;

import io.pg2ts.common.TableId;
import java.sql.Connection;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;

/**
 * Records in Kafka the sink has not applied: per partition the end offset minus the next offset
 * the sink stored on the target (or the partition's first offset, when it stored none).
 */
public final class KafkaBacklog implements AutoCloseable {

    private static final long TIMEOUT_SECONDS = 30;

    private final Admin admin;

    public KafkaBacklog(String bootstrapServers) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "pg2ts-status");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
        admin = Admin.create(props);
    }

    /**
     * @param stored the sink's next offsets per partition
     * @param topics the topics the sink reads, to include those it stored nothing for yet; null for
     *     only the topics in {@code stored}
     * @return per topic, ordered by name
     */
    public Map<String, Long> read(Map<TopicPartition, Long> stored, Pattern topics) throws Exception {
        Set<String> names = new HashSet<>();
        stored.keySet().forEach(p -> names.add(p.topic()));
        if (topics != null) {
            for (String name : get(admin.listTopics().names())) {
                if (topics.matcher(name).matches()) {
                    names.add(name);
                }
            }
        }
        Map<String, Long> backlog = new TreeMap<>();
        if (names.isEmpty()) {
            return backlog;
        }
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        for (TopicDescription topic : get(admin.describeTopics(names).allTopicNames()).values()) {
            topic.partitions().forEach(p -> {
                TopicPartition partition = new TopicPartition(topic.name(), p.partition());
                latest.put(partition, OffsetSpec.latest());
                earliest.put(partition, OffsetSpec.earliest());
            });
        }
        Map<TopicPartition, ListOffsetsResultInfo> ends = get(admin.listOffsets(latest).all());
        Map<TopicPartition, ListOffsetsResultInfo> starts = get(admin.listOffsets(earliest).all());
        for (TopicPartition partition : latest.keySet()) {
            long end = ends.get(partition).offset();
            long next = Math.max(stored.getOrDefault(partition, 0L), starts.get(partition).offset());
            backlog.merge(partition.topic(), Math.max(0, end - next), Long::sum);
        }
        return backlog;
    }

    /**
     * The records the sink connector has not applied over all its topics, with the offsets it
     * stored in {@code offsetsTable} on the target.
     */
    public long total(Connection target, TableId offsetsTable, String connector, Pattern topics) throws Exception {
        return read(ProgressQueries.storedOffsets(target, offsetsTable, connector), topics).values().stream()
                .mapToLong(Long::longValue).sum();
    }

    private static <T> T get(KafkaFuture<T> future) throws Exception {
        try {
            return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        } catch (TimeoutException e) {
            throw new TimeoutException("Kafka did not answer within " + TIMEOUT_SECONDS + " s");
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
