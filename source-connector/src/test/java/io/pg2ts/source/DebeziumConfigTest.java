package io.pg2ts.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.debezium.config.Configuration;
import io.debezium.connector.postgresql.PostgresConnectorConfig;
import io.debezium.relational.TableId;
import io.debezium.relational.Tables.TableFilter;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;

class DebeziumConfigTest {

    @Test
    void minimalConfigGivesExactlyTheseDebeziumProperties() {
        Map<String, String> props = TestConfigs.minimal();
        props.put("database.password", "pw");
        props.put("connector.class", PostgresSourceConnector.class.getName());
        props.put("tasks.max", "1");
        props.put("key.converter", "org.apache.kafka.connect.json.JsonConverter");
        props.put("transforms", "route");
        props.put("errors.tolerance", "all");

        Map<String, String> debezium = DebeziumConfig.taskProperties(new PostgresSourceConfig(props));

        assertThat(debezium).containsExactlyInAnyOrderEntriesOf(Map.ofEntries(
                Map.entry("name", "orders-migration"),
                Map.entry("connector.class", "io.debezium.connector.postgresql.PostgresConnector"),
                Map.entry("database.hostname", "db.example.com"),
                Map.entry("database.port", "5432"),
                Map.entry("database.user", "migrator"),
                Map.entry("database.password", "pw"),
                Map.entry("database.dbname", "shop"),
                Map.entry("database.sslmode", "prefer"),
                Map.entry("topic.prefix", "shop"),
                Map.entry("schema.exclude.list", "^pg_catalog$,^information_schema$,^pg_toast.*$,^pg_temp_.*$,"
                        + "^_timescaledb_.*$,^timescaledb_information$,^timescaledb_experimental$,"
                        + "^toolkit_experimental$"),
                Map.entry("slot.name", "pg2ts_orders_migration"),
                Map.entry("publication.name", "pg2ts_orders_migration"),
                Map.entry("snapshot.mode", "initial"),
                Map.entry("heartbeat.interval.ms", "10000"),
                Map.entry("snapshot.max.threads", "1"),
                Map.entry("slot.drop.on.stop", "false"),
                Map.entry("plugin.name", "pgoutput"),
                Map.entry("publication.autocreate.mode", "filtered"),
                Map.entry("column.propagate.source.type", ".*"),
                Map.entry("decimal.handling.mode", "precise"),
                Map.entry("interval.handling.mode", "string"),
                Map.entry("include.unknown.datatypes", "true"),
                Map.entry("tombstones.on.delete", "true"),
                Map.entry("poll.interval.ms", "20"),
                Map.entry("extended.headers.enabled", "false"),
                Map.entry("message.prefix.exclude.list", ".*"),
                Map.entry("converters", "pg2ts"),
                Map.entry("pg2ts.type", "io.pg2ts.source.ExactTextConverter")));
    }

    @Test
    void debeziumAcceptsTheTranslatedConfiguration() {
        Map<String, String> props = TestConfigs.minimal();
        props.put("table.include.list", "public.orders,\"Odd Schema\".\"t$1\"");
        props.put("snapshot.mode", "when_needed");

        Map<String, String> debezium = DebeziumConfig.taskProperties(new PostgresSourceConfig(props));
        Map<String, ConfigValue> results = Configuration.from(debezium).validate(PostgresConnectorConfig.ALL_FIELDS);

        assertThat(results.values()).allSatisfy(v -> assertThat(v.errorMessages()).as(v.name()).isEmpty());
    }

    @Test
    void includeListMatchesExactlyTheNamedTablesInDebeziumsFilter() {
        // Commas cannot reach table.include.list (Connect splits lists on them), so the translation is fed directly.
        Map<String, String> debezium = DebeziumConfig.taskProperties(new PostgresSourceConfig(TestConfigs.minimal()));
        debezium.remove("schema.exclude.list");
        debezium.put("table.include.list", DebeziumConfig.tableIncludeRegex(List.of(
                pg2ts("public", "orders"), pg2ts("Odd, Schema", "t$1"), pg2ts("s p", "a.b"), pg2ts("x\\E", "(y)"),
                pg2ts("trail ", "é"))));
        TableFilter filter = new PostgresConnectorConfig(Configuration.from(debezium)).getTableFilters()
                .dataCollectionFilter();

        assertThat(filter.isIncluded(table("public", "orders"))).isTrue();
        assertThat(filter.isIncluded(table("Odd, Schema", "t$1"))).isTrue();
        assertThat(filter.isIncluded(table("s p", "a.b"))).isTrue();
        assertThat(filter.isIncluded(table("x\\E", "(y)"))).isTrue();
        assertThat(filter.isIncluded(table("trail ", "é"))).isTrue();
        for (TableId other : List.of(table("public", "orders2"), table("public", "xorders"),
                table("publicXorders", "orders"), table("Odd", "t$1"), table("s p", "aXb"), table("trail", "é"),
                table("public", "customers"))) {
            assertThat(filter.isIncluded(other)).as(other.toString()).isFalse();
        }
    }

