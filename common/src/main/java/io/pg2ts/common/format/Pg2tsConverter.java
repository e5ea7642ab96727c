package io.pg2ts.common.format;

import io.pg2ts.common.BuildVersion;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.components.Versioned;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.storage.Converter;

/**
 * pg2ts's compact record format: the schema travels once, in a compacted schemas topic, and each
 * record carries only an 8-byte schema id and a binary body.
 *
 * <pre>
 * 0x50 'P' | 0x01 version | 8-byte schema id, big-endian | body ({@link CompactCodec})
 * </pre>
 *
 * The schema id is the first 8 bytes of the SHA-256 of the schema's JSON as Kafka's
 * {@code JsonConverter} writes it. A null value (tombstone) is null bytes.
 *
 * <pre>
 * value.converter=io.pg2ts.common.format.Pg2tsConverter
 * value.converter.bootstrap.servers=broker:9092
 * value.converter.schemas.topic=_pg2ts_schemas          (optional)
 * value.converter.kafka.security.protocol=SASL_SSL       (optional, any client setting under kafka.)
 * </pre>
 */
public class Pg2tsConverter implements Converter, Versioned {

    static final byte MAGIC = 0x50;
    static final byte VERSION = 1;
    private static final int HEADER_BYTES = 10;
    private static final String VERSION_STRING = BuildVersion.of(Pg2tsConverter.class);
    /**
     * A source or transform that builds a new schema object per record would otherwise grow the
     * identity map without bound (and copy it per record); past this size lookups go by equality.
     */
    private static final int MAX_IDENTITY_ENTRIES = 1000;

    /** Where schemas are published and looked up; a Kafka topic, or memory in unit tests. */
    interface Schemas extends AutoCloseable {
        String topic();

        void publish(long id, String schemaJson);

        void readAll(BiConsumer<String, String> sink);

        @Override
        void close();
    }

    private Schemas schemas;
    private final SchemaJson schemaJson = new SchemaJson();
    /** Written schemas by object identity: Connect sources reuse schema objects, so this is one lookup. */
    private volatile Map<Schema, Long> idsByIdentity = new IdentityHashMap<>();
    /** Fallback for new schema objects equal to one already published by this instance. */
    private final Map<Schema, Long> idsByEquality = new ConcurrentHashMap<>();
    private final Map<Long, Schema> schemasById = new ConcurrentHashMap<>();
    // One growing buffer per thread that serializes, instead of a new one per record.
    private final ThreadLocal<CompactCodec.Output> output = ThreadLocal.withInitial(() -> new CompactCodec.Output(512));

    public Pg2tsConverter() {
    }

    // visible for testing
    Pg2tsConverter(Schemas schemas) {
        this.schemas = schemas;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        schemas = new SchemaStore(new Pg2tsConverterConfig(configs));
    }

    @Override
    public ConfigDef config() {
        return Pg2tsConverterConfig.CONFIG_DEF;
    }

    @Override
    public String version() {
        return VERSION_STRING;
    }


    @Override
    public byte[] fromConnectData(String topic, Schema schema, Object value) {
        if (value == null) {
            return null;
        }
        if (schema == null) {
            throw new DataException("Pg2tsConverter needs a schema, but the record for topic " + topic
                    + " has none (schemaless data: use JsonConverter with schemas.enable=false)");
        }
        long id = idOf(schema);
        CompactCodec.Output out = output.get();
        out.reset();
        out.writeByte(MAGIC);
        out.writeByte(VERSION);
        out.writeLongBe(id);
        CompactCodec.write(out, schema, value, schema.name() == null ? "<value>" : schema.name());
        return out.toByteArray();
    }

    private long idOf(Schema schema) {
        Long id = idsByIdentity.get(schema);
        if (id != null) {
            return id;
        }
        id = idsByEquality.get(schema);
        if (id == null) {
            id = publish(schema);
        }
        remember(schema, id);
        return id;
    }

    private synchronized long publish(Schema schema) {
        Long known = idsByEquality.get(schema);
        if (known != null) {
            return known;
        }
        String json = schemaJson.toJson(schema);
        long id = SchemaJson.id(json);
        // Synchronously: once a record with this id exists anywhere, its schema must be findable.
        schemas.publish(id, json);
        idsByEquality.put(schema, id);
        schemasById.putIfAbsent(id, schema);
        return id;
    }

    private synchronized void remember(Schema schema, long id) {
        if (idsByIdentity.size() >= MAX_IDENTITY_ENTRIES) {
            return;
        }
        // Copy on write: readers use the published map without locking, and new schemas are rare.
        Map<Schema, Long> copy = new IdentityHashMap<>(idsByIdentity);
        copy.put(schema, id);
        idsByIdentity = copy;
    }

    @Override
    public SchemaAndValue toConnectData(String topic, byte[] value) {
        if (value == null) {
            return SchemaAndValue.NULL;
        }
        if (value.length < HEADER_BYTES || value[0] != MAGIC) {
            throw new DataException("Record in topic " + topic + " is not in the pg2ts format (" + value.length
                    + " bytes" + (value.length > 0 ? ", first byte 0x" + Integer.toHexString(value[0] & 0xFF) : "")
                    + "; expected magic byte 0x50): was it written by Pg2tsConverter?");
        }
        if (value[1] != VERSION) {
            throw new DataException("Record in topic " + topic + " has pg2ts format version " + value[1]
                    + ", this converter reads version " + VERSION);
        }
        CompactCodec.Input in = new CompactCodec.Input(value, 2);
        long id = in.readLongBe();
        Schema schema = schemaFor(topic, id);
        Object data;
        try {
            data = CompactCodec.read(in, schema);
        } catch (DataException e) {
            throw new DataException("Record in topic " + topic + " (schema " + SchemaJson.hex(id) + "): "
                    + e.getMessage(), e);
        }
        if (!in.atEnd()) {
            throw new DataException("Malformed pg2ts record in topic " + topic + ": " + (value.length - in.position())
                    + " bytes left after the value of schema " + SchemaJson.hex(id));
        }
        return new SchemaAndValue(schema, data);
    }

    private Schema schemaFor(String topic, long id) {
        Schema schema = schemasById.get(id);
        if (schema != null) {
            return schema;
        }
        synchronized (this) {
            schema = schemasById.get(id);
            if (schema == null) {
                schemas.readAll((key, json) -> {
                    long readId = Long.parseUnsignedLong(key, 16);
                    if (!schemasById.containsKey(readId)) {
                        schemasById.put(readId, schemaJson.fromJson(json));
                    }
                });
                schema = schemasById.get(id);
            }
        }
        if (schema == null) {
            throw new DataException("Unknown schema id " + SchemaJson.hex(id) + " in a record of topic " + topic
                    + ": not in schemas topic " + schemas.topic()
                    + " (was the record written by a pg2ts converter with the same schemas.topic?)");
        }
        return schema;
    }

    @Override
    public void close() {
        if (schemas != null) {
            schemas.close();
        }
    }
}
