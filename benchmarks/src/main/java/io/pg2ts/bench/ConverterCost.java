package io.pg2ts.bench;

import io.pg2ts.testsupport.LocalKafka;
import io.pg2ts.common.format.Pg2tsConverter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.storage.Converter;

/**
 * What the Connect wire format costs per record: {@code JsonConverter} time and bytes for real
 * change events, as captured from a path's topic. Not part of the benchmark run.
 *
 * <pre>
 * capture BOOTSTRAP TOPIC DIR [SECONDS]   while a Kafka path runs: reads the topic from its start
 *                                          for up to SECONDS (default 600) and writes the first
 *                                          snapshot read, create, update and delete event (key and
 *                                          value as on the wire) to DIR, and the count and bytes of
 *                                          every record it read to DIR/sizes.txt
 * measure DIR...                           converter µs per record for each captured event, with
 *                                          the schema as captured, without the
 *                                          __debezium.source.column.* parameters, without schemas,
 *                                          and in pg2ts's compact format (Pg2tsConverter, whose
 *                                          schemas topic lives in a throw-away local Kafka)
 * </pre>
 *
 * Run it with the benchmark's class path:
 * {@code java -cp "benchmarks/target/pg2ts-benchmarks-*.jar:benchmarks/target/lib/*" io.pg2ts.bench.ConverterCost ...}
 */
public final class ConverterCost {

    private static final String SOURCE_TYPE_PARAMETER = "__debezium.source.column.";

