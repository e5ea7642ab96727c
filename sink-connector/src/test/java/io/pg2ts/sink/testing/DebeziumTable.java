package io.pg2ts.sink.testing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Builds change events of one source table as Debezium's PostgreSQL connector does: a key struct
 * of the primary key columns, and an envelope with optional {@code before}/{@code after} row
 * structs, a {@code source} block naming schema and table, {@code op} and {@code ts_ms}.
 * Rows are given as values in column order.
 */
public final class DebeziumTable {

    public static final Schema SOURCE_SCHEMA = SchemaBuilder.struct().name("io.debezium.connector.postgresql.Source")
            .field("version", Schema.STRING_SCHEMA)
            .field("connector", Schema.STRING_SCHEMA)
            .field("name", Schema.STRING_SCHEMA)
            .field("ts_ms", Schema.INT64_SCHEMA)
            .field("snapshot", SchemaBuilder.string().optional().name("io.debezium.data.Enum").version(1)
                    .parameter("allowed", "true,first,first_in_data_collection,last_in_data_collection,last,false,incremental")
                    .defaultValue("false").build())
            .field("db", Schema.STRING_SCHEMA)
            .field("sequence", Schema.OPTIONAL_STRING_SCHEMA)
            .field("ts_us", Schema.OPTIONAL_INT64_SCHEMA)
            .field("ts_ns", Schema.OPTIONAL_INT64_SCHEMA)
            .field("schema", Schema.STRING_SCHEMA)
            .field("table", Schema.STRING_SCHEMA)
            .field("txId", Schema.OPTIONAL_INT64_SCHEMA)
            .field("lsn", Schema.OPTIONAL_INT64_SCHEMA)
            .field("xmin", Schema.OPTIONAL_INT64_SCHEMA)
            .build();

    private static final AtomicLong OFFSETS = new AtomicLong();

    private final String topic;
    private final String schema;
    private final String table;
    private final Schema rowSchema;
    private final Schema keySchema;
    private final Schema envelopeSchema;
    private final List<String> keyColumns;
    private int partition;

