package io.pg2ts.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.pg2ts.testsupport.LocalPostgres;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.apache.kafka.connect.source.SourceTaskContext;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/** The task our connector configures, run against a real source without a Connect worker. */
class SourceTaskTest {

    private static final String DB = "shop";
    private static final String TOPIC = "smoke.public.items";
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @Test
    void snapshotRowsThenInsertedRowArriveOnTheTablesTopicWithSourceColumnTypes() throws Exception {
        try (LocalPostgres source = LocalPostgres.startSource()) {
            source.createDatabase(DB);
            source.execute(DB,
                    "CREATE TABLE public.items (id bigint PRIMARY KEY, name varchar(40), price numeric(10, 2))",
                    "INSERT INTO public.items VALUES (1, 'a', 1.50), (2, 'b', 2.50), (3, 'c', 3.50)");
            Map<String, String> props = TestConfigs.forServer(source, DB);
            props.put("name", "smoke");
            props.put("topic.prefix", "smoke");
            props.put("table.include.list", "public.items");
            props.put("slot.drop.on.stop", "true");
            assertThat(TestValidation.errors(new PostgresSourceConnector().validate(props))).isEmpty();

            PostgresSourceConnector connector = new PostgresSourceConnector();
            connector.start(props);
            Map<String, String> taskConfig = connector.taskConfigs(1).get(0);
            SourceTask task = (SourceTask) connector.taskClass().getDeclaredConstructor().newInstance();
            task.initialize(new NoOffsetsContext(taskConfig));
            task.start(taskConfig);
            try {
                List<SourceRecord> snapshot = pollUntil(task, r -> r.size() >= 3);
                assertThat(snapshot).extracting(r -> op(r)).containsOnly("r");
                assertThat(snapshot).extracting(r -> ((Struct) r.key()).get("id")).containsExactlyInAnyOrder(1L, 2L, 3L);

                source.execute(DB, "INSERT INTO public.items VALUES (4, 'd', 4.50)");
                SourceRecord insert = pollUntil(task, r -> !r.isEmpty()).get(0);

                assertThat(insert.topic()).isEqualTo(TOPIC);
                assertThat(op(insert)).isEqualTo("c");
                assertThat(insert.keySchema().fields()).extracting(Field::name).containsExactly("id");
                assertThat(((Struct) insert.key()).get("id")).isEqualTo(4L);
                assertThat(insert.valueSchema().fields()).extracting(Field::name)
                        .contains("before", "after", "source", "op", "ts_ms");
                Struct after = ((Struct) insert.value()).getStruct("after");
                assertThat(after.get("name")).isEqualTo("d");
                // Debezium's lag metric, measured in the streaming thread (InlineLagMeasurement), still reports.
                assertThat(((PostgresSourceTask) task).lagMeasuredInline()).isTrue();
                assertThat(streamingMetric("smoke", "MilliSecondsBehindSource")).isNotNull()
                        .satisfies(lag -> assertThat((Long) lag).isGreaterThanOrEqualTo(0L));
                // numeric travels as PostgreSQL text (ExactTextConverter): NaN and every digit survive.
                assertThat(after.get("price")).isEqualTo("4.50");
                Schema afterSchema = insert.valueSchema().field("after").schema();
                assertThat(afterSchema.field("name").schema().parameters())
                        .containsEntry("__debezium.source.column.type", "VARCHAR")
                        .containsEntry("__debezium.source.column.length", "40");
                assertThat(afterSchema.field("price").schema().parameters())
                        .containsEntry("__debezium.source.column.type", "NUMERIC")
                        .containsEntry("__debezium.source.column.length", "10")
                        .containsEntry("__debezium.source.column.scale", "2");

                // A change after a quiet spell reaches poll() promptly. With Debezium's own
                // poll.interval.ms (500) its streaming thread sleeps 500 ms whenever it has read all the
                // server sent and its queue holds a short batch 500 ms: about a second, median 500 ms.
                List<Long> latencies = new ArrayList<>();
                for (int id = 5; id < 10; id++) {
                    Instant quietUntil = Instant.now().plusMillis(300);
                    while (Instant.now().isBefore(quietUntil)) {
                        List<SourceRecord> quiet = task.poll();
                        if (quiet != null) {
                            assertThat(quiet).as("no change while quiet").noneMatch(r -> r.topic().equals(TOPIC));
                        }
                    }
                    source.execute(DB, "INSERT INTO public.items VALUES (" + id + ", 'e', 5.50)");
                    long committed = System.nanoTime();
                    SourceRecord arrived = pollUntil(task, r -> !r.isEmpty()).get(0);
                    latencies.add((System.nanoTime() - committed) / 1_000_000);
                    assertThat(((Struct) arrived.key()).get("id")).isEqualTo((long) id);
                }
                assertThat(latencies.stream().sorted().toList().get(2)).as("median ms from commit to poll, of %s", latencies)
                        .isLessThan(250L);
            } finally {
                task.stop();
                connector.stop();
            }
            assertThat(slotCount(source)).as("slot dropped on stop").isZero();
        }
    }

