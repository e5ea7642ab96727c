package io.pg2ts.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.pg2ts.sink.testing.DebeziumTable;
import io.pg2ts.sink.testing.RecordingContext;
import io.pg2ts.sink.testing.SchemaNames;
import io.pg2ts.sink.testing.TargetDatabase;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/** When buffered changes are written, and which offsets the task hands Connect. */
class BatchingTest {

    @RegisterExtension
    static final TargetDatabase target = new TargetDatabase();

    private String schema;
    private DebeziumTable items;
    private TopicPartition partition;
    private TimescaleSinkTask task;
    private RecordingContext context;

    @BeforeEach
    void createTable(TestInfo test) throws SQLException {
        schema = SchemaNames.of(test);
        items = DebeziumTable.builder(schema, "items")
                .key("id", Schema.INT32_SCHEMA)
                .column("name", Schema.OPTIONAL_STRING_SCHEMA)
                .build();
        partition = new TopicPartition(items.topic(), 0);
        target.execute("CREATE SCHEMA " + schema, "CREATE TABLE " + schema + ".items (id integer PRIMARY KEY, name text)");
    }

    @AfterEach
    void stopTask() {
        if (task != null) {
            task.stop();
        }
    }

    // Without a threshold of its own, a test's changes stay buffered.
    private void start(Map<String, String> thresholds) {
        Map<String, String> props = new HashMap<>(Map.of(
                TimescaleSinkConfig.BATCH_MAX_ROWS_CONFIG, "1000000",
                TimescaleSinkConfig.BATCH_LINGER_MS_CONFIG, "600000"));
        props.putAll(thresholds);
        context = new RecordingContext(target.taskProps(props), false);
        task = target.startTask(context);
        task.open(List.of(partition));
    }

    private List<SinkRecord> creates(int from, int to, String name) {
        List<SinkRecord> records = new ArrayList<>();
        for (int id = from; id < to; id++) {
            records.add(items.create(id, name));
        }
        return records;
    }

    private long rows() throws SQLException {
        return Long.parseLong(target.query("SELECT count(*) FROM " + schema + ".items").get(0));
    }

    @Test
    void nothingIsWrittenBeforeAThresholdIsReached() throws SQLException {
        start(Map.of());
        task.put(creates(0, 50, "apple"));
        task.put(List.of());

        assertThat(rows()).isZero();
        assertThat(target.storedOffsets(TargetDatabase.CONNECTOR)).noneMatch(o -> o.startsWith(items.topic()));
    }

    @Test
    void bufferIsWrittenWhenItHoldsBatchMaxRows() throws SQLException {
        start(Map.of(TimescaleSinkConfig.BATCH_MAX_ROWS_CONFIG, "5"));
        task.put(creates(0, 4, "apple"));
        long beforeTheFifth = rows();
        task.put(creates(4, 16, "apple"));

        assertThat(beforeTheFifth).isZero();
        assertThat(rows()).isEqualTo(15);
    }

    @Test
    void repeatedChangesOfOneKeyCountOnce() throws SQLException {
        start(Map.of(TimescaleSinkConfig.BATCH_MAX_ROWS_CONFIG, "3"));
        for (int i = 0; i < 10; i++) {
            task.put(List.of(items.create(1, "version " + i), items.create(2, "version " + i)));
        }

        assertThat(rows()).isZero();
    }

    @Test
    void bufferIsWrittenWhenItHoldsBatchMaxBytes() throws SQLException {
        start(Map.of(TimescaleSinkConfig.BATCH_MAX_BYTES_CONFIG, "1024"));
        String large = "x".repeat(600);
        task.put(List.of(items.create(1, large)));
        long afterOne = rows();
        task.put(List.of(items.create(2, large)));

        assertThat(afterOne).isZero();
        assertThat(rows()).isEqualTo(2);
    }

    @Test
    void bufferIsWrittenOnceItLingeredBatchLingerMs() throws SQLException {
        start(Map.of(TimescaleSinkConfig.BATCH_LINGER_MS_CONFIG, "300"));
        long started = System.nanoTime();
        task.put(creates(0, 3, "apple"));
        long rightAway = rows();
        List<Long> wakeUps = List.copyOf(context.timeouts());
        long deadline = started + Duration.ofSeconds(20).toNanos();
        // Connect calls put without records while nothing arrives.
        while (rows() == 0 && System.nanoTime() < deadline) {
            task.put(List.of());
        }

        assertThat(System.nanoTime() - started).isGreaterThanOrEqualTo(Duration.ofMillis(300).toNanos());
        assertThat(rightAway).isZero();
        assertThat(wakeUps).as("asks Connect to call put again within the linger").singleElement()
                .satisfies(ms -> assertThat(ms).isBetween(1L, 300L));
        assertThat(rows()).isEqualTo(3);
    }

    @Test
    void preCommitWritesTheBufferAndReturnsTheNextOffsetToRead() throws SQLException {
        start(Map.of());
        List<SinkRecord> records = creates(0, 3, "apple");
        task.put(records);

        Map<TopicPartition, OffsetAndMetadata> committed = task.preCommit(Map.of());

        assertThat(rows()).isEqualTo(3);
        long next = records.get(2).kafkaOffset() + 1;
        assertThat(committed).isEqualTo(Map.of(partition, new OffsetAndMetadata(next)));
        assertThat(target.storedOffsets(TargetDatabase.CONNECTOR)).contains(items.topic() + "/0=" + next);
    }

    @Test
    void preCommitReturnsOnlyCommittedOffsetsWhenTheWriteFails() throws SQLException {
        start(Map.of());
        List<SinkRecord> first = creates(0, 3, "apple");
        task.put(first);
        task.preCommit(Map.of());
        task.put(creates(3, 6, "pear"));
        target.terminateSessions(TargetDatabase.CONNECTOR, "0");

        Map<TopicPartition, OffsetAndMetadata> committed = task.preCommit(Map.of());

        assertThat(committed).isEqualTo(Map.of(partition, new OffsetAndMetadata(first.get(2).kafkaOffset() + 1)));
        assertThat(rows()).isEqualTo(3);
        task.put(List.of());
        assertThat(rows()).isEqualTo(6);
    }

    @Test
    void closeWritesTheBufferAndForgetsThePartitions() throws SQLException {
        start(Map.of());
        task.put(creates(0, 3, "apple"));

        task.close(List.of(partition));

        assertThat(rows()).isEqualTo(3);
        assertThat(task.preCommit(Map.of())).isEmpty();
    }

    @Test
    void stopWritesTheBuffer() throws SQLException {
        start(Map.of());
        task.put(creates(0, 3, "apple"));

        task.stop();
        task = null;

        assertThat(rows()).isEqualTo(3);
    }

    @Test
    void changesOfTwoRecordSchemasInOneBufferKeepTheirOrder() throws SQLException {
        start(Map.of());
        DebeziumTable evolved = DebeziumTable.builder(schema, "items")
                .key("id", Schema.INT32_SCHEMA)
                .column("name", Schema.OPTIONAL_STRING_SCHEMA)
                .column("stock", Schema.OPTIONAL_INT32_SCHEMA)
                .build();
        task.put(List.of(items.create(1, "apple"), evolved.create(1, "apple", 5), items.create(2, "pear")));
        task.put(List.of(evolved.create(2, "pear", 7), items.truncate(), items.create(3, "plum")));
        task.preCommit(Map.of());

        assertThat(target.query("SELECT id, name, stock FROM " + schema + ".items ORDER BY id")).containsExactly("3|plum|null");
    }
}
