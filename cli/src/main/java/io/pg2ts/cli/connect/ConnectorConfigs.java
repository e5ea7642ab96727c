package io.pg2ts.cli.connect;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Connector configurations as a user PUTs them to {@code /connectors/<name>/config}: loaded from
 * the JSON files in {@code config-examples/}, with only where the databases are and who logs in
 * replaced, so an example that drifts from the code breaks whatever runs it.
 */
public final class ConnectorConfigs {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ConnectorConfigs() {
    }

    public static Map<String, String> load(Path file) throws IOException {
        return new LinkedHashMap<>(JSON.readValue(file.toFile(), new TypeReference<LinkedHashMap<String, String>>() { }));
    }

    /** A source connector config pointed at this database. */
    public static Map<String, String> withSource(Map<String, String> config, PostgresEndpoint source) {
        Map<String, String> result = new LinkedHashMap<>(config);
        result.put("database.hostname", source.host());
        result.put("database.port", Integer.toString(source.port()));
        result.put("database.dbname", source.database());
        result.put("database.user", source.user());
        result.put("database.password", source.password());
        return result;
    }

    /**
     * The config with every converter's {@code bootstrap.servers} (the pg2ts converter keeps its
     * schemas in a topic, and Connect passes a converter only its own prefixed settings) pointed at
     * these brokers. A config without such a setting comes back unchanged.
     */
    public static Map<String, String> withKafka(Map<String, String> config, String bootstrapServers) {
        Map<String, String> result = new LinkedHashMap<>(config);
        result.replaceAll((key, value) -> needsKafka(key) ? bootstrapServers : value);
        return result;
    }

    /** Whether the config has a converter that needs the Kafka brokers' addresses. */
    public static boolean needsKafka(Map<String, String> config) {
        return config.keySet().stream().anyMatch(ConnectorConfigs::needsKafka);
    }

    private static boolean needsKafka(String key) {
        return key.endsWith(".converter.bootstrap.servers");
    }

    /** A sink connector config pointed at this database. */
    public static Map<String, String> withTarget(Map<String, String> config, PostgresEndpoint target) {
        Map<String, String> result = new LinkedHashMap<>(config);
        result.put("connection.url", target.jdbcUrl());
        result.put("connection.user", target.user());
        result.put("connection.password", target.password());
        return result;
    }
}
