package io.pg2ts.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.pg2ts.sink.testing.TargetDatabase;
import io.pg2ts.testsupport.LocalPostgres;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.sink.SinkConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TimescaleSinkConnectorTest {

    @RegisterExtension
    static final TargetDatabase target = new TargetDatabase();

    private static Map<String, String> props(String url) {
        Map<String, String> props = new HashMap<>();
        props.put("name", "sink");
        props.put("topics", "a,b");
        props.put(TimescaleSinkConfig.CONNECTION_URL_CONFIG, url);
        props.put(TimescaleSinkConfig.CONNECTION_USER_CONFIG, LocalPostgres.USER);
        return props;
    }

    private static List<String> errors(Config config, String name) {
        return config.configValues().stream().filter(v -> v.name().equals(name)).findFirst()
                .map(ConfigValue::errorMessages).orElseThrow();
    }

    private static boolean clean(Config config) {
        return config.configValues().stream().allMatch(v -> v.errorMessages().isEmpty());
    }

    @Test
    void validConfigurationWithReachableTargetValidatesClean() {
        assertThat(clean(new TimescaleSinkConnector().validate(props(target.jdbcUrl())))).isTrue();
    }

    @Test
    void unreachableTargetIsReportedOnTheUrlWithHostAndPort() {
        Config config = new TimescaleSinkConnector().validate(props("jdbc:postgresql://127.0.0.1:1/postgres"));

        assertThat(errors(config, TimescaleSinkConfig.CONNECTION_URL_CONFIG))
                .singleElement().asString().contains("127.0.0.1:1").contains("host and port");
        assertThat(errors(config, TimescaleSinkConfig.CONNECTION_USER_CONFIG)).isEmpty();
    }

    @Test
    void missingDatabaseIsReportedOnTheUrl() {
        Config config = new TimescaleSinkConnector().validate(props(target.jdbcUrl("no_such_database")));

        assertThat(errors(config, TimescaleSinkConfig.CONNECTION_URL_CONFIG)).singleElement().asString().contains("does not exist");
    }

    @Test
    void invalidOptionsAreReportedWithoutTryingToConnect() {
        Map<String, String> props = props("jdbc:postgresql://127.0.0.1:1/postgres");
        props.put(TimescaleSinkConfig.MAX_RETRIES_CONFIG, "-3");

        Config config = new TimescaleSinkConnector().validate(props);

        assertThat(errors(config, TimescaleSinkConfig.MAX_RETRIES_CONFIG)).isNotEmpty();
        assertThat(errors(config, TimescaleSinkConfig.CONNECTION_URL_CONFIG)).isEmpty();
    }

    @Test
    void everyTaskGetsACopyOfTheConfigurationWithItsNumber() {
        TimescaleSinkConnector connector = new TimescaleSinkConnector();
        Map<String, String> props = props(target.jdbcUrl());
        connector.start(props);

        List<Map<String, String>> configs = connector.taskConfigs(3);
        assertThat(configs).hasSize(3);
        for (int i = 0; i < 3; i++) {
            Map<String, String> expected = new HashMap<>(props);
            expected.put("pg2ts.task.id", Integer.toString(i));
            assertThat(configs.get(i)).isEqualTo(expected);
            assertThat(new TimescaleSinkConfig(configs.get(i)).taskId()).isEqualTo(Integer.toString(i));
        }
        assertThat(connector.taskClass()).isEqualTo(TimescaleSinkTask.class);
    }

    @Test
    void versionComesFromTheBuild() {
        assertThat(new TimescaleSinkConnector().version()).isNotBlank().isNotEqualTo("unknown").doesNotContain("${");
    }

    @Test
    void connectFindsTheConnectorThroughServiceLoader() {
        assertThat(ServiceLoader.load(SinkConnector.class).stream().map(ServiceLoader.Provider::type))
                .contains(TimescaleSinkConnector.class);
    }
}
