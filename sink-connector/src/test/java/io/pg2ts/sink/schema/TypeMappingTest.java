package io.pg2ts.sink.schema;

import static io.pg2ts.sink.testing.DebeziumSchemas.bits;
import static io.pg2ts.sink.testing.DebeziumSchemas.date;
import static io.pg2ts.sink.testing.DebeziumSchemas.decimal;
import static io.pg2ts.sink.testing.DebeziumSchemas.interval;
import static io.pg2ts.sink.testing.DebeziumSchemas.json;
import static io.pg2ts.sink.testing.DebeziumSchemas.microDuration;
import static io.pg2ts.sink.testing.DebeziumSchemas.microTime;
import static io.pg2ts.sink.testing.DebeziumSchemas.microTimestamp;
import static io.pg2ts.sink.testing.DebeziumSchemas.sourceType;
import static io.pg2ts.sink.testing.DebeziumSchemas.uuid;
import static io.pg2ts.sink.testing.DebeziumSchemas.variableScaleDecimal;
import static io.pg2ts.sink.testing.DebeziumSchemas.zonedTime;
import static io.pg2ts.sink.testing.DebeziumSchemas.zonedTimestamp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.junit.jupiter.api.Test;

class TypeMappingTest {

    @Test
    void propagatedSourceTypesKeepTheirModifiers() {
        assertThat(TypeMapping.sqlType(sourceType(SchemaBuilder.string(), "VARCHAR", 20, null).build()))
                .isEqualTo("character varying(20)");
        assertThat(TypeMapping.sqlType(sourceType(SchemaBuilder.string(), "BPCHAR", 3, null).build())).isEqualTo("character(3)");
        assertThat(TypeMapping.sqlType(sourceType(decimal(10, 2), "NUMERIC", 10, 2).build())).isEqualTo("numeric(10,2)");
        assertThat(TypeMapping.sqlType(sourceType(microTimestamp(), "TIMESTAMP", 26, 3).build())).isEqualTo("timestamp(3)");
        assertThat(TypeMapping.sqlType(sourceType(zonedTimestamp(), "TIMESTAMPTZ", 35, 6).build())).isEqualTo("timestamptz");
        assertThat(TypeMapping.sqlType(sourceType(bits(8), "BIT", 8, null).build())).isEqualTo("bit(8)");
    }

    @Test
    void unconstrainedSourceTypesGetNoModifier() {
        assertThat(TypeMapping.sqlType(sourceType(variableScaleDecimal(), "NUMERIC", 131089, 0).build())).isEqualTo("numeric");
        assertThat(TypeMapping.sqlType(sourceType(SchemaBuilder.string(), "VARCHAR", Integer.MAX_VALUE, null).build()))
                .isEqualTo("character varying");
        assertThat(TypeMapping.sqlType(sourceType(SchemaBuilder.string(), "BPCHAR", null, null).build())).isEqualTo("bpchar");
    }

    @Test
    void propagatedSourceTypesNameIntegersJsonAndArrays() {
        assertThat(TypeMapping.sqlType(sourceType(SchemaBuilder.int32(), "INT4", 10, 0).build())).isEqualTo("integer");
        assertThat(TypeMapping.sqlType(sourceType(SchemaBuilder.int64(), "BIGSERIAL", 19, 0).build())).isEqualTo("bigint");
        assertThat(TypeMapping.sqlType(sourceType(json(), "JSON", null, null).build())).isEqualTo("json");
        assertThat(TypeMapping.sqlType(sourceType(SchemaBuilder.array(Schema.OPTIONAL_INT32_SCHEMA), "_INT4", null, null).build()))
                .isEqualTo("integer[]");
        assertThat(TypeMapping.sqlType(sourceType(SchemaBuilder.string(), "INET", null, null).build())).isEqualTo("inet");
    }

    @Test
    void userDefinedSourceTypesFallBackToTheConnectType() {
        assertThat(TypeMapping.sqlType(sourceType(SchemaBuilder.string(), "MOOD", null, null).build())).isEqualTo("text");
    }

    @Test
    void logicalTypesMapToTheirPostgresTypes() {
        assertThat(TypeMapping.sqlType(decimal(12, 4).build())).isEqualTo("numeric(12,4)");
        assertThat(TypeMapping.sqlType(variableScaleDecimal().build())).isEqualTo("numeric");
        assertThat(TypeMapping.sqlType(date().build())).isEqualTo("date");
        assertThat(TypeMapping.sqlType(microTimestamp().build())).isEqualTo("timestamp");
        assertThat(TypeMapping.sqlType(zonedTimestamp().build())).isEqualTo("timestamptz");
        assertThat(TypeMapping.sqlType(microTime().build())).isEqualTo("time");
        assertThat(TypeMapping.sqlType(zonedTime().build())).isEqualTo("timetz");
        assertThat(TypeMapping.sqlType(interval().build())).isEqualTo("interval");
        assertThat(TypeMapping.sqlType(microDuration().build())).isEqualTo("interval");
        assertThat(TypeMapping.sqlType(json().build())).isEqualTo("jsonb");
        assertThat(TypeMapping.sqlType(uuid().build())).isEqualTo("uuid");
        assertThat(TypeMapping.sqlType(bits(3).build())).isEqualTo("bit varying");
    }

    @Test
    void plainTypesMapBySchemaType() {
        assertThat(TypeMapping.sqlType(Schema.INT8_SCHEMA)).isEqualTo("smallint");
        assertThat(TypeMapping.sqlType(Schema.INT16_SCHEMA)).isEqualTo("smallint");
        assertThat(TypeMapping.sqlType(Schema.INT32_SCHEMA)).isEqualTo("integer");
        assertThat(TypeMapping.sqlType(Schema.INT64_SCHEMA)).isEqualTo("bigint");
        assertThat(TypeMapping.sqlType(Schema.FLOAT32_SCHEMA)).isEqualTo("real");
        assertThat(TypeMapping.sqlType(Schema.FLOAT64_SCHEMA)).isEqualTo("double precision");
        assertThat(TypeMapping.sqlType(Schema.BOOLEAN_SCHEMA)).isEqualTo("boolean");
        assertThat(TypeMapping.sqlType(Schema.STRING_SCHEMA)).isEqualTo("text");
        assertThat(TypeMapping.sqlType(Schema.BYTES_SCHEMA)).isEqualTo("bytea");
        assertThat(TypeMapping.sqlType(SchemaBuilder.array(date().optional().build()).build())).isEqualTo("date[]");
    }

    @Test
    void mapsAndUnknownStructsHaveNoColumnType() {
        assertThatThrownBy(() -> TypeMapping.sqlType(SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.STRING_SCHEMA).build()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