    private ConverterCost() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length >= 4 && args[0].equals("capture")) {
            capture(args[1], args[2], Path.of(args[3]), args.length > 4 ? Integer.parseInt(args[4]) : 600);
        } else if (args.length >= 2 && args[0].equals("measure")) {
            Path kafkaDir = Files.createTempDirectory("converter-cost-kafka");
            try (LocalKafka kafka = LocalKafka.start(kafkaDir)) {
                for (int i = 1; i < args.length; i++) {
                    measure(Path.of(args[i]), kafka.bootstrapServers());
                }
            }
        } else {
            System.err.println("usage: ConverterCost capture BOOTSTRAP TOPIC DIR [SECONDS] | measure DIR...");
            System.exit(2);
        }
    }

    // ---- capture

    private static void capture(String bootstrap, String topic, Path dir, int seconds) throws IOException {
        Files.createDirectories(dir);
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        Map<String, Boolean> wanted = new LinkedHashMap<>(Map.of("r", false, "c", false, "u", false, "d", false));
        long records = 0;
        long tombstones = 0;
        long keyBytes = 0;
        long valueBytes = 0;
        Map<String, long[]> perOp = new LinkedHashMap<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            TopicPartition partition = new TopicPartition(topic, 0);
            while (System.nanoTime() < deadline && consumer.partitionsFor(topic, Duration.ofSeconds(5)).isEmpty()) {
                sleep();
            }
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofSeconds(1))) {
                    records++;
                    keyBytes += record.key() == null ? 0 : record.key().length;
                    if (record.value() == null) {
                        tombstones++;
                        continue;
                    }
                    valueBytes += record.value().length;
                    String op = op(record.value());
                    long[] counts = perOp.computeIfAbsent(op, k -> new long[2]);
                    counts[0]++;
                    counts[1] += record.value().length;
                    if (Boolean.FALSE.equals(wanted.get(op))) {
                        wanted.put(op, true);
                        Files.write(dir.resolve(op + ".key.json"), record.key());
                        Files.write(dir.resolve(op + ".value.json"), record.value());
                    }
                }
                List<String> lines = new ArrayList<>();
                lines.add("records " + records + " tombstones " + tombstones + " key-bytes " + keyBytes
                        + " value-bytes " + valueBytes);
                perOp.forEach((op, c) -> lines.add("op " + op + " records " + c[0] + " value-bytes " + c[1]
                        + " avg " + (c[1] / c[0])));
                Files.write(dir.resolve("sizes.txt"), lines);
            }
        }
    }

    private static String op(byte[] value) {
        int tail = Math.min(value.length, 400);
        String text = new String(value, value.length - tail, tail, java.nio.charset.StandardCharsets.ISO_8859_1);
        int at = text.lastIndexOf("\"op\":\"");
        return at < 0 ? "?" : text.substring(at + 6, at + 7);
    }

    private static void sleep() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // ---- measure

    private static void measure(Path dir, String bootstrapServers) throws IOException {
        JsonConverter withSchemas = converter(true);
        JsonConverter withoutSchemas = converter(false);
        Pg2tsConverter compact = new Pg2tsConverter();
        compact.configure(Map.of("bootstrap.servers", bootstrapServers), false);
        String topic = "t";
        System.out.printf("%s%n%-6s %-28s %8s %12s %12s%n", dir, "event", "variant", "bytes", "from µs", "to µs");
        for (String op : List.of("r", "c", "u", "d")) {
            Path file = dir.resolve(op + ".value.json");
            if (!Files.exists(file)) {
                continue;
            }
            byte[] wire = Files.readAllBytes(file);
            SchemaAndValue event = withSchemas.toConnectData(topic, wire);
            Schema stripped = strip(event.schema());
            Struct strippedValue = (Struct) copy(event.value(), stripped);
            byte[] strippedWire = withSchemas.fromConnectData(topic, stripped, strippedValue);
            byte[] schemalessWire = withoutSchemas.fromConnectData(topic, event.schema(), event.value());

            row(op, "schemas, as captured", withSchemas, topic, event.schema(), event.value());
            row(op, "schemas, no source types", withSchemas, topic, stripped, strippedValue);
            row(op, "schemas.enable=false", withoutSchemas, topic, event.schema(), event.value());
            row(op, "pg2ts compact", compact, topic, event.schema(), event.value());
            Pg2tsConverter freshReader = new Pg2tsConverter();
            freshReader.configure(Map.of("bootstrap.servers", bootstrapServers), false);
            byte[] compactWire = compact.fromConnectData(topic, event.schema(), event.value());
            if (!freshReader.toConnectData(topic, compactWire).value().equals(event.value())) {
                System.out.println("  (note: pg2ts compact round trip differs from the captured event)");
            }
            freshReader.close();
            if (!Arrays.equals(wire, withSchemas.fromConnectData(topic, event.schema(), event.value()))) {
                System.out.println("  (note: re-serialized event differs from the captured bytes)");
            }
            System.out.printf("  bytes: captured %d, no source types %d, schemaless %d, pg2ts compact %d%n",
                    wire.length, strippedWire.length, schemalessWire.length, compactWire.length);
        }
        compact.close();
    }

    private static void row(String op, String variant, Converter converter, String topic, Schema schema, Object value) {
        byte[] wire = converter.fromConnectData(topic, schema, value);
        double from = nanosPerOp(() -> converter.fromConnectData(topic, schema, value));
        double to = nanosPerOp(() -> converter.toConnectData(topic, wire));
        System.out.printf("%-6s %-28s %8d %12.2f %12.2f%n", op, variant, wire.length, from / 1000, to / 1000);
    }

    private static volatile Object sink;

    /** Median of 5 rounds of about 1 s each, after 2 s of warm-up. */
    private static double nanosPerOp(java.util.function.Supplier<Object> op) {
        long warmEnd = System.nanoTime() + 2_000_000_000L;
        while (System.nanoTime() < warmEnd) {
            sink = op.get();
        }
        double[] rounds = new double[5];
        for (int r = 0; r < rounds.length; r++) {
            long n = 0;
            long start = System.nanoTime();
            long end = start + 1_000_000_000L;
            long now;
            do {
                for (int i = 0; i < 100; i++) {
                    sink = op.get();
                }
                n += 100;
                now = System.nanoTime();
            } while (now < end);
            rounds[r] = (double) (now - start) / n;
        }
        Arrays.sort(rounds);
        return rounds[rounds.length / 2];
    }

    private static JsonConverter converter(boolean schemas) {
        JsonConverter converter = new JsonConverter();
        converter.configure(Map.of("schemas.enable", Boolean.toString(schemas)), false);
        return converter;
    }

    /** The schema without the source-type parameters Debezium adds under column.propagate.source.type. */
    private static Schema strip(Schema schema) {
        SchemaBuilder builder;
        switch (schema.type()) {
            case STRUCT -> {
                builder = SchemaBuilder.struct();
                for (Field field : schema.fields()) {
                    builder.field(field.name(), strip(field.schema()));
                }
            }
            case ARRAY -> builder = SchemaBuilder.array(strip(schema.valueSchema()));
            case MAP -> builder = SchemaBuilder.map(strip(schema.keySchema()), strip(schema.valueSchema()));
            default -> builder = new SchemaBuilder(schema.type());
        }
        if (schema.name() != null) {
            builder.name(schema.name());
        }
        if (schema.version() != null) {
            builder.version(schema.version());
        }
        if (schema.doc() != null) {
            builder.doc(schema.doc());
        }
        if (schema.isOptional()) {
            builder.optional();
        }
        if (schema.defaultValue() != null) {
            builder.defaultValue(schema.defaultValue());
        }
        if (schema.parameters() != null) {
            Map<String, String> kept = new LinkedHashMap<>();
            schema.parameters().forEach((k, v) -> {
                if (!k.startsWith(SOURCE_TYPE_PARAMETER)) {
                    kept.put(k, v);
                }
            });
            if (!kept.isEmpty()) {
                builder.parameters(kept);
            }
        }
        return builder.build();
    }

    private static Object copy(Object value, Schema schema) {
        if (value instanceof Struct struct) {
            Struct out = new Struct(schema);
            for (Field field : schema.fields()) {
                out.put(field.name(), copy(struct.get(field.name()), field.schema()));
            }
            return out;
        }
        return value;
    }
}
