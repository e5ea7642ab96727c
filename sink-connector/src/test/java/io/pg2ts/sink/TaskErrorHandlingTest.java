package io.pg2ts.sink;

import static io.pg2ts.sink.testing.DebeziumSchemas.decimal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pg2ts.sink.testing.DebeziumTable;
import io.pg2ts.sink.testing.RecordingContext;
import io.pg2ts.sink.testing.SchemaNames;
import io.pg2ts.sink.testing.TargetDatabase;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Bad records, failed batches, lost connections and concurrent tasks. */
class TaskErrorHandlingTest {

    @RegisterExtension
    static final TargetDatabase target = new TargetDatabase();

    private String schema;
    private RecordingContext context;
    private TimescaleSinkTask task;

    @BeforeEach
    void startTask(TestInfo test) {
        schema = SchemaNames.of(test);
        start(Map.of());
    }

    @AfterEach
    void stopTask() {
        task.stop();
    }

    private void start(Map<String, String> extra) {
        if (task != null) {
            task.stop();
        }
        context = new RecordingContext(target.taskProps(extra), true);
        task = target.startTask(context);
    }

    private DebeziumTable items() {
        return DebeziumTable.builder(schema, "items")
                .key("id", Schema.INT32_SCHEMA)
                .column("name", Schema.OPTIONAL_STRING_SCHEMA)
                .column("price", decimal(10, 2).optional().build())
                .build();
    }

    private void put(SinkRecord... records) {
        task.put(List.of(records));
    }

    @Test
    void keylessUpdateWithoutOldImageFailsAskingForReplicaIdentityFull() {
        DebeziumTable t = DebeziumTable.builder(schema, "events")
                .column("kind", Schema.OPTIONAL_STRING_SCHEMA)
                .build();
        start(Map.of("errors.tolerance", "none"));

        assertThatThrownBy(() -> put(t.update("click")))
                .isInstanceOf(ConnectException.class)
                .hasMessageContaining("REPLICA IDENTITY FULL")
                .hasMessageContaining("\"" + schema + "\".\"events\"")
                .hasMessageContaining("topic " + t.topic());
    }

    @Test
    void missingColumnFailsWhenAutoEvolveIsOff() {
        start(Map.of(TimescaleSinkConfig.AUTO_EVOLVE_CONFIG, "false"));
        put(items().create(1, "apple", null));
        DebeziumTable evolved = DebeziumTable.builder(schema, "items")
                .key("id", Schema.INT32_SCHEMA)
                .column("stock", Schema.INT32_SCHEMA)
                .build();

        assertThatThrownBy(() -> put(evolved.create(2, 7)))
                .isInstanceOf(ConnectException.class)
                .hasMessageContaining("has no column stock")
                .hasMessageContaining("auto.evolve");
    }

    @Test
    void failedBatchNamesTopicPartitionOffsetTableAndKeyColumnsButNoValues() throws SQLException {
        target.execute("CREATE SCHEMA " + schema,
                "CREATE TABLE " + schema + ".items (id integer PRIMARY KEY, name text, price integer)");
        DebeziumTable t = DebeziumTable.builder(schema, "items")
                .key("id", Schema.INT32_SCHEMA)
                .column("name", Schema.OPTIONAL_STRING_SCHEMA)
                .column("price", Schema.OPTIONAL_STRING_SCHEMA)
                .build()
                .partition(3);
        SinkRecord bad = t.create(1, "apple", "secret-value");

        assertThatThrownBy(() -> put(bad))
                .isInstanceOf(ConnectException.class)
                .isNotInstanceOf(RetriableException.class)
                .hasMessageContaining("topic " + t.topic() + " partition 3 at offset " + bad.kafkaOffset())
                .hasMessageContaining("table \"" + schema + "\".\"items\"")
                .hasMessageContaining("key columns id")
                .hasMessageContaining("22P02")
                .message().doesNotContain("secret-value");
    }

    @Test
    void failedPutRollsBackEveryTable() throws SQLException {
        target.execute("CREATE SCHEMA " + schema,
                "CREATE TABLE " + schema + ".strict (id integer PRIMARY KEY, n integer CHECK (n > 0))");
        DebeziumTable strict = DebeziumTable.builder(schema, "strict")
                .key("id", Schema.INT32_SCHEMA).column("n", Schema.INT32_SCHEMA).build();

        assertThatThrownBy(() -> put(items().create(1, "apple", null), strict.create(1, -1)))
                .isInstanceOf(ConnectException.class);
        assertThat(target.query("SELECT count(*) FROM pg_tables WHERE schemaname = '" + schema + "' AND tablename = 'items'"))
                .containsExactly("0");
    }

