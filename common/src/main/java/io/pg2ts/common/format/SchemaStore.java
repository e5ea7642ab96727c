package io.pg2ts.common.format;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The compacted, single-partition schemas topic: key = schema id in hex, value = the schema's JSON.
 * Clients are created on first use, so a converter that never meets a new schema opens no connection.
 */
final class SchemaStore implements Pg2tsConverter.Schemas {

    private static final Logger LOG = LoggerFactory.getLogger(SchemaStore.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final Pg2tsConverterConfig config;
    private final TopicPartition partition;
    private KafkaProducer<String, String> producer;
    private KafkaConsumer<String, String> consumer;
    private boolean topicChecked;

    SchemaStore(Pg2tsConverterConfig config) {
        this.config = config;
        this.partition = new TopicPartition(config.schemasTopic(), 0);
    }

    @Override
    public String topic() {
        return partition.topic();
    }

    /** Returns once the schema is durably in the topic (acks=all), so readers of the data can find it. */
    @Override
    public synchronized void publish(long id, String schemaJson) {
        ensureTopic();
        if (producer == null) {
            Map<String, Object> props = new HashMap<>(config.clientProps());
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            props.put(ProducerConfig.CLIENT_ID_CONFIG, "pg2ts-converter-schemas-producer");
            producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
        }
        try {
            producer.send(new ProducerRecord<>(partition.topic(), 0, SchemaJson.hex(id), schemaJson)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("Interrupted while publishing schema " + SchemaJson.hex(id), e);
        } catch (ExecutionException e) {
            throw new ConnectException("Could not publish schema " + SchemaJson.hex(id) + " to " + partition.topic(),
                    e.getCause());
        }
        LOG.debug("Published schema {} to {}", SchemaJson.hex(id), partition.topic());
    }

    /** Reads the whole topic from its start to its current end and hands every entry to {@code sink}. */
    @Override
    public synchronized void readAll(BiConsumer<String, String> sink) {
        if (consumer == null) {
            Map<String, Object> props = new HashMap<>(config.clientProps());
            props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            props.put(ConsumerConfig.CLIENT_ID_CONFIG, "pg2ts-converter-schemas-consumer");
            props.remove(ConsumerConfig.GROUP_ID_CONFIG);
            // Looking for the topic must not create it with the broker's defaults (not compacted).
            props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
            consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
            consumer.assign(List.of(partition));
        }
        // An absent topic means no schema was ever published: nothing to read.
        if (consumer.partitionsFor(partition.topic(), TIMEOUT).isEmpty()) {
            return;
        }
        long end = consumer.endOffsets(List.of(partition), TIMEOUT).get(partition);
        consumer.seekToBeginning(List.of(partition));
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (consumer.position(partition, TIMEOUT) < end) {
            if (System.nanoTime() > deadline) {
                throw new ConnectException("Timed out reading " + partition.topic() + " up to offset " + end);
            }
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                if (record.key() != null && record.value() != null) {
                    sink.accept(record.key(), record.value());
                }
            }
        }
    }

    private void ensureTopic() {
        if (topicChecked) {
            return;
        }
        try (Admin admin = Admin.create(config.clientProps())) {
            if (!admin.listTopics().names().get().contains(partition.topic())) {
                NewTopic topic = new NewTopic(partition.topic(), Optional.of(1),
                        config.replicationFactor() == -1 ? Optional.empty() : Optional.of(config.replicationFactor()))
                        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
                admin.createTopics(List.of(topic)).all().get();
                LOG.info("Created schemas topic {}", partition.topic());
            }
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new ConnectException("Could not create schemas topic " + partition.topic(), e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("Interrupted while creating schemas topic " + partition.topic(), e);
        }
        topicChecked = true;
    }

    @Override
    public synchronized void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(10));
            producer = null;
        }
        if (consumer != null) {
            consumer.close();
            consumer = null;
        }
    }
}
