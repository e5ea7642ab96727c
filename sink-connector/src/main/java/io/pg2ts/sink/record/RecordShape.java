package io.pg2ts.sink.record;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;

/**
 * The columns of a table as one record schema describes them: the fields of the envelope's row
 * struct ({@code after}, or {@code before}) and the fields of the record key. Derived once per
 * schema and shared by every change with that schema.
 */
public final class RecordShape {

    private final Schema valueSchema;
    private final Schema keySchema;
    private final Schema rowSchema;
    private final List<Field> columns;
    private final List<String> columnNames;
    private final List<Field> keyFields;
    private final List<String> keyNames;
    private final int[] keyPositions;

    private RecordShape(Schema valueSchema, Schema keySchema, Schema rowSchema, List<Field> keyFields) {
        this.valueSchema = valueSchema;
        this.keySchema = keySchema;
        this.rowSchema = rowSchema;
        this.columns = List.copyOf(rowSchema.fields());
        this.columnNames = columns.stream().map(Field::name).toList();
        this.keyFields = List.copyOf(keyFields);
        this.keyNames = keyFields.stream().map(Field::name).toList();
        this.keyPositions = new int[keyFields.size()];
        for (int i = 0; i < keyFields.size(); i++) {
            keyPositions[i] = columnNames.indexOf(keyNames.get(i));
        }
    }

    static RecordShape of(Schema valueSchema, Schema keySchema) {
        Field after = valueSchema.field("after");
        Field before = valueSchema.field("before");
        Field row = after != null ? after : before;
        if (row == null || row.schema().type() != Schema.Type.STRUCT) {
            throw new IllegalArgumentException("the value schema has no 'after' or 'before' struct; is it a Debezium change event?");
        }
        List<Field> keyFields = new ArrayList<>();
        if (keySchema != null) {
            if (keySchema.type() != Schema.Type.STRUCT) {
                throw new IllegalArgumentException("the record key is a " + keySchema.type() + ", not a struct of key columns");
            }
            keyFields.addAll(keySchema.fields());
            for (Field key : keyFields) {
                if (row.schema().field(key.name()) == null) {
                    throw new IllegalArgumentException("key column " + key.name() + " is not a field of the row");
                }
            }
        }
        return new RecordShape(valueSchema, keySchema, row.schema(), keyFields);
    }

    boolean hasSchemas(Schema value, Schema key) {
        return valueSchema == value && keySchema == key;
    }

    /** Whether changes of both shapes have the same columns and key, so they can share a batch. */
    public boolean sameAs(RecordShape other) {
        return this == other
                || (Objects.equals(valueSchema, other.valueSchema) && Objects.equals(keySchema, other.keySchema));
    }

    /** The row struct's schema; its field schemas carry the types for creating columns. */
    public Schema rowSchema() {
        return rowSchema;
    }

    public List<Field> columns() {
        return columns;
    }

    public List<String> columnNames() {
        return columnNames;
    }

    public boolean keyed() {
        return !keyFields.isEmpty();
    }

    public List<Field> keyFields() {
        return keyFields;
    }

    public List<String> keyNames() {
        return keyNames;
    }

    /** Where the {@code i}-th key column is among {@link #columns()}. */
    public int keyPosition(int i) {
        return keyPositions[i];
    }
}