    @Test
    void readsNoMoreWhileMaxUnacknowledgedRecordsAreOutstandingThenResumesOnAcknowledgement() throws Exception {
        try (LocalPostgres source = LocalPostgres.startSource()) {
            source.createDatabase(DB);
            source.execute(DB, "CREATE TABLE public.items (id bigint PRIMARY KEY, name varchar(40), price numeric(10, 2))",
                    "INSERT INTO public.items SELECT g, 'n' || g, g FROM generate_series(1, 30) g");
            Map<String, String> props = TestConfigs.forServer(source, DB);
            props.put("name", "smoke");
            props.put("topic.prefix", "smoke");
            props.put("table.include.list", "public.items");
            props.put("slot.drop.on.stop", "true");
            props.put("max.unacknowledged.records", "4");
            props.put("debezium.max.batch.size", "4");

            PostgresSourceConnector connector = new PostgresSourceConnector();
            connector.start(props);
            Map<String, String> taskConfig = connector.taskConfigs(1).get(0);
            PostgresSourceTask task = (PostgresSourceTask) connector.taskClass().getDeclaredConstructor().newInstance();
            task.initialize(new NoOffsetsContext(taskConfig));
            task.start(taskConfig);
            try {
                List<SourceRecord> held = new ArrayList<>();
                Instant firstDeadline = Instant.now().plus(DEADLINE);
                while (held.isEmpty()) {
                    assertThat(Instant.now()).as("first snapshot records").isBefore(firstDeadline);
                    List<SourceRecord> first = task.poll();
                    if (first != null) {
                        held.addAll(first);
                    }
                }
                Instant quietUntil = Instant.now().plusSeconds(3);
                while (Instant.now().isBefore(quietUntil)) {
                    List<SourceRecord> more = task.poll();
                    if (more != null) {
                        held.addAll(more);
                    }
                }
                // One poll may return a whole batch (here 4) once the bound is not yet reached.
                assertThat(held).as("records handed out before any acknowledgement").hasSizeBetween(1, 7);
                assertThat(task.unacknowledged()).isEqualTo(held.size());

                List<SourceRecord> all = new ArrayList<>(held);
                for (SourceRecord record : held) {
                    task.commitRecord(record, null);
                }
                Instant deadline = Instant.now().plus(DEADLINE);
                while (all.stream().filter(r -> r.topic().equals(TOPIC)).count() < 30) {
                    assertThat(Instant.now()).as("all 30 rows once acknowledged").isBefore(deadline);
                    List<SourceRecord> batch = task.poll();
                    if (batch != null) {
                        assertThat(task.unacknowledged()).isLessThanOrEqualTo(4 + 4 - 1);
                        all.addAll(batch);
                        for (SourceRecord record : batch) {
                            task.commitRecord(record, null);
                        }
                    }
                }
                assertThat(all).filteredOn(r -> r.topic().equals(TOPIC))
                        .extracting(r -> ((Struct) r.key()).get("id")).doesNotHaveDuplicates().hasSize(30);
            } finally {
                task.stop();
                connector.stop();
            }
        }
    }

    /** Polls the task until the records of the table's topic satisfy the condition, or fails at the deadline. */
    private static List<SourceRecord> pollUntil(SourceTask task, Predicate<List<SourceRecord>> done)
            throws InterruptedException {
        List<SourceRecord> received = new ArrayList<>();
        Instant deadline = Instant.now().plus(DEADLINE);
        while (!done.test(received)) {
            assertThat(Instant.now()).as("records of " + TOPIC + " within " + DEADLINE).isBefore(deadline);
            List<SourceRecord> batch = task.poll();
            if (batch != null) {
                batch.stream().filter(r -> r.topic().equals(TOPIC)).forEach(received::add);
            }
        }
        return received;
    }

    /** An attribute of Debezium's streaming metrics MBean of this topic prefix, or null while it has none. */
    private static Object streamingMetric(String prefix, String attribute) throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        Set<ObjectName> names = server.queryNames(
                new ObjectName("debezium.postgres:type=connector-metrics,context=streaming,server=" + prefix + ",*"), null);
        assertThat(names).as("Debezium's streaming metrics MBean").hasSize(1);
        return server.getAttribute(names.iterator().next(), attribute);
    }

    private static String op(SourceRecord record) {
        return ((Struct) record.value()).getString("op");
    }

    private static int slotCount(LocalPostgres source) throws Exception {
        try (Connection c = source.connect(DB); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'pg2ts_smoke'")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** A first start: Connect has no stored offsets for the task. */
    private record NoOffsetsContext(Map<String, String> configs) implements SourceTaskContext {

        @Override
        public OffsetStorageReader offsetStorageReader() {
            return new OffsetStorageReader() {
                @Override
                public <T> Map<String, Object> offset(Map<String, T> partition) {
                    return null;
                }

                @Override
                public <T> Map<Map<String, T>, Map<String, Object>> offsets(Collection<Map<String, T>> partitions) {
                    return Map.of();
                }
            };
        }

        @Override
        public PluginMetrics pluginMetrics() {
            return null;
        }
    }
}
