package io.pg2ts.e2e;

import static io.pg2ts.cli.migrate.MigrationRun.SINK_CONNECTOR;
import static io.pg2ts.cli.migrate.MigrationRun.SOURCE_CONNECTOR;
import static io.pg2ts.e2e.Fixtures.await;
import static io.pg2ts.e2e.Fixtures.count;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pg2ts.cli.LocalCluster;
import io.pg2ts.cli.connect.ConnectRestClient;
import io.pg2ts.cli.migrate.MigrationRun;
import io.pg2ts.common.format.Pg2tsConverter;
import io.pg2ts.testsupport.LocalPostgres;
import io.pg2ts.testsupport.TableComparison;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

/**
 * A change the target rejects (here: a CHECK constraint the source does not have) goes to the
 * dead-letter topic with its reason, and every other change is applied; without error tolerance
 * the task stops and says which record.
 */
class DeadLetterIT {

    private static final String DLQ = "pg2ts-dlq";
    private static final String TABLE = "CREATE TABLE accounts (id bigint PRIMARY KEY, email text NOT NULL, balance numeric(12,2) NOT NULL)";

    @Test
    void aRowTheTargetRejectsGoesToTheDeadLetterTopicAndTheRestIsApplied() throws Exception {
        try (LocalMigration migration = LocalMigration.start()) {
            prepare(migration);
            LocalPostgres source = migration.source;
            LocalPostgres target = migration.target;
            LocalCluster cluster = migration.cluster;
            MigrationRun run = migration.run;
            Map<String, String> sink = run.sinkConfig();
            sink.put("errors.tolerance", "all");
            sink.put("errors.deadletterqueue.topic.name", DLQ);
            sink.put("errors.deadletterqueue.topic.replication.factor", "1");
            sink.put("errors.deadletterqueue.context.headers.enable", "true");
            run.deploy(run.sourceConfig(), sink);

            try (Connection t = target.connect("postgres")) {
                await("the snapshot applied but for the rejected row", Duration.ofMinutes(2),
                        () -> count(t, "SELECT count(*) FROM accounts") == 999);
                source.execute("postgres",
                        "INSERT INTO accounts VALUES (2000, 'too-rich-again@example.com', 5000000)",
                        "INSERT INTO accounts VALUES (2001, 'fine@example.com', 10)",
                        "UPDATE accounts SET balance = 11 WHERE id = 1",
                        "DELETE FROM accounts WHERE id = 2");
                await("the streamed changes applied", Duration.ofMinutes(2),
                        () -> count(t, "SELECT count(*) FROM accounts WHERE id = 2001") == 1
                                && count(t, "SELECT count(*) FROM accounts WHERE id = 2") == 0);
            }

            List<ConsumerRecord<byte[], byte[]>> dead = awaitRecords(cluster.bootstrapServers(), DLQ, 2);
            assertThat(dead).hasSize(2);
            for (ConsumerRecord<byte[], byte[]> record : dead) {
                assertThat(header(record, "__connect.errors.exception.message")).contains("23514");
            }
            // The dead-letter topic holds the records as they were in Kafka: the pg2ts converter's bytes.
            assertThat(keyId(cluster.bootstrapServers(), dead.get(0))).isEqualTo(500L);
            assertThat(keyId(cluster.bootstrapServers(), dead.get(1))).isEqualTo(2000L);

            String good = "CREATE VIEW good AS SELECT * FROM accounts WHERE id NOT IN (500, 2000)";
            source.execute("postgres", good);
            target.execute("postgres", good);
            try (Connection s = source.connect("postgres"); Connection t = target.connect("postgres")) {
                assertThat(TableComparison.fingerprint(t, "good")).isEqualTo(TableComparison.fingerprint(s, "good"));
                assertThat(count(t, "SELECT count(*) FROM accounts WHERE id IN (500, 2000)")).isZero();
                // 1000 snapshot rows, 2 inserts, 1 update, 1 delete and its tombstone: offsets 0 to 1004.
                await("the offsets of the rejected records committed too", Duration.ofMinutes(1),
                        () -> count(t, "SELECT coalesce(sum(next_offset), 0) FROM pg2ts.sink_offsets "
                                + "WHERE topic = 'pg2ts.public.accounts'") == 1005);
            }
        }
    }

    @Test
    void withoutErrorToleranceTheTaskFailsNamingTopicOffsetAndTable() throws Exception {
        try (LocalMigration migration = LocalMigration.start()) {
            prepare(migration);
            LocalPostgres source = migration.source;
            LocalPostgres target = migration.target;
            LocalCluster cluster = migration.cluster;
            MigrationRun run = migration.run;
            cluster.rest().putConnectorConfig(SOURCE_CONNECTOR, run.sourceConfig());
            cluster.rest().putConnectorConfig(SINK_CONNECTOR, run.sinkConfig());
            String[] trace = {""};
            await("the sink task failed", Duration.ofMinutes(2), () -> {
                JsonNode status;
                try {
                    status = cluster.rest().status(SINK_CONNECTOR);
                } catch (ConnectRestClient.ConnectRestException e) {
                    return false;
                }
                for (JsonNode task : status.path("tasks")) {
                    if (task.path("state").asText().equals("FAILED")) {
                        trace[0] = task.path("trace").asText();
                        return true;
                    }
                }
                return false;
            });
            // Connect wraps the task's exception; the sink's own message is the first cause.
            String message = trace[0].lines().filter(line -> line.startsWith("Caused by: ")).findFirst().orElse("");
            assertThat(message).contains("pg2ts.public.accounts").contains("offset").contains("accounts").contains("23514");
            assertThat(trace[0]).doesNotContain("toorich@example.com").doesNotContain("999999");
        }
    }

    // A source table of 1000 accounts, one of them richer than the target's CHECK allows.
    private static void prepare(LocalMigration migration) throws Exception {
        migration.source.execute("postgres", TABLE,
                "INSERT INTO accounts SELECT g, 'user' || g || '@example.com', g FROM generate_series(1, 1000) g",
                "UPDATE accounts SET balance = 999999, email = 'toorich@example.com' WHERE id = 500");
        migration.target.execute("postgres", TABLE, "ALTER TABLE accounts ADD CONSTRAINT balance_limit CHECK (balance < 100000)");
    }

    private static List<ConsumerRecord<byte[], byte[]>> awaitRecords(String bootstrapServers, String topic, int expected)
            throws Exception {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrapServers);
        props.put("key.deserializer", ByteArrayDeserializer.class.getName());
        props.put("value.deserializer", ByteArrayDeserializer.class.getName());
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            await(expected + " records in " + topic, Duration.ofMinutes(1), () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return records.size() >= expected;
            });
        }
        return records;
    }

    private static long keyId(String bootstrapServers, ConsumerRecord<byte[], byte[]> record) {
        try (Pg2tsConverter converter = new Pg2tsConverter()) {
            converter.configure(Map.of("bootstrap.servers", bootstrapServers), true);
            SchemaAndValue key = converter.toConnectData(header(record, "__connect.errors.topic"), record.key());
            return ((Struct) key.value()).getInt64("id");
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
    }
}
