package io.pg2ts.common.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Pg2tsConverterTest {

    /** The schemas topic in memory: what one converter publishes, another can read. */
    static final class MemorySchemas implements Pg2tsConverter.Schemas {
        final Map<String, String> published = new LinkedHashMap<>();
        int publishCount;

        @Override
        public String topic() {
            return "_pg2ts_schemas";
        }

        @Override
        public void publish(long id, String schemaJson) {
            publishCount++;
            published.put(SchemaJson.hex(id), schemaJson);
        }

        @Override
        public void readAll(BiConsumer<String, String> sink) {
            published.forEach(sink);
        }

        @Override
        public void close() {
        }
    }

    static final Schema KEY = SchemaBuilder.struct().name("db.public.metrics.Key")
            .field("id", Schema.INT64_SCHEMA)
            .field("region", Schema.STRING_SCHEMA)
            .build();

    static final Schema DECIMAL = Decimal.builder(3).optional().parameter("connect.decimal.precision", "103").build();

    static final Schema ROW = SchemaBuilder.struct().name("db.public.metrics.Value").optional()
            .field("id", Schema.INT64_SCHEMA)
            .field("i8", Schema.OPTIONAL_INT8_SCHEMA)
            .field("i16", Schema.OPTIONAL_INT16_SCHEMA)
            .field("i32", SchemaBuilder.int32().optional().parameter("__debezium.source.column.type", "INT4").build())
            .field("f32", Schema.OPTIONAL_FLOAT32_SCHEMA)
            .field("f64", Schema.FLOAT64_SCHEMA)
            .field("flag", Schema.OPTIONAL_BOOLEAN_SCHEMA)
            .field("name", Schema.OPTIONAL_STRING_SCHEMA)
            .field("raw", Schema.OPTIONAL_BYTES_SCHEMA)
            .field("amount", DECIMAL)
            .field("day", Date.builder().optional().build())
            .field("at_time", Time.builder().optional().build())
            .field("at", Timestamp.SCHEMA)
            .field("micros", SchemaBuilder.int64().name("io.debezium.time.MicroTimestamp").version(1).optional().build())
            .field("tags", SchemaBuilder.array(SchemaBuilder.array(Schema.OPTIONAL_STRING_SCHEMA).build()).optional().build())
            .field("attrs", SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.OPTIONAL_FLOAT64_SCHEMA).optional().build())
            .field("with_default", SchemaBuilder.string().optional().defaultValue("dflt").build())
            .build();

    static final Schema SOURCE = SchemaBuilder.struct().name("io.debezium.connector.postgresql.Source")
            .doc("Where the change came from").version(1)
            .field("db", Schema.STRING_SCHEMA)
            .field("lsn", Schema.OPTIONAL_INT64_SCHEMA)
            .field("snapshot", SchemaBuilder.string().optional().defaultValue("false")
                    .parameter("allowed", "true,last,false").build())
            .build();

    static final Schema ENVELOPE = SchemaBuilder.struct().name("db.public.metrics.Envelope").version(2)
            .field("before", ROW)
            .field("after", ROW)
            .field("source", SOURCE)
            .field("op", Schema.STRING_SCHEMA)
            .field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA)
            .build();

    static Struct row(long id) {
        return new Struct(ROW)
                .put("id", id)
                .put("i8", (byte) -128)
                .put("i16", Short.MAX_VALUE)
                .put("i32", Integer.MIN_VALUE)
                .put("f32", Float.NaN)
                .put("f64", Double.NEGATIVE_INFINITY)
                .put("flag", true)
                .put("name", "")
                .put("raw", new byte[] {0, -1, 7})
                .put("amount", new BigDecimal(new BigInteger("-" + "9".repeat(100)), 3))
                .put("day", new java.util.Date(-86_400_000L * 365))
                .put("at_time", new java.util.Date(45_296_789L))
                .put("at", new java.util.Date(1_764_000_000_123L))
                .put("micros", 1_764_000_000_123_456L)
                .put("tags", List.of(List.of("a", "ü€𝄞"), Arrays.asList(null, ""), List.of()))
                .put("attrs", Map.of("pos", Double.POSITIVE_INFINITY, "none", Double.MIN_VALUE))
                .put("with_default", null);
    }

    static Struct envelope(long id) {
        Struct after = row(id);
        return new Struct(ENVELOPE)
                .put("before", null)
                .put("after", after)
                .put("source", new Struct(SOURCE).put("db", "db").put("lsn", null))
                .put("op", "c")
                .put("ts_ms", 1_764_000_000_999L);
    }

    @Test
    void debeziumEnvelopeWithEveryTypeRoundTripsThroughASeparateConverter() {
        MemorySchemas schemas = new MemorySchemas();
        Pg2tsConverter writer = new Pg2tsConverter(schemas);
        Pg2tsConverter reader = new Pg2tsConverter(schemas);
        Struct event = envelope(42);

        byte[] wire = writer.fromConnectData("db.public.metrics", ENVELOPE, event);
        SchemaAndValue back = reader.toConnectData("db.public.metrics", wire);

        assertThat(wire[0]).isEqualTo((byte) 'P');
        assertThat(wire[1]).isEqualTo((byte) 1);
        assertThat(back.schema()).isEqualTo(ENVELOPE);
        // Struct.equals compares byte[] fields by content, everything else with equals (NaN included).
        assertThat(back.value()).isEqualTo(event);
        Struct after = ((Struct) back.value()).getStruct("after");
        assertThat(after.getString("name")).isEmpty();
        assertThat(after.getWithoutDefault("with_default")).isNull();
        assertThat(((Struct) back.value()).getStruct("before")).isNull();
        assertThat(((BigDecimal) after.get("amount")).precision()).isEqualTo(100);
        // Decoded structs skip Struct.put's checks; what they hold must pass them all the same.
        ((Struct) back.value()).validate();
        assertThat(CompactCodec.STRUCT_VALUES).as("structs read and written by field index with this Kafka").isNotNull();
    }

    @Test
    void schemaNameVersionDocAndParametersSurvive() {
        MemorySchemas schemas = new MemorySchemas();
        new Pg2tsConverter(schemas).fromConnectData("t", ENVELOPE, envelope(1));
        Schema read = new Pg2tsConverter(schemas).toConnectData("t", new Pg2tsConverter(schemas)
                .fromConnectData("t", ENVELOPE, envelope(1))).schema();

        assertThat(read.name()).isEqualTo("db.public.metrics.Envelope");
        assertThat(read.version()).isEqualTo(2);
        Schema source = read.field("source").schema();
        assertThat(source.doc()).isEqualTo("Where the change came from");
        assertThat(source.field("snapshot").schema().parameters()).containsEntry("allowed", "true,last,false");
        assertThat(source.field("snapshot").schema().defaultValue()).isEqualTo("false");
        Schema after = read.field("after").schema();
        assertThat(after.field("amount").schema().parameters())
                .containsEntry("scale", "3").containsEntry("connect.decimal.precision", "103");
        assertThat(after.field("i32").schema().parameters()).containsEntry("__debezium.source.column.type", "INT4");
    }

    @Test
    void keyAndTombstoneRoundTrip() {
        MemorySchemas schemas = new MemorySchemas();
        Pg2tsConverter converter = new Pg2tsConverter(schemas);
        Struct key = new Struct(KEY).put("id", -1L).put("region", "eu");

        assertThat(new Pg2tsConverter(schemas).toConnectData("t", converter.fromConnectData("t", KEY, key)).value())
                .isEqualTo(key);
        assertThat(converter.fromConnectData("t", ENVELOPE, null)).isNull();
        assertThat(converter.toConnectData("t", null)).isEqualTo(SchemaAndValue.NULL);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "plain ascii 123", "\u007f", "caf\u00e9", "\u20ac 9,50", "\ud83d\ude00 emoji",
            "ascii then \u00fc"})
    void stringsRoundTripAsUtf8(String text) {
        Schema schema = SchemaBuilder.struct().name("s").field("text", Schema.STRING_SCHEMA).build();
        Pg2tsConverter converter = new Pg2tsConverter(new MemorySchemas());
        byte[] wire = converter.fromConnectData("t", schema, new Struct(schema).put("text", text));

        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        assertThat(indexOf(wire, utf8)).as("the value's UTF-8 bytes are on the wire").isNotNegative();
        assertThat(((Struct) converter.toConnectData("t", wire).value()).getString("text")).isEqualTo(text);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Test
    void byteBufferValuesAreWrittenLikeByteArrays() {
        Pg2tsConverter converter = new Pg2tsConverter(new MemorySchemas());
        byte[] fromBuffer = converter.fromConnectData("t", Schema.BYTES_SCHEMA, ByteBuffer.wrap(new byte[] {1, 2}));
        byte[] fromArray = converter.fromConnectData("t", Schema.BYTES_SCHEMA, new byte[] {1, 2});
        assertThat(fromBuffer).isEqualTo(fromArray);
    }

    @Test
    void eachSchemaIsPublishedOnceAndEqualSchemasShareTheirId() {
        MemorySchemas schemas = new MemorySchemas();
        Pg2tsConverter converter = new Pg2tsConverter(schemas);
        Schema twin = SchemaBuilder.struct().name("db.public.metrics.Key")
                .field("id", Schema.INT64_SCHEMA).field("region", Schema.STRING_SCHEMA).build();
        Schema other = SchemaBuilder.struct().name("db.public.metrics.Key")
                .field("id", Schema.INT64_SCHEMA).field("region", Schema.OPTIONAL_STRING_SCHEMA).build();

        byte[] a = converter.fromConnectData("t", KEY, new Struct(KEY).put("id", 1L).put("region", "x"));
        converter.fromConnectData("t", KEY, new Struct(KEY).put("id", 2L).put("region", "y"));
        byte[] b = new Pg2tsConverter(new MemorySchemas()).fromConnectData("t", twin,
                new Struct(twin).put("id", 1L).put("region", "x"));
        byte[] c = converter.fromConnectData("t", other, new Struct(other).put("id", 1L).put("region", "x"));

        assertThat(schemaId(a)).isEqualTo(schemaId(b));
        assertThat(schemaId(c)).isNotEqualTo(schemaId(a));
        assertThat(schemas.publishCount).isEqualTo(2);
    }

    @Test
    void unknownSchemaIdNamesTopicIdAndSchemasTopic() {
        byte[] wire = new Pg2tsConverter(new MemorySchemas()).fromConnectData("t", KEY,
                new Struct(KEY).put("id", 1L).put("region", "x"));

        assertThatThrownBy(() -> new Pg2tsConverter(new MemorySchemas()).toConnectData("orders", wire))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("orders")
                .hasMessageContaining(SchemaJson.hex(schemaId(wire)))
                .hasMessageContaining("_pg2ts_schemas")
                .hasMessageContaining("same schemas.topic");
    }

    @Test
    void malformedBytesFailWithDataException() {
        MemorySchemas schemas = new MemorySchemas();
        Pg2tsConverter converter = new Pg2tsConverter(schemas);
        byte[] wire = converter.fromConnectData("t", ENVELOPE, envelope(7));

        assertThatThrownBy(() -> converter.toConnectData("t", "{\"schema\":1}".getBytes()))
                .isInstanceOf(DataException.class).hasMessageContaining("not in the pg2ts format");
        byte[] wrongVersion = wire.clone();
        wrongVersion[1] = 9;
        assertThatThrownBy(() -> converter.toConnectData("t", wrongVersion))
                .isInstanceOf(DataException.class).hasMessageContaining("version 9");
        assertThatThrownBy(() -> converter.toConnectData("t", Arrays.copyOf(wire, wire.length - 3)))
                .isInstanceOf(DataException.class).hasMessageContaining("Malformed");
        assertThatThrownBy(() -> converter.toConnectData("t", Arrays.copyOf(wire, wire.length + 1)))
                .isInstanceOf(DataException.class).hasMessageContaining("bytes left");
        byte[] badPresence = wire.clone();
        badPresence[10] = 5;
        assertThatThrownBy(() -> converter.toConnectData("t", badPresence))
                .isInstanceOf(DataException.class).hasMessageContaining("presence byte 5");
    }

    @Test
    void wrongValuesFailWithTheFieldPath() {
        Pg2tsConverter converter = new Pg2tsConverter(new MemorySchemas());
        Schema schema = SchemaBuilder.struct().field("n", Schema.INT32_SCHEMA).build();
        Struct struct = new Struct(schema);

        assertThatThrownBy(() -> converter.fromConnectData("t", schema, struct))
                .isInstanceOf(DataException.class).hasMessageContaining("Null value for required schema type INT32 at field '<value>.n'");
        // Struct.put validates nested structs, so only a list can smuggle in an incomplete one.
        Schema sources = SchemaBuilder.array(SOURCE).build();
        assertThatThrownBy(() -> converter.fromConnectData("t", sources, List.of(new Struct(SOURCE))))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("at field '<value>.db'");
        Schema strings = SchemaBuilder.array(Schema.STRING_SCHEMA).build();
        assertThatThrownBy(() -> converter.fromConnectData("t", strings, List.of("a", 42)))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("java.lang.Integer does not match schema type STRING at field '<value>'");
        assertThatThrownBy(() -> converter.fromConnectData("t", null, "x"))
                .isInstanceOf(DataException.class).hasMessageContaining("needs a schema");
    }

    @Test
    void missingBootstrapServersIsExplained() {
        assertThatThrownBy(() -> new Pg2tsConverter().configure(Map.of(), false))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("value.converter.bootstrap.servers");
    }

    @Test
    void kafkaPrefixedSettingsReachTheClients() {
        Pg2tsConverterConfig config = new Pg2tsConverterConfig(Map.of("bootstrap.servers", "a:1,b:2",
                "kafka.security.protocol", "SSL", "schemas.topic", "s"));
        assertThat(config.clientProps()).containsEntry("bootstrap.servers", "a:1,b:2")
                .containsEntry("security.protocol", "SSL").doesNotContainKey("schemas.topic");
        assertThat(config.schemasTopic()).isEqualTo("s");
    }

    @Test
    void everyConfigConstantIsDefined() throws IllegalAccessException {
        for (java.lang.reflect.Field f : Pg2tsConverterConfig.class.getDeclaredFields()) {
            if (f.getName().endsWith("_CONFIG") && java.lang.reflect.Modifier.isPublic(f.getModifiers())) {
                assertThat(Pg2tsConverterConfig.CONFIG_DEF.names()).contains((String) f.get(null));
            }
        }
    }

    @Test
    void reportsTheBuildVersion() {
        assertThat(new Pg2tsConverter().version()).isNotEqualTo("unknown").doesNotContain("${");
    }

    static long schemaId(byte[] wire) {
        return ByteBuffer.wrap(wire, 2, 8).getLong();
    }
}