    @Test
    void badRecordIsReportedAndSkippedWhenErrorsAreTolerated() throws SQLException {
        start(Map.of("errors.tolerance", "all"));
        DebeziumTable t = items();
        Schema notAnEnvelope = SchemaBuilder.struct().field("x", Schema.INT32_SCHEMA).build();
        SinkRecord bad = new SinkRecord(t.topic(), 1, null, null, notAnEnvelope,
                new Struct(notAnEnvelope).put("x", 1), 99);

        put(t.create(1, "apple", null), bad, t.create(2, "pear", null));

        assertThat(context.reported()).extracting(RecordingContext.Reported::record).containsExactly(bad);
        assertThat(target.query("SELECT id FROM " + schema + ".items ORDER BY id")).containsExactly("1", "2");
    }

    @Test
    void badRecordFailsTheTaskWhenErrorsAreNotTolerated() {
        DebeziumTable t = items();
        Schema notAnEnvelope = SchemaBuilder.struct().field("x", Schema.INT32_SCHEMA).build();
        SinkRecord bad = new SinkRecord(t.topic(), 2, null, null, notAnEnvelope,
                new Struct(notAnEnvelope).put("x", 1), 99);

        assertThatThrownBy(() -> put(bad))
                .isInstanceOf(ConnectException.class)
                .hasMessageContaining("topic " + t.topic() + " partition 2 at offset 99")
                .hasMessageContaining("not a Debezium change event");
        assertThat(context.reported()).isEmpty();
    }

    private void createCheckedTables() throws SQLException {
        target.execute("CREATE SCHEMA " + schema,
                "CREATE TABLE " + schema + ".strict (id integer PRIMARY KEY, n integer CHECK (n > 0))",
                "CREATE TABLE " + schema + ".log (n integer CHECK (n > 0))");
    }

    private DebeziumTable strict() {
        return DebeziumTable.builder(schema, "strict").key("id", Schema.INT32_SCHEMA).column("n", Schema.INT32_SCHEMA)
                .build().partition(2);
    }

    private DebeziumTable log() {
        return DebeziumTable.builder(schema, "log").column("n", Schema.INT32_SCHEMA).build();
    }

    @Test
    void constraintViolationsGoToTheDeadLetterQueueAndTheRestOfTheBatchIsApplied() throws SQLException {
        createCheckedTables();
        start(Map.of("errors.tolerance", "all"));
        DebeziumTable strict = strict();
        DebeziumTable log = log();
        // Created in offset order.
        SinkRecord firstRow = strict.create(1, 1);
        SinkRecord badRow = strict.create(2, -2);
        SinkRecord firstLine = log.create(5);
        SinkRecord badLine = log.create(-5);
        SinkRecord lastStrict = strict.create(3, 3);
        SinkRecord lastLog = log.create(6);

        put(firstRow, badRow, firstLine, badLine, lastStrict, lastLog);

        assertThat(context.reported()).extracting(RecordingContext.Reported::record).containsExactly(badRow, badLine);
        assertThat(context.reported().get(0).error())
                .hasMessageContaining("topic " + strict.topic() + " partition 2 at offset " + badRow.kafkaOffset())
                .hasMessageContaining("table \"" + schema + "\".\"strict\", key columns id")
                .hasMessageContaining("SQLState 23514")
                .hasMessageContaining("violates check constraint");
        assertThat(context.reported().get(1).error()).hasMessageContaining("no key columns").hasMessageContaining("23514");
        assertThat(target.query("SELECT id, n FROM " + schema + ".strict ORDER BY id")).containsExactly("1|1", "3|3");
        assertThat(target.query("SELECT n FROM " + schema + ".log ORDER BY n")).containsExactly("5", "6");
        assertThat(target.storedOffsets(TargetDatabase.CONNECTOR)).contains(
                strict.topic() + "/2=" + (lastStrict.kafkaOffset() + 1), log.topic() + "/0=" + (lastLog.kafkaOffset() + 1));
    }

