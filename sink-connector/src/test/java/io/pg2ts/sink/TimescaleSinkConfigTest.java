package io.pg2ts.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import io.pg2ts.common.TableId;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TimescaleSinkConfigTest {

    private static Map<String, String> minimal() {
        Map<String, String> props = new HashMap<>();
        props.put(TimescaleSinkConfig.CONNECTION_URL_CONFIG, "jdbc:postgresql://db:5432/target");
        props.put(TimescaleSinkConfig.CONNECTION_USER_CONFIG, "writer");
        return props;
    }

    @Test
    void everyConfigConstantIsDefinedInTheConfigDef() throws IllegalAccessException {
        List<Field> constants = Arrays.stream(TimescaleSinkConfig.class.getDeclaredFields())
                .filter(f -> Modifier.isPublic(f.getModifiers()) && Modifier.isStatic(f.getModifiers())
                        && f.getName().endsWith("_CONFIG"))
                .toList();
        assertThat(constants).hasSizeGreaterThanOrEqualTo(13);
        for (Field constant : constants) {
            assertThat(TimescaleSinkConfig.CONFIG_DEF.names()).as(constant.getName()).contains((String) constant.get(null));
        }
    }

    @Test
    void defaultsApplyWhenOnlyUrlAndUserAreGiven() {
        TimescaleSinkConfig config = new TimescaleSinkConfig(minimal());

        assertThat(config.connectionPassword().value()).isEmpty();
        assertThat(config.tableNameFormat()).hasToString("${schema}.${table}");
        assertThat(config.autoCreate()).isTrue();
        assertThat(config.autoEvolve()).isTrue();
        assertThat(config.batchMaxRows()).isEqualTo(2_000);
        assertThat(config.batchMaxBytes()).isEqualTo(67_108_864L);
        assertThat(config.batchLinger()).isEqualTo(Duration.ofMillis(100));
        assertThat(config.applyCopy()).isTrue();
        assertThat(config.offsetsTable()).isEqualTo(new TableId("pg2ts", "sink_offsets"));
        assertThat(config.connectorName()).isNull();
        assertThat(config.taskId()).isEqualTo("0");
        assertThat(config.maxRetries()).isEqualTo(10);
        assertThat(config.retryBackoff()).isEqualTo(Duration.ofSeconds(3));
        assertThat(config.toleratesAllErrors()).isFalse();
    }

    @Test
    void urlMustBeAPostgresJdbcUrl() {
        Map<String, String> props = minimal();
        props.put(TimescaleSinkConfig.CONNECTION_URL_CONFIG, "jdbc:mysql://db/target");

        assertThatThrownBy(() -> new TimescaleSinkConfig(props))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("jdbc:postgresql://");
    }

    @Test
    void urlAndUserAreRequired() {
        assertThatThrownBy(() -> new TimescaleSinkConfig(Map.of(TimescaleSinkConfig.CONNECTION_USER_CONFIG, "u")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(TimescaleSinkConfig.CONNECTION_URL_CONFIG);
    }

    @Test
    void tableNameFormatWithUnknownPlaceholderIsRejected() {
        Map<String, String> props = minimal();
        props.put(TimescaleSinkConfig.TABLE_NAME_FORMAT_CONFIG, "${db}.${table}");

        assertThatThrownBy(() -> new TimescaleSinkConfig(props))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("${db}");
    }

    @Test
    void negativeRetriesAreRejected() {
        Map<String, String> props = minimal();
        props.put(TimescaleSinkConfig.MAX_RETRIES_CONFIG, "-1");

        assertThatThrownBy(() -> new TimescaleSinkConfig(props)).isInstanceOf(ConfigException.class);
    }

    @ParameterizedTest
    @CsvSource({"batch.max.rows, 0", "batch.max.bytes, 1023", "batch.linger.ms, -1", "offsets.schema, ''"})
    void batchingAndOffsetsOptionsOutOfRangeAreRejected(String option, String value) {
        Map<String, String> props = minimal();
        props.put(option, value);

        assertThatThrownBy(() -> new TimescaleSinkConfig(props))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(option);
    }

    @Test
    void offsetsTableLivesInTheOffsetsSchema() {
        Map<String, String> props = minimal();
        props.put(TimescaleSinkConfig.OFFSETS_SCHEMA_CONFIG, "Migration");

        assertThat(new TimescaleSinkConfig(props).offsetsTable().quoted()).isEqualTo("\"Migration\".\"sink_offsets\"");
    }

    @Test
    void connectorNameAndTaskIdComeFromWhatConnectAndTheConnectorSet() {
        Map<String, String> props = minimal();
        props.put("name", "orders-sink");
        props.put("pg2ts.task.id", "3");

        TimescaleSinkConfig config = new TimescaleSinkConfig(props);
        assertThat(config.connectorName()).isEqualTo("orders-sink");
        assertThat(config.taskId()).isEqualTo("3");
    }

    @Test
    void internalOptionsStayOutOfTheConfigDef() {
        assertThat(TimescaleSinkConfig.CONFIG_DEF.names()).doesNotContain("pg2ts.task.id", "name");
    }

    @Test
    void errorsToleranceAllIsRecognized() {
        Map<String, String> props = minimal();
        props.put("errors.tolerance", "all");

        assertThat(new TimescaleSinkConfig(props).toleratesAllErrors()).isTrue();
    }

    @Test
    void passwordIsHiddenInToString() {
        Map<String, String> props = minimal();
        props.put(TimescaleSinkConfig.CONNECTION_PASSWORD_CONFIG, "s3cret");

        TimescaleSinkConfig config = new TimescaleSinkConfig(props);
        assertThat(config.connectionPassword().toString()).doesNotContain("s3cret");
        assertThat(config.connectionPassword().value()).isEqualTo("s3cret");
    }
}
