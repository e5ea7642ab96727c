package io.pg2ts.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pg2ts.common.TableId;
import io.pg2ts.source.PostgresSourceConfig.SnapshotMode;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class PostgresSourceConfigTest {

    @Test
    void requiredOptionsAloneGiveMigrationDefaults() {
        PostgresSourceConfig config = new PostgresSourceConfig(TestConfigs.minimal());

        assertThat(config.hostname()).isEqualTo("db.example.com");
        assertThat(config.port()).isEqualTo(5432);
        assertThat(config.user()).isEqualTo("migrator");
        assertThat(config.password().value()).isEmpty();
        assertThat(config.dbname()).isEqualTo("shop");
        assertThat(config.sslMode()).isEqualTo("prefer");
        assertThat(config.topicPrefix()).isEqualTo("shop");
        assertThat(config.tableIncludeList()).isEmpty();
        assertThat(config.slotName()).isEqualTo("pg2ts_orders_migration");
        assertThat(config.publicationName()).isEqualTo("pg2ts_orders_migration");
        assertThat(config.snapshotMode()).isEqualTo(SnapshotMode.INITIAL);
        assertThat(config.heartbeatInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.snapshotMaxThreads()).isEqualTo(1);
        assertThat(config.slotDropOnStop()).isFalse();
        assertThat(config.passThrough()).isEmpty();
    }

    @Test
    void derivedNameIsLowerCaseWithOnlyLettersDigitsAndUnderscores() {
        assertThat(PostgresSourceConfig.derivedName("Shop-DB.prod 2")).isEqualTo("pg2ts_shop_db_prod_2");
        assertThat(PostgresSourceConfig.derivedName("Résumé")).isEqualTo("pg2ts_r_sum_");
        assertThat(PostgresSourceConfig.derivedName("a😀b")).isEqualTo("pg2ts_a_b");
    }

    @Test
    void derivedNameIsCutTo63Bytes() {
        String name = PostgresSourceConfig.derivedName("x".repeat(100));

        assertThat(name).hasSize(63).startsWith("pg2ts_xxx");
    }

    @Test
    void explicitSlotAndPublicationNamesWin() {
        Map<String, String> props = TestConfigs.minimal();
        props.put("slot.name", "my_slot");
        props.put("publication.name", "my_pub");

        PostgresSourceConfig config = new PostgresSourceConfig(props);

        assertThat(config.slotName()).isEqualTo("my_slot");
        assertThat(config.publicationName()).isEqualTo("my_pub");
    }

    @Test
    void emptySlotNameMeansDerived() {
        Map<String, String> props = TestConfigs.minimal();
        props.put("slot.name", "");

        assertThat(new PostgresSourceConfig(props).slotName()).isEqualTo("pg2ts_orders_migration");
    }

    @Test
    void slotNameWithUpperCaseOrDashIsRejected() {
        for (String bad : List.of("MySlot", "my-slot", "s".repeat(64))) {
            Map<String, String> props = TestConfigs.minimal();
            props.put("slot.name", bad);

            assertThatThrownBy(() -> new PostgresSourceConfig(props))
                    .isInstanceOf(ConfigException.class).hasMessageContaining("slot.name");
        }
    }

    @Test
    void publicationNameStartingWithDigitIsRejected() {
        Map<String, String> props = TestConfigs.minimal();
        props.put("publication.name", "1pub");

        assertThatThrownBy(() -> new PostgresSourceConfig(props))
                .isInstanceOf(ConfigException.class).hasMessageContaining("publication.name");
    }

    @Test
    void withoutConnectorNameTheSlotMustBeNamed() {
        Map<String, String> props = TestConfigs.minimal();
        props.remove("name");

        assertThatThrownBy(() -> new PostgresSourceConfig(props))
                .isInstanceOf(ConfigException.class).hasMessageContaining("slot.name");

        props.put("slot.name", "s1");
        props.put("publication.name", "p1");
        assertThat(new PostgresSourceConfig(props).connectorName()).isNull();
    }

    @Test
    void tableListAcceptsSchemaQualifiedQuotedAndBareNames() {
        Map<String, String> props = TestConfigs.minimal();
        props.put("table.include.list", "sales.orders, \"My.Schema\".\"Line Items\",customers, sales.orders");

        assertThat(new PostgresSourceConfig(props).tableIncludeList()).containsExactly(
                new TableId("sales", "orders"), new TableId("My.Schema", "Line Items"),
                new TableId("public", "customers"));
    }

    @Test
    void valuesOutsideTheirRangeAreRejected() {
        for (Map.Entry<String, String> bad : List.of(Map.entry("database.port", "0"),
                Map.entry("database.port", "65536"), Map.entry("database.sslmode", "required"),
                Map.entry("snapshot.mode", "never"), Map.entry("snapshot.max.threads", "0"),
                Map.entry("heartbeat.interval.ms", "-1"), Map.entry("topic.prefix", "shop/prod"),
                Map.entry("table.include.list", "sales."))) {
            Map<String, String> props = TestConfigs.minimal();
            props.put(bad.getKey(), bad.getValue());

            assertThatThrownBy(() -> new PostgresSourceConfig(props))
                    .as(bad.toString()).isInstanceOf(ConfigException.class).hasMessageContaining(bad.getKey());
        }
    }

    @Test
    void missingRequiredOptionIsRejected() {
        Map<String, String> props = TestConfigs.minimal();
        props.remove("database.hostname");

        assertThatThrownBy(() -> new PostgresSourceConfig(props))
                .isInstanceOf(ConfigException.class).hasMessageContaining("database.hostname");
    }

    @Test
    void debeziumPrefixedPropertiesArePassedWithoutPrefix() {
        Map<String, String> props = TestConfigs.minimal();
        props.put("debezium.max.batch.size", "4096");
        props.put("debezium.", "ignored");
        props.put("key.converter", "org.apache.kafka.connect.json.JsonConverter");

        assertThat(new PostgresSourceConfig(props).passThrough()).containsExactly(Map.entry("max.batch.size", "4096"));
    }

    @Test
    void everyConfigConstantIsDefined() throws IllegalAccessException {
        List<Field> constants = Arrays.stream(PostgresSourceConfig.class.getDeclaredFields())
                .filter(f -> Modifier.isPublic(f.getModifiers()) && Modifier.isStatic(f.getModifiers()) && f.getName().endsWith("_CONFIG"))
                .toList();

        assertThat(constants).hasSizeGreaterThanOrEqualTo(14);
        for (Field constant : constants) {
            String key = (String) constant.get(null);
            assertThat(PostgresSourceConfig.CONFIG_DEF.configKeys()).as(constant.getName()).containsKey(key);
            assertThat(PostgresSourceConfig.CONFIG_DEF.configKeys().get(key).documentation)
                    .as(constant.getName()).isNotBlank();
        }
    }

    @Test
    void passwordNeverAppearsInToString() {
        Map<String, String> props = TestConfigs.minimal();
        props.put("database.password", "s3cret-pw");

        PostgresSourceConfig config = new PostgresSourceConfig(props);

        assertThat(config.password().value()).isEqualTo("s3cret-pw");
        assertThat(config.password().toString()).doesNotContain("s3cret-pw");
    }
}
