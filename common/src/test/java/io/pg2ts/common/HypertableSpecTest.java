package io.pg2ts.common;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The hypertable options as users write them in the sink's JSON, and the SQL they become. */
class HypertableSpecTest {

    @Test
    void theExampleConfigParsesIntoTwoHypertables() throws Exception {
        Map<String, String> example = new ObjectMapper().readValue(
                Path.of("../config-examples/sink-hypertables.json").toFile(), new TypeReference<Map<String, String>>() { });

        HypertableSpec.Parsed parsed = HypertableSpec.parse(example);

        assertThat(parsed.problems()).isEmpty();
        assertThat(parsed.specs()).containsOnlyKeys(new TableId("public", "readings"), new TableId("public", "events"));
        assertThat(parsed.specs().get(new TableId("public", "readings")))
                .isEqualTo(new HypertableSpec(new TableId("public", "readings"), "ts", "1 day", "device_id", 4, true,
                        new HypertableSpec.Compression("device_id", "ts DESC", "7 days")));
        assertThat(parsed.specs().get(new TableId("public", "readings")).compression().sql(new TableId("public", "readings")))
                .containsExactly("ALTER TABLE \"public\".\"readings\" SET (timescaledb.compress, "
                                + "timescaledb.compress_segmentby = 'device_id', timescaledb.compress_orderby = 'ts DESC')",
                        "SELECT add_compression_policy('\"public\".\"readings\"'::regclass, '7 days'::interval, "
                                + "if_not_exists => true)");
        assertThat(parsed.specs().get(new TableId("public", "events")).createDefaultIndexes()).isFalse();
    }

    @Test
    void createSqlNamesEveryOptionAndQuotesNames() {
        HypertableSpec spec = new HypertableSpec(new TableId("My Schema", "it's"), "t s", "6 hours", "dev", 2, false);

        assertThat(spec.createSql(false)).isEqualTo("SELECT create_hypertable('\"My Schema\".\"it''s\"'::regclass, 't s', "
                + "partitioning_column => 'dev', number_partitions => 2, chunk_time_interval => '6 hours'::interval, "
                + "create_default_indexes => false, migrate_data => false, if_not_exists => true)");
        assertThat(new HypertableSpec(new TableId("a", "b"), "ts", null, null, null, true).createSql(true))
                .isEqualTo("SELECT create_hypertable('\"a\".\"b\"'::regclass, 'ts', create_default_indexes => true, "
                        + "migrate_data => true, if_not_exists => true)");
    }

    @Test
    void everyProblemNamesItsTableAndOption() {
        HypertableSpec.Parsed parsed = HypertableSpec.parse(Map.of(
                "hypertables", "a.b, c.d, \"Q.x\".y, e.f",
                "hypertable.a.b.time.column", "ts",
                "hypertable.a.b.chunk.interval", "1 day'; DROP TABLE x; --",
                "hypertable.c.d.time.column", "ts",
                "hypertable.c.d.partitions", "0",
                "hypertable.\"Q.x\".y.time.column", "ts",
                "hypertable.e.f.time.colum", "ts"));

        assertThat(parsed.specs()).containsOnlyKeys(new TableId("Q.x", "y"));
        assertThat(parsed.problems()).hasSize(4)
                .anySatisfy(p -> assertThat(p).contains("a.b").contains("chunk.interval"))
                .anySatisfy(p -> assertThat(p).contains("c.d").contains("partitions"))
                .anySatisfy(p -> assertThat(p).contains("e.f").contains("time.column"))
                .anySatisfy(p -> assertThat(p).contains("hypertable.e.f.time.colum:"));
    }
}
