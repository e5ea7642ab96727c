package io.pg2ts.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.pg2ts.sink.testing.DebeziumTable;
import io.pg2ts.sink.testing.RecordingContext;
import io.pg2ts.sink.testing.SchemaNames;
import io.pg2ts.sink.testing.TargetDatabase;
import io.pg2ts.sink.testing.TaskMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The task's metrics as a JMX console reads them. */
class SinkMetricsTest {

    @RegisterExtension
    static final TargetDatabase target = new TargetDatabase();

    private String schema;
    private DebeziumTable items;

    @BeforeEach
    void arrange(TestInfo test) {
        schema = SchemaNames.of(test);
        items = DebeziumTable.builder(schema, "items")
                .key("id", Schema.INT32_SCHEMA)
                .column("name", Schema.OPTIONAL_STRING_SCHEMA)
                .build();
    }

    private TimescaleSinkTask start(String taskId) {
        return target.startTask(new RecordingContext(target.taskProps(Map.of("name", schema, "pg2ts.task.id", taskId,
                TimescaleSinkConfig.BATCH_LINGER_MS_CONFIG, "600000")), false));
    }

    private static long sourceTsMs(SinkRecord record) {
        return ((Struct) record.value()).getStruct("source").getInt64("ts_ms");
    }

    @Test
    void rowsBatchesFlushTimeAndSourceLagAreCounted() throws Exception {
        TimescaleSinkTask task = start("3");
        TaskMetrics metrics = new TaskMetrics(schema, "3");
        try {
            List<SinkRecord> first = new ArrayList<>();
            for (int id = 0; id < 6; id++) {
                first.add(items.create(id, "apple"));
            }
            task.put(first);
            task.preCommit(Map.of());
            List<SinkRecord> second = List.of(items.update(1, "pear"), items.update(2, "plum"), items.deleteKeyOnly(3, null));
            task.put(second);
            task.preCommit(Map.of());

            assertThat(metrics.rowsApplied(schema + ".items", "copy")).isEqualTo(6);
            assertThat(metrics.rowsApplied(schema + ".items", "upsert")).isEqualTo(2);
            assertThat(metrics.rowsApplied(schema + ".items", "delete")).isEqualTo(1);
            assertThat(metrics.task("batch-rows-max").doubleValue()).isEqualTo(6.0);
            assertThat(metrics.task("batch-rows-avg").doubleValue()).isEqualTo(4.5);
            assertThat(metrics.task("flush-time-ms-max").doubleValue()).isPositive();
            long newest = sourceTsMs(second.get(2));
            assertThat(metrics.task("newest-applied-source-ts-ms").longValue()).isEqualTo(newest);
            double lag = metrics.task("source-lag-ms").doubleValue();
            assertThat(lag).isBetween(0.0, (double) (System.currentTimeMillis() - newest));
        } finally {
            task.stop();
        }
        assertThat(metrics.task("batch-rows-max")).as("unregistered on stop").isNull();
    }

    @Test
    void sourceLagIsNotANumberBeforeAnythingIsApplied() throws Exception {
        TimescaleSinkTask task = start("4");
        try {
            assertThat(new TaskMetrics(schema, "4").task("source-lag-ms").doubleValue()).isNaN();
        } finally {
            task.stop();
        }
    }
}
