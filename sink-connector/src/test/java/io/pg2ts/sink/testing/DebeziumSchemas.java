package io.pg2ts.sink.testing;

import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;

/** Field schemas as Debezium's PostgreSQL connector writes them, optionally with the propagated source type. */
public final class DebeziumSchemas {

    private DebeziumSchemas() {
    }

    public static SchemaBuilder decimal(int precision, int scale) {
        return Decimal.builder(scale).parameter("connect.decimal.precision", Integer.toString(precision));
    }

    public static SchemaBuilder variableScaleDecimal() {
        return SchemaBuilder.struct().name("io.debezium.data.VariableScaleDecimal").version(1)
                .doc("Variable scaled decimal")
                .field("scale", Schema.INT32_SCHEMA)
                .field("value", Schema.BYTES_SCHEMA);
    }

    public static SchemaBuilder date() {
        return SchemaBuilder.int32().name("io.debezium.time.Date").version(1);
    }

    public static SchemaBuilder microTimestamp() {
        return SchemaBuilder.int64().name("io.debezium.time.MicroTimestamp").version(1);
    }

    public static SchemaBuilder zonedTimestamp() {
        return SchemaBuilder.string().name("io.debezium.time.ZonedTimestamp").version(1);
    }

    public static SchemaBuilder microTime() {
        return SchemaBuilder.int64().name("io.debezium.time.MicroTime").version(1);
    }

    public static SchemaBuilder zonedTime() {
        return SchemaBuilder.string().name("io.debezium.time.ZonedTime").version(1);
    }

    public static SchemaBuilder interval() {
        return SchemaBuilder.string().name("io.debezium.time.Interval").version(1);
    }

    public static SchemaBuilder microDuration() {
        return SchemaBuilder.int64().name("io.debezium.time.MicroDuration").version(1);
    }

    public static SchemaBuilder json() {
        return SchemaBuilder.string().name("io.debezium.data.Json").version(1);
    }

    public static SchemaBuilder uuid() {
        return SchemaBuilder.string().name("io.debezium.data.Uuid").version(1);
    }

    public static SchemaBuilder bits(int length) {
        return SchemaBuilder.bytes().name("io.debezium.data.Bits").version(1).parameter("length", Integer.toString(length));
    }

    /** What {@code column.propagate.source.type} adds to a field schema. */
    public static SchemaBuilder sourceType(SchemaBuilder builder, String type, Integer length, Integer scale) {
        builder.parameter("__debezium.source.column.type", type);
        if (length != null) {
            builder.parameter("__debezium.source.column.length", length.toString());
        }
        if (scale != null) {
            builder.parameter("__debezium.source.column.scale", scale.toString());
        }
        return builder;
    }
}
