package io.pg2ts.sink;

import static io.pg2ts.sink.testing.DebeziumSchemas.decimal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pg2ts.sink.testing.CommitAnswerDropper;
import io.pg2ts.sink.testing.DebeziumTable;
import io.pg2ts.sink.testing.RecordingContext;
import io.pg2ts.sink.testing.SchemaNames;
import io.pg2ts.sink.testing.TargetDatabase;
import io.pg2ts.testsupport.TableComparison;
import io.pg2ts.testsupport.TableComparison.Fingerprint;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Each change lands exactly once: across a replay from the first offset, a task abandoned with
 * changes buffered, a flush killed on the server, a lost session retried by the same task, and a
 * commit whose answer never arrived.
 * Every test writes a keyed table, whose upserts would hide a duplicate, and a keyless one, which
 * would not.
 */
class ExactlyOnceTest {

    @RegisterExtension
    static final TargetDatabase target = new TargetDatabase();

    private static final Map<String, String> NEVER_ON_ITS_OWN = Map.of(
            TimescaleSinkConfig.BATCH_LINGER_MS_CONFIG, "600000",
            TimescaleSinkConfig.BATCH_MAX_ROWS_CONFIG, "1000000");
    // Where the history's creates end: 40 rows in each table.
    private static final int CREATES = 80;

    private String schema;
    private String connector;
    private DebeziumTable items;
    private DebeziumTable events;
    private List<SinkRecord> history;
    private final List<TimescaleSinkTask> running = new ArrayList<>();
    private final Map<TimescaleSinkTask, RecordingContext> contexts = new HashMap<>();

    @BeforeEach
    void arrange(TestInfo test) {
        schema = SchemaNames.of(test);
        // Short: PostgreSQL cuts application names, which hold it, at 63 bytes.
        connector = schema.substring(2, Math.min(schema.length(), 30));
        items = DebeziumTable.builder(schema, "items")
                .key("id", Schema.INT32_SCHEMA)
                .column("name", Schema.OPTIONAL_STRING_SCHEMA)
                .column("price", decimal(10, 2).optional().build())
                .build();
        events = DebeziumTable.builder(schema, "events")
                .column("kind", Schema.OPTIONAL_STRING_SCHEMA)
                .column("n", Schema.OPTIONAL_INT32_SCHEMA)
                .build();
        history = DebeziumTable.numbered(history(items, events));
    }

    @AfterEach
    void stopTasks() {
        running.forEach(TimescaleSinkTask::stop);
    }

    // Creates, updates and deletes of both tables; the keyed one over two partitions by key, the
    // keyless one in one partition, as its order matters. Keyless rows repeat on purpose.
    private static List<SinkRecord> history(DebeziumTable items, DebeziumTable events) {
        List<SinkRecord> records = new ArrayList<>();
        Object[][] eventRows = new Object[40][];
        for (int i = 0; i < 40; i++) {
            records.add(items.partition(i % 2).create(i, "item " + i, new BigDecimal(i + ".50")));
            eventRows[i] = new Object[] {"kind " + i % 5, i % 3};
            records.add(events.create(eventRows[i]));
        }
        for (int i = 0; i < 40; i += 3) {
            records.add(items.partition(i % 2).update(i, "updated " + i, null));
            Object[] after = {"kind " + i % 5, 100 + i};
            records.add(events.update(eventRows[i], after));
            eventRows[i] = after;
        }
        for (int i = 0; i < 40; i += 4) {
            Object[] row = {i, "whatever", null};
            records.add(items.partition(i % 2).deleteKeyOnly(row));
            records.add(items.partition(i % 2).tombstone(row));
            records.add(events.delete(eventRows[i]));
        }
        return records;
    }

    private TimescaleSinkTask start(String connectorName, String taskId, Map<String, String> extra) {
        Map<String, String> props = new HashMap<>(extra);
        props.put("name", connectorName);
        props.put("pg2ts.task.id", taskId);
        RecordingContext context = new RecordingContext(target.taskProps(props), false);
        TimescaleSinkTask task = new TimescaleSinkTask();
        task.initialize(context);
        task.start(context.configs());
        task.open(partitionsOf(history));
        contexts.put(task, context);
        return task;
    }