    private DebeziumTable(String topic, String schema, String table, Schema rowSchema, Schema keySchema, List<String> keyColumns) {
        this.topic = topic;
        this.schema = schema;
        this.table = table;
        this.rowSchema = rowSchema;
        this.keySchema = keySchema;
        this.keyColumns = keyColumns;
        this.envelopeSchema = SchemaBuilder.struct().name(topic + ".Envelope").version(2)
                .field("before", rowSchema)
                .field("after", rowSchema)
                .field("source", SOURCE_SCHEMA)
                .field("op", Schema.STRING_SCHEMA)
                .field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA)
                .field("ts_us", Schema.OPTIONAL_INT64_SCHEMA)
                .field("ts_ns", Schema.OPTIONAL_INT64_SCHEMA)
                .build();
    }

    /**
     * The records with offsets as Kafka would give them: 0, 1, 2, … in each topic partition, in
     * list order.
     */
    public static List<SinkRecord> numbered(List<SinkRecord> records) {
        Map<String, Long> next = new HashMap<>();
        List<SinkRecord> result = new ArrayList<>(records.size());
        for (SinkRecord r : records) {
            long offset = next.merge(r.topic() + "/" + r.kafkaPartition(), 1L, Long::sum) - 1;
            result.add(new SinkRecord(r.topic(), r.kafkaPartition(), r.keySchema(), r.key(), r.valueSchema(), r.value(), offset));
        }
        return result;
    }

    public static Builder builder(String schema, String table) {
        return new Builder(schema, table);
    }

    public String topic() {
        return topic;
    }

    public Schema envelopeSchema() {
        return envelopeSchema;
    }

    public DebeziumTable partition(int partition) {
        this.partition = partition;
        return this;
    }

    public SinkRecord read(Object... after) {
        return event("r", null, after);
    }

    /** The last snapshot row of the table, as Debezium marks it ({@code snapshot=last_in_data_collection}). */
    public SinkRecord readLast(Object... after) {
        SinkRecord record = event("r", null, after);
        ((Struct) record.value()).getStruct("source").put("snapshot", "last_in_data_collection");
        return record;
    }

    public SinkRecord create(Object... after) {
        return event("c", null, after);
    }

    public SinkRecord update(Object[] before, Object[] after) {
        return event("u", before, after);
    }

    /** An update as sent without REPLICA IDENTITY FULL: no old row. */
    public SinkRecord update(Object... after) {
        return event("u", null, after);
    }

    public SinkRecord delete(Object... before) {
        return event("d", before, null);
    }

    /** A delete as sent without REPLICA IDENTITY FULL: the old row holds only the key. */
    public SinkRecord deleteKeyOnly(Object... before) {
        Object[] keyOnly = new Object[rowSchema.fields().size()];
        for (String key : keyColumns) {
            int i = rowSchema.field(key).index();
            keyOnly[i] = before[i];
        }
        return event("d", keyOnly, null);
    }

    public SinkRecord truncate() {
        return record(null, envelope("t", null, null));
    }

    /** The tombstone Debezium sends after a delete: the key, no value. */
    public SinkRecord tombstone(Object... row) {
        return new SinkRecord(topic, partition, keySchema, key(row), null, null, OFFSETS.incrementAndGet());
    }

    private SinkRecord event(String op, Object[] before, Object[] after) {
        return record(key(after != null ? after : before), envelope(op, before, after));
    }

    private SinkRecord record(Struct key, Struct value) {
        return new SinkRecord(topic, partition, keySchema, key, envelopeSchema, value, OFFSETS.incrementAndGet());
    }

    private Struct envelope(String op, Object[] before, Object[] after) {
        long now = System.currentTimeMillis();
        Struct source = new Struct(SOURCE_SCHEMA)
                .put("version", "3.7.0.Final").put("connector", "postgresql").put("name", "test")
                .put("ts_ms", now).put("snapshot", op.equals("r") ? "true" : "false").put("db", "source")
                .put("schema", schema).put("table", table).put("txId", 42L).put("lsn", 1234L);
        Struct value = new Struct(envelopeSchema).put("source", source).put("op", op).put("ts_ms", now);
        if (before != null) {
            value.put("before", row(before));
        }
        if (after != null) {
            value.put("after", row(after));
        }
        return value;
    }

    private Struct row(Object[] values) {
        Struct row = new Struct(rowSchema);
        for (int i = 0; i < values.length; i++) {
            row.put(rowSchema.fields().get(i), values[i]);
        }
        return row;
    }

    private Struct key(Object[] row) {
        if (keySchema == null || row == null) {
            return null;
        }
        Struct key = new Struct(keySchema);
        for (String column : keyColumns) {
            key.put(column, row[rowSchema.field(column).index()]);
        }
        return key;
    }

    /** Columns in order; key columns are marked as such. */
    public static final class Builder {
        private final String schema;
        private final String table;
        private final Map<String, Schema> columns = new LinkedHashMap<>();
        private final List<String> keyColumns = new ArrayList<>();
        private String topic;

        private Builder(String schema, String table) {
            this.schema = schema;
            this.table = table;
            this.topic = "test." + schema + "." + table;
        }

        public Builder topic(String topic) {
            this.topic = topic;
            return this;
        }

        public Builder key(String name, Schema schema) {
            keyColumns.add(name);
            columns.put(name, schema);
            return this;
        }

        public Builder column(String name, Schema schema) {
            columns.put(name, schema);
            return this;
        }

        public DebeziumTable build() {
            String prefix = topic;
            SchemaBuilder row = SchemaBuilder.struct().name(prefix + ".Value").optional();
            columns.forEach(row::field);
            Schema key = null;
            if (!keyColumns.isEmpty()) {
                SchemaBuilder keyBuilder = SchemaBuilder.struct().name(prefix + ".Key");
                keyColumns.forEach(k -> keyBuilder.field(k, columns.get(k)));
                key = keyBuilder.build();
            }
            return new DebeziumTable(topic, schema, table, row.build(), key, List.copyOf(keyColumns));
        }
    }
}
