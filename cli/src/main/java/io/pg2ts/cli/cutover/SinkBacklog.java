package io.pg2ts.cli.cutover;

import io.pg2ts.common.TableId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;

/**
 * How many records in Kafka the sink has not applied yet: per partition of the sink's topics, the
 * partition's end offset minus the next offset the sink stored on the target (its exactly-once
 * position, committed with the rows), or minus the partition's earliest offset when the sink has
 * stored none.
 */
public final class SinkBacklog implements AutoCloseable {

    /** One partition: the next offset Kafka will write, and the next the sink will apply. */
    public record PartitionBacklog(TopicPartition partition, long endOffset, long appliedOffset) {

        public long records() {
            return Math.max(0, endOffset - appliedOffset);
        }
    }

    private static final long TIMEOUT_SECONDS = 30;

    private final Admin admin;
    private final TableId offsetsTable;
    private final String connector;
    private final Pattern topics;

    /**
     * @param bootstrapServers the Kafka brokers of the Connect cluster
     * @param offsetsTable the sink's {@code <offsets.schema>.sink_offsets}
     * @param connector the sink connector's name, which keys its rows there
     * @param topics the sink's {@code topics.regex}, or its {@code topics} list as a pattern
     */
    public SinkBacklog(String bootstrapServers, TableId offsetsTable, String connector, Pattern topics) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "pg2ts-cli-backlog");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        this.admin = Admin.create(props);
        this.offsetsTable = offsetsTable;
        this.connector = connector;
        this.topics = topics;
    }

    /** The sink's topics pattern from its connector config: {@code topics.regex}, else the {@code topics} list. */
    public static Pattern topicsOf(Map<String, String> sinkConfig) {
        String regex = sinkConfig.getOrDefault("topics.regex", "").strip();
        if (!regex.isEmpty()) {
            return Pattern.compile(regex);
        }
        List<String> quoted = new ArrayList<>();
        for (String topic : sinkConfig.getOrDefault("topics", "").split(",")) {
            if (!topic.isBlank()) {
                quoted.add(Pattern.quote(topic.strip()));
            }
        }
        if (quoted.isEmpty()) {
            throw new IllegalArgumentException("the sink connector's config has neither topics nor topics.regex");
        }
        return Pattern.compile(String.join("|", quoted));
    }

    /** Reads every partition of the sink's topics, sorted by topic and partition. */
    public List<PartitionBacklog> read(Connection target) throws SQLException, InterruptedException {
        try {
            Set<String> names = admin.listTopics(new ListTopicsOptions().listInternal(false)).names()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            List<String> matching = names.stream().filter(n -> topics.matcher(n).matches()).sorted().toList();
            Map<String, TopicDescription> descriptions = admin.describeTopics(matching).allTopicNames()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
            for (TopicDescription d : descriptions.values()) {
                d.partitions().forEach(p -> {
                    latest.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest());
                    earliest.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.earliest());
                });
            }
            var ends = admin.listOffsets(latest).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            var starts = admin.listOffsets(earliest).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            Map<TopicPartition, Long> stored = stored(target);
            List<PartitionBacklog> result = new ArrayList<>();
            for (TopicPartition tp : latest.keySet()) {
                long applied = Math.max(stored.getOrDefault(tp, 0L), starts.get(tp).offset());
                result.add(new PartitionBacklog(tp, ends.get(tp).offset(), applied));
            }
            result.sort((a, b) -> a.partition().topic().equals(b.partition().topic())
                    ? Integer.compare(a.partition().partition(), b.partition().partition())
                    : a.partition().topic().compareTo(b.partition().topic()));
            return result;
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot read the end offsets of the sink's topics from Kafka: "
                    + e.getMessage() + "; check --kafka", e);
        }
    }

    /** The records not applied yet over all partitions. */
    public static long total(List<PartitionBacklog> partitions) {
        return partitions.stream().mapToLong(PartitionBacklog::records).sum();
    }

    private Map<TopicPartition, Long> stored(Connection target) throws SQLException {
        Map<TopicPartition, Long> stored = new HashMap<>();
        try (PreparedStatement exists = target.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            exists.setString(1, offsetsTable.quoted());
            try (ResultSet rs = exists.executeQuery()) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    return stored;
                }
            }
        }
        try (PreparedStatement s = target.prepareStatement("SELECT topic, kafka_partition, next_offset FROM "
                + offsetsTable.quoted() + " WHERE connector = ?")) {
            s.setString(1, connector);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    stored.put(new TopicPartition(rs.getString(1), rs.getInt(2)), rs.getLong(3));
                }
            }
        }
        return stored;
    }

    @Override
    public void close() {
        admin.close();
    }
}