    @Test
    void includeListRegexIsReadable() {
        assertThat(DebeziumConfig.tableIncludeRegex(List.of(pg2ts("public", "orders"), pg2ts("sales", "line-items"))))
                .isEqualTo("^public\\.orders$,^sales\\.line\\-items$");
        assertThat(DebeziumConfig.literal("a,b c")).isEqualTo("a\\x{2c}b\\x{20}c");
    }

    @Test
    void emptyIncludeListCapturesUserSchemasButNotSystemOrTimescaleInternals() {
        TableFilter filter = debeziumFilter(TestConfigs.minimal());

        assertThat(filter.isIncluded(table("public", "orders"))).isTrue();
        assertThat(filter.isIncluded(table("metrics", "conditions"))).isTrue();
        assertThat(filter.isIncluded(table("timescaledb_users", "t"))).isTrue();
        for (String schema : List.of("pg_catalog", "information_schema", "pg_toast", "pg_temp_3",
                "_timescaledb_internal", "_timescaledb_catalog", "_timescaledb_config", "_timescaledb_cache",
                "_timescaledb_functions", "timescaledb_information", "timescaledb_experimental")) {
            assertThat(filter.isIncluded(table(schema, "t"))).as(schema).isFalse();
            assertThat(DebeziumConfig.isUserSchema(schema)).as(schema).isFalse();
        }
    }

    @Test
    void passThroughOverridesDefaultsAndFixedSettings() {
        Map<String, String> props = TestConfigs.minimal();
        props.put("debezium.snapshot.mode", "always");
        props.put("debezium.decimal.handling.mode", "string");
        props.put("debezium.max.batch.size", "4096");
        props.put("heartbeat.interval.ms", "0");

        Map<String, String> debezium = DebeziumConfig.taskProperties(new PostgresSourceConfig(props));

        assertThat(debezium).containsEntry("snapshot.mode", "always")
                .containsEntry("decimal.handling.mode", "string")
                .containsEntry("max.batch.size", "4096")
                .containsEntry("heartbeat.interval.ms", "0")
                .doesNotContainKey("debezium.snapshot.mode");
    }

    @Test
    void explicitOptionsReachDebezium() {
        Map<String, String> props = TestConfigs.minimal();
        props.put("database.port", "6543");
        props.put("database.sslmode", "verify-full");
        props.put("slot.name", "s1");
        props.put("publication.name", "p1");
        props.put("snapshot.mode", "no_data");
        props.put("snapshot.max.threads", "4");
        props.put("slot.drop.on.stop", "true");
        props.put("table.include.list", "orders");

        Map<String, String> debezium = DebeziumConfig.taskProperties(new PostgresSourceConfig(props));

        assertThat(debezium).containsEntry("database.port", "6543")
                .containsEntry("database.sslmode", "verify-full")
                .containsEntry("slot.name", "s1")
                .containsEntry("publication.name", "p1")
                .containsEntry("snapshot.mode", "no_data")
                .containsEntry("snapshot.max.threads", "4")
                .containsEntry("slot.drop.on.stop", "true")
                .containsEntry("table.include.list", "^public\\.orders$")
                .doesNotContainKey("schema.exclude.list");
    }

    private static TableFilter debeziumFilter(Map<String, String> props) {
        Map<String, String> debezium = DebeziumConfig.taskProperties(new PostgresSourceConfig(props));
        return new PostgresConnectorConfig(Configuration.from(debezium)).getTableFilters().dataCollectionFilter();
    }

    private static io.pg2ts.common.TableId pg2ts(String schema, String name) {
        return new io.pg2ts.common.TableId(schema, name);
    }

    private static TableId table(String schema, String name) {
        return new TableId(null, schema, name);
    }
}
