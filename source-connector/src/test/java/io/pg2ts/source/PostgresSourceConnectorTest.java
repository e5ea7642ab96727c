package io.pg2ts.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.debezium.connector.postgresql.PostgresConnectorTask;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.apache.kafka.connect.source.SourceConnector;
import org.junit.jupiter.api.Test;

class PostgresSourceConnectorTest {

    @Test
    void runsExactlyOneDebeziumTaskWhateverTasksMaxSays() {
        PostgresSourceConnector connector = new PostgresSourceConnector();
        connector.start(TestConfigs.minimal());

        List<Map<String, String>> configs = connector.taskConfigs(8);

        assertThat(connector.taskClass()).isEqualTo(PostgresSourceTask.class);
        assertThat(PostgresConnectorTask.class).isAssignableFrom(connector.taskClass());
        assertThat(configs).hasSize(1);
        assertThat(configs.get(0)).containsEntry("plugin.name", "pgoutput")
                .containsEntry("slot.name", "pg2ts_orders_migration")
                .containsEntry("extended.headers.enabled", "false")
                .containsEntry(PostgresSourceTask.MAX_UNACKNOWLEDGED_PROPERTY, "10000");
        connector.stop();
    }

    @Test
    void configIsOurs() {
        assertThat(new PostgresSourceConnector().config()).isSameAs(PostgresSourceConfig.CONFIG_DEF);
    }

    @Test
    void exactlyOnceIsDebeziums() {
        assertThat(new PostgresSourceConnector().exactlyOnceSupport(TestConfigs.minimal()))
                .isEqualTo(ExactlyOnceSupport.SUPPORTED);
    }

    @Test
    void versionIsTheBuildVersion() {
        assertThat(new PostgresSourceConnector().version()).matches("\\d+\\.\\d+\\.\\d+.*");
    }

    @Test
    void isRegisteredAsASourceConnector() {
        assertThat(ServiceLoader.load(SourceConnector.class).stream().map(ServiceLoader.Provider::type))
                .contains(PostgresSourceConnector.class);
    }

    @Test
    void invalidOptionsAreReportedWithoutContactingTheDatabase() {
        Map<String, String> props = TestConfigs.minimal();
        props.remove("database.user");
        props.put("database.port", "99999");
        props.put("snapshot.mode", "never");

        Map<String, ConfigValue> values = TestValidation.byName(new PostgresSourceConnector().validate(props));

        assertThat(values.get("database.user").errorMessages()).singleElement().asString().contains("database.user");
        assertThat(values.get("database.port").errorMessages()).singleElement().asString().contains("65535");
        assertThat(values.get("snapshot.mode").errorMessages()).singleElement().asString().contains("never");
        // db.example.com is never resolved: no message about connecting.
        assertThat(values.get("database.hostname").errorMessages()).isEmpty();
    }

    @Test
    void badPassThroughValueIsReportedUnderItsFullName() {
        Map<String, String> props = TestConfigs.minimal();
        props.put("debezium.snapshot.mode", "bogus");

        Map<String, ConfigValue> values = TestValidation.byName(new PostgresSourceConnector().validate(props));

        assertThat(values.get("debezium.snapshot.mode").errorMessages()).singleElement().asString()
                .contains("snapshot.mode");
        assertThat(values.get("database.hostname").errorMessages()).isEmpty();
    }

    @Test
    void withoutConnectorNameSlotAndPublicationMustBeSet() {
        Map<String, String> props = TestConfigs.minimal();
        props.remove("name");

        Map<String, ConfigValue> values = TestValidation.byName(new PostgresSourceConnector().validate(props));

        assertThat(values.get("slot.name").errorMessages()).singleElement().asString().contains("connector's name");
        assertThat(values.get("publication.name").errorMessages()).singleElement().asString()
                .contains("connector's name");
        assertThat(values.get("database.hostname").errorMessages()).isEmpty();
    }
}
