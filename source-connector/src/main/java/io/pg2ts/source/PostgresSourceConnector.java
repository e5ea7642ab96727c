package io.pg2ts.source;

import io.debezium.config.Configuration;
import io.debezium.connector.postgresql.PostgresConnector;
import io.debezium.connector.postgresql.PostgresConnectorConfig;
import io.pg2ts.common.BuildVersion;
import io.pg2ts.common.TableId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.ConnectorTransactionBoundaries;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.apache.kafka.connect.source.SourceConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pg2ts source: snapshots the tables of one PostgreSQL database and streams their changes
 * from a pgoutput replication slot into one topic per table ({@code <topic.prefix>.<schema>.<table>}),
 * as Debezium change events. Debezium's PostgreSQL connector does the capture; this class gives it
 * migration defaults ({@link PostgresSourceConfig}, {@link DebeziumConfig}) and checks the source
 * before anything starts ({@link #validate(Map)}).
 *
 * <p>Always one task: a replication slot is one ordered stream.
 */
public final class PostgresSourceConnector extends SourceConnector {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresSourceConnector.class);
    private static final String VERSION = BuildVersion.of(PostgresSourceConnector.class);

    private final PostgresConnector debezium = new PostgresConnector();
    private int maxUnacknowledgedRecords = PostgresSourceConfig.MAX_UNACKNOWLEDGED_RECORDS_DEFAULT;
    private String tableIncludeList = "";

    @Override
    public String version() {
        return VERSION;
    }

    @Override
    public void start(Map<String, String> props) {
        PostgresSourceConfig config = new PostgresSourceConfig(props);
        Map<String, String> debeziumProps = DebeziumConfig.taskProperties(config);
        debezium.start(debeziumProps);
        maxUnacknowledgedRecords = config.maxUnacknowledgedRecords();
        tableIncludeList = String.join(",", config.tableIncludeList().stream().map(TableId::quoted).toList());
        LOG.info("pg2ts source {}: database {} on {}:{}, slot {}, publication {}, {}, snapshot mode {}",
                config.connectorName(), config.dbname(), config.hostname(), config.port(), config.slotName(),
                config.publicationName(), config.tableIncludeList().isEmpty() ? "all user tables"
                        : config.tableIncludeList().size() + " tables", config.snapshotMode().value());
        if (!config.passThrough().isEmpty()) {
            // Names only: a pass-through value may be a secret.
            LOG.info("pg2ts source {}: Debezium properties set with the debezium. prefix: {}",
                    config.connectorName(), config.passThrough().keySet());
        }
    }

    @Override
    public Class<? extends Task> taskClass() {
        return PostgresSourceTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<Map<String, String>> configs = new ArrayList<>();
        for (Map<String, String> debeziumConfig : debezium.taskConfigs(1)) {
            Map<String, String> config = new LinkedHashMap<>(debeziumConfig);
            config.put(PostgresSourceTask.MAX_UNACKNOWLEDGED_PROPERTY, Integer.toString(maxUnacknowledgedRecords));
            config.put(PostgresSourceTask.TABLE_INCLUDE_PROPERTY, tableIncludeList);
            configs.add(config);
        }
        return configs;
    }

    @Override
    public void stop() {
        debezium.stop();
    }

    @Override
    public ConfigDef config() {
        return PostgresSourceConfig.CONFIG_DEF;
    }

    @Override
    public ExactlyOnceSupport exactlyOnceSupport(Map<String, String> connectorConfig) {
        return debezium.exactlyOnceSupport(connectorConfig);
    }

    @Override
    public ConnectorTransactionBoundaries canDefineTransactionBoundaries(Map<String, String> connectorConfig) {
        return debezium.canDefineTransactionBoundaries(connectorConfig);
    }

    /**
     * Validates the options, then, only when they are valid, the live source database. Every
     * problem is an error message on the option to change; this method does not throw.
     */
    @Override
    public Config validate(Map<String, String> props) {
        List<ConfigValue> values = new ArrayList<>(PostgresSourceConfig.CONFIG_DEF.validate(props));
        Map<String, ConfigValue> byName = new LinkedHashMap<>();
        values.forEach(v -> byName.put(v.name(), v));
        try {
            if (!hasErrors(values)) {
                requireNamesOrConnectorName(props, byName);
            }
            PostgresSourceConfig config = hasErrors(values) ? null : new PostgresSourceConfig(props);
            if (config != null) {
                checkWithDebezium(config, values, byName);
            }
            if (config != null && !hasErrors(values)) {
                SourceDatabaseCheck.run(config, byName);
            }
        } catch (RuntimeException e) {
            byName.get(PostgresSourceConfig.HOSTNAME_CONFIG).addErrorMessage("Could not validate: " + e.getMessage());
        }
        return new Config(values);
    }

    private static void requireNamesOrConnectorName(Map<String, String> props, Map<String, ConfigValue> byName) {
        String name = props.get(PostgresSourceConfig.CONNECTOR_NAME_PROPERTY);
        if (name != null && !name.isBlank()) {
            return;
        }
        for (String key : Set.of(PostgresSourceConfig.SLOT_NAME_CONFIG, PostgresSourceConfig.PUBLICATION_NAME_CONFIG)) {
            String value = props.get(key);
            if (value == null || value.isEmpty()) {
                byName.get(key).addErrorMessage("Set " + key
                        + ": its default is derived from the connector's name, and this configuration has none.");
            }
        }
    }

    /**
     * Debezium's own validation of what we hand it, which catches bad {@code debezium.*} values.
     * An error on a pass-through property is reported under its full name, as Connect shows values
     * of undefined keys too.
     */
    private static void checkWithDebezium(PostgresSourceConfig config, List<ConfigValue> values,
            Map<String, ConfigValue> byName) {
        Map<String, ConfigValue> results = Configuration.from(DebeziumConfig.taskProperties(config))
                .validate(PostgresConnectorConfig.ALL_FIELDS);
        results.values().stream().filter(r -> !r.errorMessages().isEmpty()).forEach(result -> {
            String key = config.passThrough().containsKey(result.name())
                    ? PostgresSourceConfig.DEBEZIUM_PREFIX + result.name()
                    : result.name();
            ConfigValue value = byName.computeIfAbsent(key, k -> {
                // No value: Connect would echo it, and a pass-through value may be a secret.
                ConfigValue added = new ConfigValue(k);
                values.add(added);
                return added;
            });
            result.errorMessages().forEach(m -> value.addErrorMessage("Debezium rejects " + result.name() + ": " + m));
        });
    }

    private static boolean hasErrors(List<ConfigValue> values) {
        return values.stream().anyMatch(v -> !v.errorMessages().isEmpty());
    }

}
