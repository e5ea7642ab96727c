package io.pg2ts.sink;

import static io.pg2ts.sink.testing.DebeziumSchemas.decimal;
import static io.pg2ts.sink.testing.DebeziumSchemas.sourceType;
import static org.assertj.core.api.Assertions.assertThat;

import io.pg2ts.sink.testing.DebeziumTable;
import io.pg2ts.sink.testing.RecordingContext;
import io.pg2ts.sink.testing.SchemaNames;
import io.pg2ts.sink.testing.TargetDatabase;
import io.pg2ts.testsupport.TableComparison;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What lands in the target table for each kind of change event. */
class TimescaleSinkTaskTest {

    @RegisterExtension
    static final TargetDatabase target = new TargetDatabase();

    private String schema;
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
        task = target.startTask(new RecordingContext(target.taskProps(extra), false));
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
    void missingTableIsCreatedWithPrimaryKeyAndSourceTypes() throws SQLException {
        DebeziumTable t = DebeziumTable.builder(schema, "typed")
                .key("id", sourceType(SchemaBuilder.int64(), "INT8", 19, 0).build())
                .column("code", sourceType(SchemaBuilder.string(), "VARCHAR", 20, null).build())
                .column("amount", sourceType(decimal(12, 3).optional(), "NUMERIC", 12, 3).build())
                .column("tags", sourceType(SchemaBuilder.array(Schema.OPTIONAL_INT32_SCHEMA).optional(), "_INT4", null, null).build())
                .column("plain", Schema.OPTIONAL_FLOAT64_SCHEMA)
                .build();

        put(t.read(1L, "a", new BigDecimal("1.500"), List.of(1, 2), 0.5));

        assertThat(target.query("SELECT a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || ' ' || a.attnotnull "
                + "FROM pg_attribute a WHERE a.attrelid = '" + schema + ".typed'::regclass AND a.attnum > 0 ORDER BY a.attnum"))
                .containsExactly("id bigint true", "code character varying(20) true", "amount numeric(12,3) false",
                        "tags integer[] false", "plain double precision false");
        assertThat(target.query("SELECT string_agg(a.attname, ',') FROM pg_index i JOIN pg_attribute a "
                + "ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey) WHERE i.indrelid = '" + schema + ".typed'::regclass AND i.indisprimary"))
                .containsExactly("id");
        assertThat(target.query("SELECT id, code, amount, tags, plain FROM " + schema + ".typed"))
                .containsExactly("1|a|1.500|{1,2}|0.5");
    }

    @Test
    void snapshotRowsAreInsertedAndReplayedRowsUpserted() throws SQLException {
        DebeziumTable t = items();
        put(t.read(1, "apple", new BigDecimal("1.50")), t.read(2, "pear", null));
        put(t.read(1, "apple", new BigDecimal("1.75")));

        assertThat(target.query("SELECT id, name, price FROM " + schema + ".items ORDER BY id"))
                .containsExactly("1|apple|1.75", "2|pear|null");
    }

    @Test
    void updateChangesTheRow() throws SQLException {
        DebeziumTable t = items();
        put(t.create(1, "apple", new BigDecimal("1.50")));
        put(t.update(1, "green apple", new BigDecimal("2.00")));

        assertThat(target.query("SELECT id, name, price FROM " + schema + ".items")).containsExactly("1|green apple|2.00");
    }

    @Test
    void deleteRemovesTheRowByKey() throws SQLException {
        DebeziumTable t = items();
        Object[] apple = {1, "apple", new BigDecimal("1.50")};
        put(t.create(apple), t.create(2, "pear", null));
        put(t.deleteKeyOnly(apple), t.tombstone(apple));

        assertThat(target.query("SELECT id FROM " + schema + ".items")).containsExactly("2");
    }

