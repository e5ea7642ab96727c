package io.pg2ts.sink.record;

import io.pg2ts.common.TableId;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Reads a Debezium change event (pg2ts's source or stock Debezium, same format) into a
 * {@link Change}. One instance per task: it caches target names and record shapes, and is not
 * thread-safe.
 */
public final class EnvelopeParser {

    // What Debezium sends instead of an unchanged TOASTed value, which logical decoding does not carry.
    static final String UNAVAILABLE_VALUE = "__debezium_unavailable_value";
    private static final byte[] UNAVAILABLE_BYTES = UNAVAILABLE_VALUE.getBytes(StandardCharsets.UTF_8);
    private static final int MAX_CACHED_SHAPES = 1024;

    private final TableNameFormat tableNameFormat;
    private final Map<SourceName, TableId> tableNames = new HashMap<>();
    private final Map<Schema, RecordShape> shapes = new IdentityHashMap<>();
    private SourceName lastName;
    private TableId lastTable;

    private record SourceName(String topic, String schema, String table) {
    }

    public EnvelopeParser(TableNameFormat tableNameFormat) {
        this.tableNameFormat = tableNameFormat;
    }

    /**
     * @return the change, or null for a tombstone (a record without value), which has nothing to apply
     * @throws InvalidRecordException when the record is not a change event this sink can apply
     */
    public Change parse(SinkRecord record) {
        if (record.value() == null) {
            return null;
        }
        TableId table = null;
        RecordShape shape = null;
        try {
            if (!(record.value() instanceof Struct value) || record.valueSchema() == null
                    || value.schema().field("op") == null || value.schema().field("source") == null) {
                throw new IllegalArgumentException("the value is not a Debezium change event (a struct with op, source, before, after)");
            }
            Op op = Op.fromCode(value.getString("op"));
            if (op == null) {
                throw new IllegalArgumentException("unknown op '" + value.getString("op") + "'");
            }
            Struct source = value.getStruct("source");
            table = tableOf(record.topic(), source);
            shape = shapeOf(record.valueSchema(), record.keySchema());
            long sourceTsMs = sourceTsMs(source);
            if (op == Op.TRUNCATE) {
                return new Change(op, table, shape, null, null, null, null, sourceTsMs, record);
            }
            return change(record, value, op, table, shape, sourceTsMs);
        } catch (RuntimeException e) {
            // Only our own reasons go into the message: other exceptions' messages may quote row values.
            String reason = e instanceof IllegalArgumentException && !(e instanceof NumberFormatException)
                    ? e.getMessage() : "cannot read the event (" + e.getClass().getName() + ")";
            throw new InvalidRecordException(ErrorContext.of(record, table, shape == null ? null : shape.keyNames())
                    + ": " + reason, e);
        }
    }

    private static long sourceTsMs(Struct source) {
        if (source == null || source.schema().field("ts_ms") == null) {
            return 0;
        }
        Object ts = source.get("ts_ms");
        return ts instanceof Long millis ? millis : 0;
    }

    private Change change(SinkRecord record, Struct value, Op op, TableId table, RecordShape shape, long sourceTsMs) {
        Struct after = op.writesRow() ? value.getStruct("after") : null;
        Struct before = value.schema().field("before") == null ? null : value.getStruct("before");
        if (op.writesRow() && after == null) {
            throw new IllegalArgumentException("a '" + value.getString("op") + "' event without an 'after' row");
        }
        RowKey key = null;
        if (shape.keyed()) {
            if (!(record.key() instanceof Struct keyStruct)) {
                throw new IllegalArgumentException("the record has a key schema but no key struct");
            }
            key = key(shape, keyStruct);
        } else if ((op == Op.UPDATE || op == Op.DELETE) && before == null) {
            throw new IllegalArgumentException("an " + op.name().toLowerCase() + " of a table without primary key "
                    + "and without the old row; set REPLICA IDENTITY FULL on the source table " + table
                    + " or give it a primary key");
        }
        String[] afterText = null;
        BitSet unavailable = null;
        if (after != null) {
            afterText = new String[shape.columns().size()];
            unavailable = row(shape, after, afterText);
        }
        String[] beforeText = null;
        if (before != null && (!shape.keyed() || unavailable != null)) {
            beforeText = new String[shape.columns().size()];
            row(shape, before, beforeText);
        }
        Change change = new Change(op, table, shape, key, afterText, shape.keyed() ? null : beforeText, unavailable,
                sourceTsMs, record);
        // With REPLICA IDENTITY FULL the old row holds what the new row could not send.
        return unavailable == null ? change : change.fillUnavailableFrom(beforeText, null);
    }

    private static BitSet row(RecordShape shape, Struct struct, String[] into) {
        BitSet unavailable = null;
        List<Field> columns = shape.columns();
        for (int i = 0; i < into.length; i++) {
            Field field = columns.get(i);
            // Without default: Debezium puts a column's DEFAULT into its field schema, and a NULL on
            // the source must stay NULL, not become that default.
            Object v = struct.getWithoutDefault(field.name());
            if (v != null && isUnavailable(v)) {
                if (unavailable == null) {
                    unavailable = new BitSet(into.length);
                }
                unavailable.set(i);
                continue;
            }
            into[i] = text(field, v);
        }
        return unavailable;
    }

    private static RowKey key(RecordShape shape, Struct keyStruct) {
        List<Field> fields = shape.keyFields();
        String[] text = new String[fields.size()];
        Object[] values = new Object[fields.size()];
        for (int i = 0; i < text.length; i++) {
            Field field = fields.get(i);
            Object v = keyStruct.getWithoutDefault(field.name());
            values[i] = v;
            text[i] = text(field, v);
        }
        return new RowKey(text, values);
    }

    private static String text(Field field, Object value) {
        try {
            return PgText.of(field.schema(), value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("column " + field.name() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("column " + field.name() + ": cannot convert a value of type "
                    + describe(field.schema()) + " (" + e.getClass().getName() + ")", e);
        }
    }

    private static String describe(Schema schema) {
        return schema.name() == null ? schema.type().toString() : schema.type() + " " + schema.name();
    }

    static boolean isUnavailable(Object value) {
        if (value instanceof String s) {
            return s.length() == UNAVAILABLE_VALUE.length() && s.equals(UNAVAILABLE_VALUE);
        }
        if (value instanceof byte[] b) {
            return b.length == UNAVAILABLE_BYTES.length && Arrays.equals(b, UNAVAILABLE_BYTES);
        }
        if (value instanceof ByteBuffer b) {
            return b.remaining() == UNAVAILABLE_BYTES.length && b.equals(ByteBuffer.wrap(UNAVAILABLE_BYTES));
        }
        if (value instanceof List<?> list) {
            return list.size() == 1 && list.get(0) != null && isUnavailable(list.get(0));
        }
        return false;
    }

    private TableId tableOf(String topic, Struct source) {
        String schema = null;
        String table = null;
        if (tableNameFormat.usesSourceNames()) {
            if (source == null) {
                throw new IllegalArgumentException("the event has no source block, which the table name format needs");
            }
            schema = source.schema().field("schema") == null ? null : source.getString("schema");
            table = source.schema().field("table") == null ? null : source.getString("table");
        }
        // Consecutive records mostly come from one table: compare with the last name before hashing
        // the strings the record brought.
        SourceName last = lastName;
        if (last != null && last.topic().equals(topic) && Objects.equals(last.schema(), schema)
                && Objects.equals(last.table(), table)) {
            return lastTable;
        }
        SourceName name = new SourceName(topic, schema, table);
        TableId resolved = tableNames.computeIfAbsent(name, n -> tableNameFormat.resolve(n.topic(), n.schema(), n.table()));
        lastName = name;
        lastTable = resolved;
        return resolved;
    }

    private RecordShape shapeOf(Schema valueSchema, Schema keySchema) {
        RecordShape shape = shapes.get(valueSchema);
        if (shape != null && shape.hasSchemas(valueSchema, keySchema)) {
            return shape;
        }
        if (shapes.size() >= MAX_CACHED_SHAPES) {
            shapes.clear();
        }
        shape = RecordShape.of(valueSchema, keySchema);
        shapes.put(valueSchema, shape);
        return shape;
    }
}
