package io.pg2ts.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.pg2ts.sink.testing.DebeziumTable;
import io.pg2ts.sink.testing.RecordingContext;
import io.pg2ts.sink.testing.SchemaNames;
import io.pg2ts.sink.testing.TargetDatabase;
import io.pg2ts.sink.testing.TaskMetrics;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Which batches are loaded with COPY, counted by the task's metrics, and what lands in the tables. */
class CopyTest {

    @RegisterExtension
    static final TargetDatabase target = new TargetDatabase();

    private String schema;
    private String connector;
    private DebeziumTable items;
    private DebeziumTable events;
    private TimescaleSinkTask task;
    private TaskMetrics metrics;

    @BeforeEach
    void arrange(TestInfo test) {
        schema = SchemaNames.of(test);
        connector = schema;
        items = DebeziumTable.builder(schema, "items")
                .key("id", Schema.INT32_SCHEMA)
                .column("name", Schema.OPTIONAL_STRING_SCHEMA)
                .build();
        events = DebeziumTable.builder(schema, "events")
                .column("line", Schema.OPTIONAL_STRING_SCHEMA)
                .build();
        metrics = new TaskMetrics(connector, "0");
    }

    @AfterEach
    void stopTask() {
        task.stop();
    }

    private void start(Map<String, String> extra) {
        Map<String, String> props = new HashMap<>(extra);
        props.put("name", connector);
        task = target.startTask(new RecordingContext(target.taskProps(props), false));
    }

    @Test
    void snapshotRowsAndKeylessInsertsAreCopied() throws Exception {
        start(Map.of());
        task.put(List.of(items.read(1, "apple"), items.read(2, "tab\there, back\\slash"), items.create(3, null),
                events.create("line\none"), events.create((Object) null)));

        assertThat(metrics.rowsApplied(schema + ".items", "copy")).isEqualTo(3);
        assertThat(metrics.rowsApplied(schema + ".events", "copy")).isEqualTo(2);
        assertThat(metrics.rowsApplied(schema + ".items", "upsert")).isZero();
        assertThat(target.query("SELECT id, name FROM " + schema + ".items ORDER BY id"))
                .containsExactly("1|apple", "2|tab\there, back\\slash", "3|null");
        assertThat(target.query("SELECT line FROM " + schema + ".events ORDER BY line NULLS FIRST"))
                .containsExactly("null", "line\none");
    }

    @Test
    void insertsMeetingExistingRowsAreUpsertedAndCopyIsNotTriedAgain() throws Exception {
        start(Map.of());
        task.put(List.of(items.read(1, "apple"), items.read(2, "pear")));
        task.put(List.of(items.read(1, "green apple"), items.read(3, "plum")));
        task.put(List.of(items.read(4, "kiwi")));

        assertThat(target.query("SELECT id, name FROM " + schema + ".items ORDER BY id"))
                .containsExactly("1|green apple", "2|pear", "3|plum", "4|kiwi");
        assertThat(metrics.rowsApplied(schema + ".items", "copy")).isEqualTo(2);
        assertThat(metrics.rowsApplied(schema + ".items", "upsert")).isEqualTo(3);
    }

    @Test
    void batchesWithUpdatesOrDeletesAreNotCopied() throws Exception {
        start(Map.of());
        task.put(List.of(items.create(1, "apple"), items.update(1, "green apple"), items.create(2, "pear"),
                events.create("a"), events.update(new Object[] {"a"}, new Object[] {"b"}), events.create("c")));

        assertThat(metrics.rowsApplied(schema + ".items", "copy")).isZero();
        assertThat(metrics.rowsApplied(schema + ".items", "upsert")).isEqualTo(2);
        assertThat(metrics.rowsApplied(schema + ".events", "copy")).isEqualTo(3);
        assertThat(metrics.rowsApplied(schema + ".events", "delete")).isEqualTo(1);
        assertThat(target.query("SELECT line FROM " + schema + ".events ORDER BY line")).containsExactly("b", "c");
    }

    @Test
    void applyCopyOffWritesWithStatementsOnly() throws Exception {
        start(Map.of(TimescaleSinkConfig.APPLY_COPY_CONFIG, "false"));
        task.put(List.of(items.read(1, "apple"), items.read(2, "pear"), events.create("a"), events.create("a")));

        assertThat(metrics.rowsApplied(schema + ".items", "copy")).isZero();
        assertThat(metrics.rowsApplied(schema + ".events", "copy")).isZero();
        assertThat(metrics.rowsApplied(schema + ".items", "upsert")).isEqualTo(2);
        assertThat(metrics.rowsApplied(schema + ".events", "insert")).isEqualTo(2);
        assertThat(target.query("SELECT count(*) FROM " + schema + ".items")).containsExactly("2");
        assertThat(target.query("SELECT line FROM " + schema + ".events")).containsExactly("a", "a");
    }
}
