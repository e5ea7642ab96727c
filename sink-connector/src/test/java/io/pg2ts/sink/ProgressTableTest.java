package io.pg2ts.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.pg2ts.sink.testing.DebeziumTable;
import io.pg2ts.sink.testing.RecordingContext;
import io.pg2ts.sink.testing.SchemaNames;
import io.pg2ts.sink.testing.TargetDatabase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The sink counts the changes it applies per target table in {@code pg2ts.sink_tables}, in the
 * transaction that stores its offsets: a replay changes no count, and the snapshot is marked done
 * by its last row.
 */
class ProgressTableTest {

    @RegisterExtension
    static final TargetDatabase target = new TargetDatabase();

    private String schema;
    private String connector;
    private DebeziumTable items;
    private DebeziumTable events;
    private final List<TimescaleSinkTask> running = new ArrayList<>();

    @BeforeEach
    void arrange(TestInfo test) {
        schema = SchemaNames.of(test);
        connector = schema.substring(2, Math.min(schema.length(), 30));
        items = DebeziumTable.builder(schema, "items")
                .key("id", Schema.INT32_SCHEMA)
                .column("name", Schema.OPTIONAL_STRING_SCHEMA)
                .build();
        events = DebeziumTable.builder(schema, "events")
                .column("kind", Schema.OPTIONAL_STRING_SCHEMA)
                .column("n", Schema.OPTIONAL_INT32_SCHEMA)
                .build();
    }

    @AfterEach
    void stopTasks() {
        running.forEach(TimescaleSinkTask::stop);
    }

    // 30 snapshot rows of items (the last one marked), 12 of events (not marked: its snapshot is
    // not over), then streamed changes of items: 5 inserts, 4 updates (one of a key updated twice,
    // coalesced in a batch but counted twice), 3 deletes.
    private List<SinkRecord> history() {
        List<SinkRecord> records = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            records.add(i == 29 ? items.readLast(i, "item " + i) : items.read(i, "item " + i));
        }
        for (int i = 0; i < 12; i++) {
            records.add(events.read("kind " + i, i));
        }
        for (int i = 30; i < 35; i++) {
            records.add(items.create(i, "item " + i));
        }
        records.add(items.update(1, "one"));
        records.add(items.update(2, "two"));
        records.add(items.update(2, "two again"));
        records.add(items.update(3, "three"));
        for (int i = 10; i < 13; i++) {
            records.add(items.deleteKeyOnly(i, null));
        }
        return DebeziumTable.numbered(records);
    }

    private TimescaleSinkTask start(String taskId) {
        Map<String, String> props = new HashMap<>();
        props.put("name", connector);
        props.put("pg2ts.task.id", taskId);
        RecordingContext context = new RecordingContext(target.taskProps(props), false);
        TimescaleSinkTask task = new TimescaleSinkTask();
        task.initialize(context);
        task.start(context.configs());
        task.open(List.of(new TopicPartition(items.topic(), 0), new TopicPartition(events.topic(), 0)));
        running.add(task);
        return task;
    }

    private static void putInChunks(TimescaleSinkTask task, List<SinkRecord> records, int chunk) {
        for (int from = 0; from < records.size(); from += chunk) {
            task.put(records.subList(from, Math.min(records.size(), from + chunk)));
        }
    }

    private List<String> progress() throws Exception {
        return target.query("SELECT table_name, task, snapshot_rows, inserted, updated, deleted, truncated, snapshot_done, "
                + "(extract(epoch from newest_source_ts) * 1000)::bigint FROM pg2ts.sink_tables WHERE connector = '"
                + connector + "' ORDER BY table_name, task");
    }

    private static long newestTsMs(List<SinkRecord> records, DebeziumTable table) {
        return records.stream().filter(r -> r.topic().equals(table.topic()))
                .mapToLong(r -> ((Struct) r.value()).getStruct("source").getInt64("ts_ms")).max().orElseThrow();
    }

    @Test
    void countsPerTableAndOperationSurviveAReplayFromTheFirstOffsetUnchanged() throws Exception {
        List<SinkRecord> history = history();
        TimescaleSinkTask first = start("0");
        putInChunks(first, history, 7);
        first.preCommit(Map.of());
        List<String> applied = progress();
        first.stop();
        running.remove(first);

        TimescaleSinkTask replaying = start("0");
        putInChunks(replaying, history, 5);
        replaying.preCommit(Map.of());

        long itemsNewest = newestTsMs(history, items);
        long eventsNewest = newestTsMs(history, events);
        assertThat(applied).containsExactly(
                "events|0|12|0|0|0|0|f|" + eventsNewest,
                "items|0|30|5|4|3|0|t|" + itemsNewest);
        assertThat(progress()).isEqualTo(applied);
        assertThat(target.queryRow("SELECT count(*) FROM \"" + schema + "\".items")).containsExactly("32");
    }

    @Test
    void snapshotIsDoneOnlyOnceItsLastRowOrAStreamedChangeIsApplied() throws Exception {
        TimescaleSinkTask task = start("0");
        List<SinkRecord> reads = DebeziumTable.numbered(List.of(items.read(1, "a"), items.read(2, "b")));
        task.put(reads);
        List<String> whileSnapshotting = progress();
        SinkRecord streamed = items.create(3, "c");
        task.put(List.of(new SinkRecord(streamed.topic(), 0, streamed.keySchema(), streamed.key(),
                streamed.valueSchema(), streamed.value(), 2)));

        assertThat(whileSnapshotting).singleElement().asString().startsWith("items|0|2|0|0|0|0|f|");
        assertThat(progress()).singleElement().asString().startsWith("items|0|2|1|0|0|0|t|");
        assertThat(Instant.ofEpochMilli(Long.parseLong(progress().get(0).split("\\|")[8])))
                .isAfter(Instant.now().minusSeconds(60));
    }
}
