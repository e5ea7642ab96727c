package io.pg2ts.sink.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pg2ts.common.TableId;
import io.pg2ts.sink.testing.DebeziumTable;
import java.util.List;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

class EnvelopeParserTest {

    private final EnvelopeParser parser = new EnvelopeParser(TableNameFormat.parse("${schema}.${table}"));
    private final DebeziumTable items = DebeziumTable.builder("shop", "items")
            .key("id", Schema.INT32_SCHEMA)
            .column("name", Schema.OPTIONAL_STRING_SCHEMA)
            .build();
    private final DebeziumTable keyless = DebeziumTable.builder("shop", "log")
            .column("line", Schema.OPTIONAL_STRING_SCHEMA)
            .build();

    @Test
    void createBecomesAnUpsertOfTheAfterRowInTheSourceTable() {
        Change change = parser.parse(items.create(7, "apple"));

        assertThat(change.op()).isEqualTo(Op.CREATE);
        assertThat(change.table()).isEqualTo(new TableId("shop", "items"));
        assertThat(change.shape().columnNames()).containsExactly("id", "name");
        assertThat(change.shape().keyNames()).containsExactly("id");
        assertThat(change.key().text(0)).isEqualTo("7");
        assertThat(change.after()).containsExactly("7", "apple");
        assertThat(change.before()).isNull();
    }

    @Test
    void snapshotReadIsParsedLikeACreate() {
        assertThat(parser.parse(items.read(1, "x")).op()).isEqualTo(Op.READ);
    }

    @Test
    void deleteCarriesTheKeyAndNoAfterRow() {
        Change change = parser.parse(items.deleteKeyOnly(7, "apple"));

        assertThat(change.op()).isEqualTo(Op.DELETE);
        assertThat(change.key().text(0)).isEqualTo("7");
        assertThat(change.after()).isNull();
    }

    @Test
    void tombstoneIsNothingToApply() {
        assertThat(parser.parse(items.tombstone(7, "apple"))).isNull();
    }

    @Test
    void truncateNamesOnlyTheTable() {
        Change change = parser.parse(items.truncate());

        assertThat(change.op()).isEqualTo(Op.TRUNCATE);
        assertThat(change.table()).isEqualTo(new TableId("shop", "items"));
        assertThat(change.key()).isNull();
    }

    @Test
    void keylessUpdateKeepsTheOldRowToFindTheRowBy() {
        Change change = parser.parse(keyless.update(new Object[] {"old"}, new Object[] {"new"}));

        assertThat(change.key()).isNull();
        assertThat(change.before()).containsExactly("old");
        assertThat(change.after()).containsExactly("new");
    }

    @Test
    void keylessDeleteWithoutOldRowAsksForReplicaIdentityFull() {
        SinkRecord record = keyless.update("new");

        assertThatThrownBy(() -> parser.parse(record))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessageContaining("REPLICA IDENTITY FULL")
                .hasMessageContaining("\"shop\".\"log\"")
                .hasMessageContaining("offset " + record.kafkaOffset());
    }

    @Test
    void unavailableToastedValueIsMarkedNotWritten() {
        Change change = parser.parse(items.update(7, "__debezium_unavailable_value"));

        assertThat(change.unavailable().stream()).containsExactly(1);
        assertThat(change.after()[1]).isNull();
    }

    @Test
    void unavailableValueIsTakenFromTheFullOldRow() {
        Change change = parser.parse(items.update(new Object[] {7, "kept"}, new Object[] {7, "__debezium_unavailable_value"}));

        assertThat(change.unavailable()).isNull();
        assertThat(change.after()).containsExactly("7", "kept");
    }

    @Test
    void sameSchemaGivesTheSameShape() {
        assertThat(parser.parse(items.create(1, "a")).shape()).isSameAs(parser.parse(items.create(2, "b")).shape());
    }

    @Test
    void valueThatIsNoEnvelopeIsInvalidAndNamesItsPosition() {
        SinkRecord record = new SinkRecord("plain", 4, null, null, Schema.STRING_SCHEMA, "hello", 12);

        assertThatThrownBy(() -> parser.parse(record))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessageContaining("topic plain partition 4 at offset 12")
                .hasMessageContaining("not a Debezium change event");
    }

    @Test
    void unknownOpIsInvalid() {
        Struct value = (Struct) items.create(1, "a").value();
        value.put("op", "x");
        SinkRecord record = new SinkRecord(items.topic(), 0, null, null, value.schema(), value, 3);

        assertThatThrownBy(() -> parser.parse(record)).hasMessageContaining("unknown op 'x'");
    }

    @Test
    void unconvertibleValueNamesTheColumnButNotTheValue() {
        Schema point = SchemaBuilder.struct().name("io.debezium.data.geometry.Point").optional()
                .field("x", Schema.FLOAT64_SCHEMA).build();
        DebeziumTable places = DebeziumTable.builder("shop", "places")
                .key("id", Schema.INT32_SCHEMA).column("spot", point).build();

        assertThatThrownBy(() -> parser.parse(places.create(1, new Struct(point).put("x", 12.5))))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessageContaining("column spot")
                .hasMessageContaining("key columns id")
                .message().doesNotContain("12.5");
    }

    @Test
    void topicPlaceholderNamesTheTableAfterTheTopic() {
        EnvelopeParser byTopic = new EnvelopeParser(TableNameFormat.parse("staging.${topic}"));

        assertThat(byTopic.parse(items.create(1, "a")).table()).isEqualTo(new TableId("staging", "test.shop.items"));
    }

    @Test
    void keyValuesOrderNaturally() {
        List<RowKey> keys = new java.util.ArrayList<>(List.of(
                parser.parse(items.create(10, "a")).key(), parser.parse(items.create(9, "b")).key(),
                parser.parse(items.create(-1, "c")).key()));
        keys.sort(null);

        assertThat(keys).extracting(k -> k.text(0)).containsExactly("-1", "9", "10");
    }
}