    @Test
    void deleteThenReinsertOfTheSameKeyInOnePutKeepsTheNewRow() throws SQLException {
        DebeziumTable t = items();
        Object[] apple = {1, "apple", new BigDecimal("1.50")};
        put(t.create(apple));
        put(t.delete(apple), t.tombstone(apple), t.create(1, "new apple", new BigDecimal("3.00")));

        assertThat(target.query("SELECT id, name, price FROM " + schema + ".items")).containsExactly("1|new apple|3.00");
    }

    @Test
    void insertThenDeleteInOnePutLeavesNoRow() throws SQLException {
        DebeziumTable t = items();
        Object[] apple = {1, "apple", new BigDecimal("1.50")};
        put(t.create(apple), t.update(1, "apple", new BigDecimal("1.60")), t.delete(apple));

        assertThat(target.query("SELECT count(*) FROM " + schema + ".items")).containsExactly("0");
    }

    @Test
    void primaryKeyChangeMovesTheRowToTheNewKey() throws SQLException {
        DebeziumTable t = items();
        Object[] old = {1, "apple", new BigDecimal("1.50")};
        put(t.create(old), t.create(5, "kiwi", null));
        // Debezium turns an update of the key into a delete of the old key and a create of the new one.
        put(t.delete(old), t.tombstone(old), t.create(7, "apple", new BigDecimal("1.50")));

        assertThat(target.query("SELECT id, name FROM " + schema + ".items ORDER BY id")).containsExactly("5|kiwi", "7|apple");
    }

    @Test
    void compositeKeyRowsAreUpsertedAndDeletedByAllKeyColumns() throws SQLException {
        DebeziumTable t = DebeziumTable.builder(schema, "readings")
                .key("device", Schema.STRING_SCHEMA)
                .key("seq", Schema.INT64_SCHEMA)
                .column("value", Schema.OPTIONAL_FLOAT64_SCHEMA)
                .build();
        put(t.create("a", 1L, 1.0), t.create("a", 2L, 2.0), t.create("b", 1L, 3.0));
        put(t.update("a", 1L, 10.0), t.delete("b", 1L, 3.0));

        assertThat(target.query("SELECT device, seq, value FROM " + schema + ".readings ORDER BY device, seq"))
                .containsExactly("a|1|10", "a|2|2");
        assertThat(target.query("SELECT string_agg(a.attname, ',' ORDER BY array_position(i.indkey::int2[], a.attnum)) "
                + "FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey) "
                + "WHERE i.indrelid = '" + schema + ".readings'::regclass AND i.indisprimary"))
                .containsExactly("device,seq");
    }

    @Test
    void keylessTableKeepsDuplicatesAndUpdatesExactlyOneOfThem() throws SQLException {
        DebeziumTable t = DebeziumTable.builder(schema, "events")
                .column("kind", Schema.OPTIONAL_STRING_SCHEMA)
                .column("n", Schema.OPTIONAL_INT32_SCHEMA)
                .build();
        Object[] click = {"click", null};
        put(t.create(click), t.create(click), t.create("view", 1));
        put(t.update(click, new Object[] {"click", 2}));

        assertThat(target.query("SELECT kind, n FROM " + schema + ".events ORDER BY kind, n NULLS FIRST"))
                .containsExactly("click|null", "click|2", "view|1");
    }

    @Test
    void keylessDeleteRemovesOneRowEqualToTheOldImage() throws SQLException {
        DebeziumTable t = DebeziumTable.builder(schema, "events")
                .column("kind", Schema.OPTIONAL_STRING_SCHEMA)
                .column("n", Schema.OPTIONAL_INT32_SCHEMA)
                .build();
        Object[] click = {"click", 1};
        put(t.create(click), t.create(click), t.delete(click), t.create("view", 1), t.delete("view", 1));

        assertThat(target.query("SELECT kind, n FROM " + schema + ".events")).containsExactly("click|1");
    }

