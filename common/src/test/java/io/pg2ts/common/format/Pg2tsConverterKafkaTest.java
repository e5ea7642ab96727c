package io.pg2ts.common.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pg2ts.testsupport.LocalKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The converter against a real broker: its schemas topic is the only link between writer and reader. */
class Pg2tsConverterKafkaTest {

    private static LocalKafka kafka;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = LocalKafka.start(Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "kafka-"));
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.close();
        }
    }

    private static Pg2tsConverter converter(String schemasTopic) {
        Pg2tsConverter converter = new Pg2tsConverter();
        converter.configure(Map.of("bootstrap.servers", kafka.bootstrapServers(), "schemas.topic", schemasTopic,
                "kafka.request.timeout.ms", "20000"), false);
        return converter;
    }

    @Test
    void separateReaderDecodesWhatAWriterWroteAndTheSchemaIsPublishedOnce() throws Exception {
        Schema schema = Pg2tsConverterTest.ENVELOPE;
        List<Struct> events = new ArrayList<>();
        List<byte[]> wire = new ArrayList<>();
        try (Pg2tsConverter writer = converter("schemas-once")) {
            for (int i = 0; i < 1000; i++) {
                Struct event = Pg2tsConverterTest.envelope(i);
                events.add(event);
                wire.add(writer.fromConnectData("metrics", schema, event));
            }
        }

        try (Pg2tsConverter reader = converter("schemas-once")) {
            for (int i = 0; i < wire.size(); i++) {
                SchemaAndValue back = reader.toConnectData("metrics", wire.get(i));
                assertThat(back.value()).isEqualTo(events.get(i));
            }
        }
        assertThat(schemaRecords("schemas-once")).hasSize(1);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "schemas-once");
            ConfigEntry policy = admin.describeConfigs(List.of(topic)).all().get().get(topic).get("cleanup.policy");
            assertThat(policy.value()).isEqualTo("compact");
        }
    }

    @Test
    void readerWithAnotherSchemasTopicExplainsTheUnknownId() {
        byte[] wire;
        try (Pg2tsConverter writer = converter("schemas-a")) {
            wire = writer.fromConnectData("metrics", Pg2tsConverterTest.ENVELOPE, Pg2tsConverterTest.envelope(1));
        }
        try (Pg2tsConverter reader = converter("schemas-b")) {
            assertThatThrownBy(() -> reader.toConnectData("metrics", wire))
                    .isInstanceOf(DataException.class)
                    .hasMessageContaining("schemas-b")
                    .hasMessageContaining("same schemas.topic");
        }
    }

    private static List<ConsumerRecord<String, String>> schemaRecords(String topic) {
        TopicPartition partition = new TopicPartition(topic, 0);
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
                Map.of("bootstrap.servers", kafka.bootstrapServers()), new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (consumer.position(partition) < end && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }
}