    @Test
    void constraintViolationFailsTheTaskNamingTheRecordWhenErrorsAreNotTolerated() throws SQLException {
        createCheckedTables();
        DebeziumTable strict = strict();
        List<SinkRecord> records = List.of(strict.create(1, 1), strict.create(2, -2), strict.create(3, 3));
        SinkRecord bad = records.get(1);

        assertThatThrownBy(() -> task.put(records))
                .isInstanceOf(ConnectException.class)
                .isNotInstanceOf(RetriableException.class)
                .hasMessageContaining("topic " + strict.topic() + " partition 2 at offset " + bad.kafkaOffset())
                .hasMessageContaining("table \"" + schema + "\".\"strict\", key columns id")
                .hasMessageContaining("SQLState 23514");
        assertThat(target.query("SELECT count(*) FROM " + schema + ".strict")).containsExactly("0");
        assertThat(target.storedOffsets(TargetDatabase.CONNECTOR)).noneMatch(o -> o.startsWith(strict.topic()));
        assertThat(task.preCommit(Map.of())).isEmpty();
    }

    @Test
    void nothingIsCommittedUntilTheDeadLetterQueueHasTheBadRecords() throws SQLException {
        createCheckedTables();
        start(Map.of("errors.tolerance", "all"));
        context.failReports();
        DebeziumTable strict = strict();

        assertThatThrownBy(() -> put(strict.create(1, 1), strict.create(2, -2)))
                .isInstanceOf(ConnectException.class)
                .hasMessageContaining("dead letter queue");
        assertThat(target.query("SELECT count(*) FROM " + schema + ".strict")).containsExactly("0");
        assertThat(target.storedOffsets(TargetDatabase.CONNECTOR)).noneMatch(o -> o.startsWith(strict.topic()));
    }

    @Test
    void lostConnectionIsRetriedOnANewConnection() throws SQLException {
        DebeziumTable t = items();
        put(t.create(1, "apple", null));
        assertThat(target.terminateSessions(TargetDatabase.CONNECTOR, "0")).isEqualTo(1);
        List<SinkRecord> batch = List.of(t.create(2, "pear", null));

        assertThatThrownBy(() -> task.put(batch)).isInstanceOf(RetriableException.class);
        assertThat(context.timeouts()).containsExactly(10L);
        task.put(batch);

        assertThat(target.query("SELECT id FROM " + schema + ".items ORDER BY id")).containsExactly("1", "2");
    }

    @Test
    void retriesStopAfterMaxRetries() {
        start(Map.of(TimescaleSinkConfig.CONNECTION_URL_CONFIG, "jdbc:postgresql://127.0.0.1:1/" + TargetDatabase.DATABASE,
                TimescaleSinkConfig.MAX_RETRIES_CONFIG, "2"));
        List<SinkRecord> batch = List.of(items().create(1, "apple", null));

        assertThatThrownBy(() -> task.put(batch)).isInstanceOf(RetriableException.class);
        assertThatThrownBy(() -> task.put(batch)).isInstanceOf(RetriableException.class);
        assertThatThrownBy(() -> task.put(batch))
                .isInstanceOf(ConnectException.class)
                .isNotInstanceOf(RetriableException.class)
                .hasMessageContaining("after 2 retries");
    }

    @Test
    void tasksCreatingTheSameTableAtOnceAllSucceed() throws Exception {
        int tasks = 4;
        DebeziumTable t = items();
        CyclicBarrier together = new CyclicBarrier(tasks);
        ExecutorService pool = Executors.newFixedThreadPool(tasks);
        List<TimescaleSinkTask> started = new ArrayList<>();
        try {
            List<Future<Void>> results = new ArrayList<>();
            for (int i = 0; i < tasks; i++) {
                TimescaleSinkTask other = target.startTask(new RecordingContext(target.taskProps(Map.of()), false));
                started.add(other);
                List<SinkRecord> records = List.of(t.partition(i).create(i, "from task " + i, null));
                Callable<Void> put = () -> {
                    together.await(10, TimeUnit.SECONDS);
                    other.put(records);
                    return null;
                };
                results.add(pool.submit(put));
            }
            for (Future<Void> result : results) {
                result.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
            started.forEach(TimescaleSinkTask::stop);
        }

        assertThat(target.query("SELECT id FROM " + schema + ".items ORDER BY id")).containsExactly("0", "1", "2", "3");
    }
}
