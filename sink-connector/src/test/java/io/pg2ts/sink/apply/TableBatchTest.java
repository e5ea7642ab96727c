package io.pg2ts.sink.apply;

import static org.assertj.core.api.Assertions.assertThat;

import io.pg2ts.sink.record.Change;
import io.pg2ts.sink.record.EnvelopeParser;
import io.pg2ts.sink.record.TableNameFormat;
import io.pg2ts.sink.testing.DebeziumTable;
import org.apache.kafka.connect.data.Schema;
import org.junit.jupiter.api.Test;

class TableBatchTest {

    private final EnvelopeParser parser = new EnvelopeParser(TableNameFormat.parse("${schema}.${table}"));
    private final DebeziumTable items = DebeziumTable.builder("shop", "items")
            .key("id", Schema.INT64_SCHEMA)
            .column("name", Schema.OPTIONAL_STRING_SCHEMA)
            .build();

    private TableBatch batchOf(DebeziumTable table, org.apache.kafka.connect.sink.SinkRecord... records) {
        TableBatch batch = null;
        for (var record : records) {
            Change change = parser.parse(record);
            if (batch == null) {
                batch = new TableBatch(change.table(), change.shape());
            }
            batch.add(change);
        }
        return batch;
    }

    @Test
    void lastChangePerKeyWins() {
        TableBatch batch = batchOf(items, items.create(1L, "a"), items.update(1L, "b"), items.update(1L, "c"));

        assertThat(batch.received()).isEqualTo(3);
        assertThat(batch.upserts()).extracting(c -> c.after()[1]).containsExactly("c");
        assertThat(batch.deletes()).isEmpty();
    }

    @Test
    void deleteAfterCreateLeavesOnlyTheDelete() {
        TableBatch batch = batchOf(items, items.create(1L, "a"), items.delete(1L, "a"));

        assertThat(batch.upserts()).isEmpty();
        assertThat(batch.deletes()).extracting(c -> c.key().text(0)).containsExactly("1");
    }

    @Test
    void createAfterDeleteLeavesOnlyTheCreate() {
        TableBatch batch = batchOf(items, items.delete(1L, "a"), items.create(1L, "b"));

        assertThat(batch.deletes()).isEmpty();
        assertThat(batch.upserts()).extracting(c -> c.after()[1]).containsExactly("b");
    }

    @Test
    void upsertsAndDeletesAreSortedByKeyValue() {
        TableBatch batch = batchOf(items, items.create(10L, "x"), items.create(9L, "x"), items.delete(100L, "x"),
                items.create(-5L, "x"), items.delete(20L, "x"));

        assertThat(batch.upserts()).extracting(c -> c.key().text(0)).containsExactly("-5", "9", "10");
        assertThat(batch.deletes()).extracting(c -> c.key().text(0)).containsExactly("20", "100");
    }

    @Test
    void laterUpdateWithoutToastedValueTakesItFromTheEarlierChange() {
        TableBatch batch = batchOf(items, items.create(1L, "long text"), items.update(1L, "__debezium_unavailable_value"));

        Change last = batch.upserts().get(0);
        assertThat(last.after()).containsExactly("1", "long text");
        assertThat(last.unavailable()).isNull();
    }

    @Test
    void keylessChangesAreAllKeptInOrder() {
        DebeziumTable log = DebeziumTable.builder("shop", "log").column("line", Schema.OPTIONAL_STRING_SCHEMA).build();
        TableBatch batch = batchOf(log, log.create("a"), log.create("a"), log.delete("a"), log.create("b"));

        assertThat(batch.inOrder()).extracting(c -> c.op().name()).containsExactly("CREATE", "CREATE", "DELETE", "CREATE");
        assertThat(batch.size()).isEqualTo(4);
    }

    @Test
    void otherRecordSchemaIsNotAccepted() {
        DebeziumTable evolved = DebeziumTable.builder("shop", "items")
                .key("id", Schema.INT64_SCHEMA)
                .column("name", Schema.OPTIONAL_STRING_SCHEMA)
                .column("stock", Schema.OPTIONAL_INT32_SCHEMA)
                .build();
        DebeziumTable sameAgain = DebeziumTable.builder("shop", "items")
                .key("id", Schema.INT64_SCHEMA)
                .column("name", Schema.OPTIONAL_STRING_SCHEMA)
                .build();
        TableBatch batch = batchOf(items, items.create(1L, "a"));

        assertThat(batch.accepts(parser.parse(evolved.create(2L, "b", 1)).shape())).isFalse();
        assertThat(batch.accepts(parser.parse(sameAgain.create(2L, "b")).shape())).isTrue();
    }
}
