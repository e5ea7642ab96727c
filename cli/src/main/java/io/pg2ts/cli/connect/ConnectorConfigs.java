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

    /** A sink connector config pointed at this database. */
    public static Map<String, String> withTarget(Map<String, String> config, PostgresEndpoint target) {
        Map<String, String> result = new LinkedHashMap<>(config);
        result.put("connection.url", target.jdbcUrl());
        result.put("connection.user", target.user());
        result.put("connection.password", target.password());
        return result;
    }
}