    private TimescaleSinkTask startKept(String taskId, Map<String, String> extra) {
        TimescaleSinkTask task = start(connector, taskId, extra);
        running.add(task);
        return task;
    }

    private static List<TopicPartition> partitionsOf(List<SinkRecord> records) {
        return records.stream().map(r -> new TopicPartition(r.topic(), r.kafkaPartition())).distinct().toList();
    }

    private static void putInChunks(TimescaleSinkTask task, List<SinkRecord> records, int chunk) {
        for (int from = 0; from < records.size(); from += chunk) {
            task.put(records.subList(from, Math.min(records.size(), from + chunk)));
        }
    }

    // What the history gives when applied once, by a task of another connector into other tables.
    private List<Fingerprint> expected() throws SQLException {
        String reference = ("r" + schema).substring(0, Math.min(63, schema.length() + 1));
        TimescaleSinkTask once = start("reference-" + connector, "0",
                Map.of(TimescaleSinkConfig.TABLE_NAME_FORMAT_CONFIG, reference + ".${table}"));
        try {
            once.put(history);
            once.preCommit(Map.of());
        } finally {
            once.stop();
        }
        return fingerprints(reference);
    }

    private List<Fingerprint> fingerprints(String inSchema) throws SQLException {
        try (Connection c = target.connect()) {
            return List.of(TableComparison.fingerprint(c, "\"" + inSchema + "\".\"items\""),
                    TableComparison.fingerprint(c, "\"" + inSchema + "\".\"events\""));
        }
    }

    private List<String> nextOffsetsOfTheHistory() {
        Map<String, Long> next = new TreeMap<>();
        for (SinkRecord r : history) {
            next.put(r.topic() + "/" + r.kafkaPartition(), r.kafkaOffset() + 1);
        }
        return next.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
    }

    @Test
    void replayFromTheFirstOffsetLeavesBothTablesUnchanged() throws Exception {
        List<Fingerprint> expected = expected();
        TimescaleSinkTask first = startKept("0", Map.of());
        putInChunks(first, history, 7);
        first.preCommit(Map.of());
        first.close(partitionsOf(history));
        List<Fingerprint> applied = fingerprints(schema);

        TimescaleSinkTask fresh = startKept("0", Map.of());
        putInChunks(fresh, history, 11);
        fresh.preCommit(Map.of());

        assertThat(applied).isEqualTo(expected);
        assertThat(applied.get(1).rows()).isEqualTo(30);
        assertThat(fingerprints(schema)).isEqualTo(expected);
        assertThat(target.storedOffsets(connector)).isEqualTo(nextOffsetsOfTheHistory());
        Map<String, Long> seeks = new TreeMap<>();
        contexts.get(fresh).seeks().forEach((tp, offset) -> seeks.put(tp.topic() + "/" + tp.partition(), offset));
        assertThat(seeks.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList())
                .isEqualTo(nextOffsetsOfTheHistory());
    }

    @Test
    void taskAbandonedWithChangesBufferedIsReplacedWithoutLossOrDuplicate() throws Exception {
        List<Fingerprint> expected = expected();
        TimescaleSinkTask abandoned = start(connector, "0", NEVER_ON_ITS_OWN);
        abandoned.put(history.subList(0, CREATES));
        abandoned.preCommit(Map.of());
        abandoned.put(history.subList(CREATES, history.size()));
        long committedEvents = fingerprints(schema).get(1).rows();

        TimescaleSinkTask successor = startKept("0", Map.of());
        putInChunks(successor, history, 13);
        successor.preCommit(Map.of());

        assertThat(committedEvents).isEqualTo(40);
        assertThat(fingerprints(schema)).isEqualTo(expected);
        target.terminateSessions(connector, "0");
    }

