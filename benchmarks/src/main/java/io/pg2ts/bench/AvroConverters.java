package io.pg2ts.bench;

import java.util.Map;

/**
 * Key and value converter settings for Avro in Confluent's wire format (magic byte 0, 4-byte
 * big-endian schema id, Avro binary) with no schema registry server.
 *
 * <p>Why: the benchmark compares the Connect paths with Avro as most Debezium deployments run them,
 * but no schema registry is reachable here and Confluent's AvroConverter is not on Maven Central.
 * Apicurio's {@code io.apicurio.registry.utils.converter.AvroConverter} (Maven Central, on the
 * benchmark's classpath) writes the same bytes when told to use Confluent's 4-byte id handler
 * ({@code as-confluent}) and to keep the id in the payload rather than in Kafka headers
 * ({@code headers.enabled=false}: Connect always passes headers, so the default would put the id
 * there). Ids come from {@link InMemorySchemaResolver}, a JVM-wide in-memory table, so every
 * converter of one Connect worker agrees on them and no HTTP call is made. The converter and the
 * resolver load from the worker's classpath, so a plugin directory need not contain them.
 *
 * <p>Apicurio's AvroData keeps Connect's schema names, versions, docs and parameters in the Avro
 * schema ({@code connect.meta.data=true}, its default), so Debezium's
 * {@code __debezium.source.column.type} and the like reach the sink, and Decimal keeps its scale
 * and {@code connect.decimal.precision}.
 */
public final class AvroConverters {

    /** Apicurio's Connect converter for Avro. */
    public static final String CONVERTER_CLASS = "io.apicurio.registry.utils.converter.AvroConverter";

    /** The options each converter gets, without the {@code key.converter.} or {@code value.converter.} prefix. */
    static final Map<String, String> OPTIONS = Map.of(
            // Our resolver in place of Apicurio's registry client: ids from a JVM-wide table.
            "apicurio.registry.schema-resolver", InMemorySchemaResolver.class.getName(),
            // Confluent's framing: magic byte 0 and a 4-byte id (Legacy4ByteIdHandler) ...
            "apicurio.registry.as-confluent", "true",
            // ... holding the content id, which is what a Confluent schema id is ...
            "apicurio.registry.use-id", "contentId",
            // ... in the payload, not in record headers.
            "apicurio.registry.headers.enabled", "false",
            "apicurio.registry.avro.encoding", "BINARY",
            // Connect schema names, parameters, versions and docs carried as Avro schema props.
            "connect.meta.data", "true");

    private AvroConverters() {
    }

    /**
     * Sets {@code key.converter} and {@code value.converter} of a connector's config to Apicurio's
     * AvroConverter in Confluent's wire format with the in-memory schema resolver, with their
     * {@code key.converter.*} and {@code value.converter.*} options, replacing any converter
     * settings of the same names.
     *
     * @param connectorConfig the connector's config, changed in place
     */
    public static void apply(Map<String, String> connectorConfig) {
        for (String converter : new String[] {"key.converter", "value.converter"}) {
            connectorConfig.put(converter, CONVERTER_CLASS);
            OPTIONS.forEach((option, value) -> connectorConfig.put(converter + "." + option, value));
        }
    }
}
