package io.pg2ts.bench;

import io.pg2ts.cli.connect.ConnectorConfigs;
import io.pg2ts.cli.connect.PostgresEndpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The source and the sink connector of a Kafka path, as they are PUT to the worker: pg2ts's from
 * {@code config-examples/}, Debezium's as its documentation configures them for speed.
 */
record Connectors(String sourceName, String sourceClass, Map<String, String> sourceConfig, String sinkName,
        String sinkClass, Map<String, String> sinkConfig) {

    /** The topic the source writes the table's events to. */
    String topic() {
        return sourceConfig.get("topic.prefix") + ".public." + Workload.TABLE;
    }

    /** Stands for the broker's address in a config until the path knows it. */
    static final String BOOTSTRAP_SERVERS = "${bootstrap.servers}";

    /**
     * pg2ts's source and sink as the examples configure them, but with Connect's JsonConverter and
     * inline schemas for keys and values, the converter Debezium's path uses.
     */
    static Connectors pg2tsJson(Path examples, PostgresEndpoint source, PostgresEndpoint target) throws IOException {
        Connectors pg2ts = pg2ts(examples, source, target);
        for (Map<String, String> config : List.of(pg2ts.sourceConfig(), pg2ts.sinkConfig())) {
            config.keySet().removeIf(key -> key.startsWith("key.converter") || key.startsWith("value.converter"));
            for (String converter : List.of("key.converter", "value.converter")) {
                config.put(converter, "org.apache.kafka.connect.json.JsonConverter");
                config.put(converter + ".schemas.enable", "true");
            }
        }
        return pg2ts;
    }

    /**
     * pg2ts's source and sink as the examples configure them, but with Avro in Confluent's wire
     * format for keys and values ({@link AvroConverters}).
     */
    static Connectors pg2tsAvro(Path examples, PostgresEndpoint source, PostgresEndpoint target) throws IOException {
        return withAvro(pg2ts(examples, source, target));
    }

    /** Debezium's source and JDBC sink as {@link #debezium} configures them, with Avro for keys and values. */
    static Connectors debeziumAvro(PostgresEndpoint source, PostgresEndpoint target) {
        return withAvro(debezium(source, target));
    }

    private static Connectors withAvro(Connectors pair) {
        for (Map<String, String> config : List.of(pair.sourceConfig(), pair.sinkConfig())) {
            config.keySet().removeIf(key -> key.startsWith("key.converter") || key.startsWith("value.converter"));
            AvroConverters.apply(config);
        }
        return pair;
    }

    /** The configs with the broker's address in place of {@link #BOOTSTRAP_SERVERS}. */
    Connectors withBootstrapServers(String address) {
        return new Connectors(sourceName, sourceClass, replace(sourceConfig, address), sinkName, sinkClass,
                replace(sinkConfig, address));
    }

    private static Map<String, String> replace(Map<String, String> config, String address) {
        Map<String, String> result = new LinkedHashMap<>();
        config.forEach((key, value) -> result.put(key, value.replace(BOOTSTRAP_SERVERS, address)));
        return result;
    }

    /**
     * pg2ts's source and sink exactly as the examples configure them (the pg2ts converter, its
     * schemas topic on the path's broker), for one table.
     */
    static Connectors pg2ts(Path examples, PostgresEndpoint source, PostgresEndpoint target) throws IOException {
        Map<String, String> sourceConfig = ConnectorConfigs.withKafka(ConnectorConfigs.withSource(
                ConnectorConfigs.load(examples.resolve("source.json")), source), BOOTSTRAP_SERVERS);
        sourceConfig.put("table.include.list", "public." + Workload.TABLE);
        Map<String, String> sinkConfig = ConnectorConfigs.withKafka(ConnectorConfigs.withTarget(
                ConnectorConfigs.load(examples.resolve("sink.json")), target), BOOTSTRAP_SERVERS);
        return new Connectors("pg2ts-source", sourceConfig.get("connector.class"), sourceConfig,
                "pg2ts-sink", sinkConfig.get("connector.class"), sinkConfig);
    }

    /**
     * Debezium's PostgreSQL connector (pgoutput, a filtered publication and a slot of its own) and
     * Debezium's JDBC sink as its documentation tunes it for throughput: upserts keyed by the
     * record key, deletes applied, batches of 5,000 with the consumer fetching as many per poll, the
     * reduction buffer (one change per key per batch), and PostgreSQL's UNNEST batch insert.
     */
    static Connectors debezium(PostgresEndpoint source, PostgresEndpoint target) {
        String prefix = "dbz";
        Map<String, String> sourceConfig = new LinkedHashMap<>();
        sourceConfig.put("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        sourceConfig.put("tasks.max", "1");
        sourceConfig.put("database.hostname", source.host());
        sourceConfig.put("database.port", Integer.toString(source.port()));
        sourceConfig.put("database.user", source.user());
        sourceConfig.put("database.password", source.password());
        sourceConfig.put("database.dbname", source.database());
        sourceConfig.put("topic.prefix", prefix);
        sourceConfig.put("plugin.name", "pgoutput");
        sourceConfig.put("slot.name", "dbz_bench");
        sourceConfig.put("publication.name", "dbz_bench");
        sourceConfig.put("publication.autocreate.mode", "filtered");
        sourceConfig.put("table.include.list", "public." + Workload.TABLE);
        sourceConfig.put("topic.creation.default.replication.factor", "-1");
        sourceConfig.put("topic.creation.default.partitions", "-1");

        Map<String, String> sinkConfig = new LinkedHashMap<>();
        sinkConfig.put("connector.class", "io.debezium.connector.jdbc.JdbcSinkConnector");
        sinkConfig.put("tasks.max", "1");
        sinkConfig.put("topics", prefix + ".public." + Workload.TABLE);
        sinkConfig.put("connection.url", target.jdbcUrl());
        sinkConfig.put("connection.username", target.user());
        sinkConfig.put("connection.password", target.password());
        sinkConfig.put("insert.mode", "upsert");
        sinkConfig.put("primary.key.mode", "record_key");
        sinkConfig.put("delete.enabled", "true");
        sinkConfig.put("schema.evolution", "basic");
        // One topic, one table; a literal name also keeps tombstones (key only) from warnings about
        // unresolvable ${source.*} placeholders.
        sinkConfig.put("collection.name.format", Workload.TABLE);
        sinkConfig.put("batch.size", "5000");
        sinkConfig.put("consumer.override.max.poll.records", "5000");
        sinkConfig.put("use.reduction.buffer", "true");
        sinkConfig.put("dialect.postgres.unnest.insert.enabled", "true");
        return new Connectors("debezium-source", sourceConfig.get("connector.class"), sourceConfig,
                "debezium-jdbc-sink", sinkConfig.get("connector.class"), sinkConfig);
    }
}