    @Test
    void tombstoneIsSkipped() throws SQLException {
        DebeziumTable t = items();
        Object[] apple = {1, "apple", null};
        put(t.create(apple));
        put(t.tombstone(apple));

        assertThat(target.query("SELECT id, name FROM " + schema + ".items")).containsExactly("1|apple");
    }

    @Test
    void truncateEmptiesTheTable() throws SQLException {
        DebeziumTable t = items();
        put(t.create(1, "apple", null), t.create(2, "pear", null));
        put(t.create(3, "kiwi", null), t.truncate(), t.create(4, "plum", null));

        assertThat(target.query("SELECT id FROM " + schema + ".items")).containsExactly("4");
    }

    @Test
    void newFieldAddsANullableColumn() throws SQLException {
        put(items().create(1, "apple", null));
        DebeziumTable evolved = DebeziumTable.builder(schema, "items")
                .key("id", Schema.INT32_SCHEMA)
                .column("name", Schema.OPTIONAL_STRING_SCHEMA)
                .column("price", decimal(10, 2).optional().build())
                .column("stock", Schema.INT32_SCHEMA)
                .build();
        put(items().create(2, "pear", null), evolved.create(3, "kiwi", null, 7), evolved.update(1, "apple", null, 5));

        assertThat(target.query("SELECT id, name, stock FROM " + schema + ".items ORDER BY id"))
                .containsExactly("1|apple|5", "2|pear|null", "3|kiwi|7");
    }

    @Test
    void generatedAndIdentityColumnsOfAnExistingTableAreHandled() throws SQLException {
        target.execute("CREATE SCHEMA " + schema,
                "CREATE TABLE " + schema + ".orders (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
                        + "qty integer, doubled integer GENERATED ALWAYS AS (qty * 2) STORED)");
        DebeziumTable t = DebeziumTable.builder(schema, "orders")
                .key("id", Schema.INT32_SCHEMA)
                .column("qty", Schema.OPTIONAL_INT32_SCHEMA)
                .column("doubled", Schema.OPTIONAL_INT32_SCHEMA)
                .build();
        put(t.create(10, 3, 6), t.create(11, 4, 8));
        put(t.update(10, 5, 10));

        assertThat(target.query("SELECT id, qty, doubled FROM " + schema + ".orders ORDER BY id"))
                .containsExactly("10|5|10", "11|4|8");
    }

    @Test
    void unchangedToastedValueKeepsWhatTheTargetHas() throws SQLException {
        DebeziumTable t = items();
        put(t.create(1, "a long text the source stored out of line", new BigDecimal("1.00")));
        put(t.update(1, "__debezium_unavailable_value", new BigDecimal("2.00")));

        assertThat(target.query("SELECT id, name, price FROM " + schema + ".items"))
                .containsExactly("1|a long text the source stored out of line|2.00");
    }

    @Test
    void tableNameFormatPlacesTablesByTopic() throws SQLException {
        target.execute("CREATE SCHEMA " + schema);
        start(Map.of(TimescaleSinkConfig.TABLE_NAME_FORMAT_CONFIG, schema + ".\"${topic}\""));
        DebeziumTable t = items();
        put(t.create(1, "apple", null));

        assertThat(target.query("SELECT id FROM " + schema + ".\"" + t.topic() + "\"")).containsExactly("1");
    }

    @Test
    void changesOfManyTablesInOnePutAllLand() throws SQLException {
        DebeziumTable a = items();
        DebeziumTable b = DebeziumTable.builder(schema, "other").key("k", Schema.STRING_SCHEMA).build();
        List<SinkRecord> records = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            records.add(a.create(i, "n" + i, null));
            records.add(b.create("k" + i));
        }
        task.put(records);

        try (Connection c = target.connect()) {
            assertThat(TableComparison.fingerprint(c, "\"" + schema + "\".\"items\"").rows()).isEqualTo(500);
            assertThat(TableComparison.fingerprint(c, "\"" + schema + "\".\"other\"").rows()).isEqualTo(500);
        }
    }
}