    @Test
    void flushKilledOnTheServerLeavesNothingAndTheNextTaskAppliesItOnce() throws Exception {
        List<Fingerprint> expected = expected();
        TimescaleSinkTask killed = start(connector, "7", Map.of());
        killed.put(history.subList(0, CREATES));
        List<Fingerprint> beforeTheKill = fingerprints(schema);

        try (Connection blocker = target.connect()) {
            blocker.setAutoCommit(false);
            try (Statement s = blocker.createStatement()) {
                // The flush writes its rows, then waits for this lock to store its offsets: killed there.
                s.execute("LOCK TABLE pg2ts.sink_offsets IN EXCLUSIVE MODE");
            }
            CompletableFuture<Boolean> kill = CompletableFuture.supplyAsync(() -> killWhenWaitingForALock(blocker, connector, "7"));
            assertThatThrownBy(() -> killed.put(history.subList(CREATES, history.size())))
                    .isInstanceOf(RetriableException.class);
            assertThat(kill.get(30, TimeUnit.SECONDS)).isTrue();
        }
        List<Fingerprint> afterTheKill = fingerprints(schema);

        TimescaleSinkTask successor = startKept("8", Map.of());
        successor.put(history);
        successor.preCommit(Map.of());

        assertThat(afterTheKill).isEqualTo(beforeTheKill);
        assertThat(fingerprints(schema)).isEqualTo(expected);
    }

    // Releases the lock in the end, killed or not, so a failing test does not hang.
    private static boolean killWhenWaitingForALock(Connection blocker, String connector, String taskId) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        try {
            while (System.nanoTime() < deadline) {
                List<String> killed = target.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        + "WHERE application_name = 'pg2ts-sink/" + connector + "/" + taskId + "' AND wait_event_type = 'Lock'");
                if (!killed.isEmpty()) {
                    return true;
                }
                TimeUnit.MILLISECONDS.sleep(20);
            }
            return false;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            try {
                blocker.rollback();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void lostSessionIsRetriedAndTheRedeliveredRecordsApplyOnce() throws Exception {
        List<Fingerprint> expected = expected();
        TimescaleSinkTask task = startKept("0", Map.of());
        task.put(history.subList(0, CREATES));
        assertThat(target.terminateSessions(connector, "0")).isEqualTo(1);
        List<SinkRecord> rest = history.subList(CREATES, history.size());

        assertThatThrownBy(() -> task.put(rest)).isInstanceOf(RetriableException.class);
        assertThat(contexts.get(task).timeouts()).containsExactly(10L);
        long eventsBeforeTheRetry = fingerprints(schema).get(1).rows();
        // Connect delivers the same records again after the back-off.
        task.put(rest);

        assertThat(eventsBeforeTheRetry).isEqualTo(40);
        assertThat(fingerprints(schema)).isEqualTo(expected);
        assertThat(target.storedOffsets(connector)).isEqualTo(nextOffsetsOfTheHistory());
    }

    @Test
    void commitWhoseAnswerIsLostIsRecognizedAndNotAppliedAgain() throws Exception {
        List<Fingerprint> expected = expected();
        try (CommitAnswerDropper network = new CommitAnswerDropper(target.port())) {
            TimescaleSinkTask task = startKept("0", Map.of(TimescaleSinkConfig.CONNECTION_URL_CONFIG,
                    "jdbc:postgresql://127.0.0.1:" + network.port() + "/" + TargetDatabase.DATABASE + "?prepareThreshold=0"));
            task.put(history.subList(0, CREATES));
            network.dropNextCommitAnswer();
            List<SinkRecord> rest = history.subList(CREATES, history.size());

            assertThatThrownBy(() -> task.put(rest)).isInstanceOf(RetriableException.class);
            List<Fingerprint> committedAnyway = fingerprints(schema);
            task.put(rest);

            assertThat(committedAnyway).isEqualTo(expected);
            assertThat(fingerprints(schema)).isEqualTo(expected);
            assertThat(task.preCommit(Map.of())).hasSize(3);
        }
    }
}
