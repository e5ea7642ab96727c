package io.pg2ts.sink;

import io.pg2ts.common.HypertableSpec;
import io.pg2ts.sink.schema.TargetTables;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pg2ts TimescaleDB sink: applies Debezium change events, from pg2ts's source connector or
 * from a stock Debezium PostgreSQL connector, to TimescaleDB or PostgreSQL.
 */
public final class TimescaleSinkConnector extends SinkConnector {

    private static final Logger log = LoggerFactory.getLogger(TimescaleSinkConnector.class);

    private Map<String, String> props;

    @Override
    public String version() {
        return Version.VERSION;
    }

    @Override
    public void start(Map<String, String> props) {
        TimescaleSinkConfig config = new TimescaleSinkConfig(props);
        this.props = Map.copyOf(props);
        log.info("Started pg2ts sink connector {} for {}", props.getOrDefault("name", ""),
                TargetConnection.hostAndPort(config.connectionUrl()));
    }

    @Override
    public Class<? extends Task> taskClass() {
        return TimescaleSinkTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<Map<String, String>> configs = new ArrayList<>(maxTasks);
        for (int i = 0; i < maxTasks; i++) {
            Map<String, String> config = new HashMap<>(props);
            config.put(TimescaleSinkConfig.TASK_ID_PROPERTY, Integer.toString(i));
            configs.add(config);
        }
        return configs;
    }

    @Override
    public void stop() {
        log.info("Stopped pg2ts sink connector");
    }

    @Override
    public ConfigDef config() {
        return TimescaleSinkConfig.CONFIG_DEF;
    }

    /** Checks the options, then, only when they are valid, that the target accepts a connection. */
    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        Config result = super.validate(connectorConfigs);
        HypertableSpec.Parsed hypertables = HypertableSpec.parse(connectorConfigs);
        ConfigValue hypertablesValue = result.configValues().stream()
                .filter(v -> v.name().equals(TimescaleSinkConfig.HYPERTABLES_CONFIG)).findFirst().orElseThrow();
        hypertables.problems().forEach(hypertablesValue::addErrorMessage);
        boolean valid = result.configValues().stream().allMatch(v -> v.errorMessages().isEmpty());
        if (!valid) {
            return result;
        }
        TimescaleSinkConfig config = new TimescaleSinkConfig(connectorConfigs);
        try (Connection c = TargetConnection.open(config.connectionUrl(), config.connectionUser(),
                config.connectionPassword().value(), "pg2ts-sink")) {
            log.debug("Validation connected to {}", TargetConnection.hostAndPort(config.connectionUrl()));
            if ((!config.hypertables().isEmpty() || config.hypertablesAuto()) && !TargetTables.hasTimescale(c)) {
                String option = config.hypertables().isEmpty() ? TimescaleSinkConfig.HYPERTABLES_AUTO_CONFIG
                        : TimescaleSinkConfig.HYPERTABLES_CONFIG;
                result.configValues().stream().filter(v -> v.name().equals(option)).findFirst().orElseThrow()
                        .addErrorMessage("The target database has no timescaledb extension, which " + option
                                + " needs: CREATE EXTENSION timescaledb there (TimescaleDB installed on the server), or "
                                + "leave hypertables empty and hypertables.auto false for plain tables");
            }
        } catch (SQLException e) {
            TargetConnection.Problem problem = TargetConnection.problem(e, config.connectionUrl(), config.connectionUser());
            for (ConfigValue value : result.configValues()) {
                if (problem.options().contains(value.name())) {
                    value.addErrorMessage(problem.message());
                }
            }
        } catch (RuntimeException e) {
            for (ConfigValue value : result.configValues()) {
                if (value.name().equals(TimescaleSinkConfig.CONNECTION_URL_CONFIG)) {
                    value.addErrorMessage("Could not connect to the target: " + e.getClass().getName());
                }
            }
        }
        return result;
    }
}
