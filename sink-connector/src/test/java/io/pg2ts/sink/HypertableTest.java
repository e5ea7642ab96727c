package io.pg2ts.sink;

import static io.pg2ts.sink.testing.DebeziumSchemas.sourceType;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pg2ts.sink.testing.DebeziumTable;
import io.pg2ts.sink.testing.RecordingContext;
import io.pg2ts.sink.testing.TargetDatabase;
import io.pg2ts.sink.testing.TaskMetrics;
import io.pg2ts.testsupport.LocalTimescale;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.management.JMException;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Hypertables made by the sink, against a real TimescaleDB (the PGlite-based test server, which
 * serves one connection at a time: every check runs after the task has stopped and closed its own).
 */
class HypertableTest {

    @RegisterExtension
    static final TargetDatabase plainTarget = new TargetDatabase();

    private static LocalTimescale timescale;

    private static final Schema TS = sourceType(SchemaBuilder.string(), "TIMESTAMPTZ", null, null).build();
    private static final Schema DEVICE = Schema.INT32_SCHEMA;
    private static final Schema VALUE = sourceType(SchemaBuilder.float64().optional(), "FLOAT8", null, null).build();

    @BeforeAll
    static void startTimescale() {
        timescale = LocalTimescale.start();
    }

    @AfterAll
    static void stopTimescale() {
        timescale.close();
    }

    @Test
    void aListedTableBecomesAHypertableWithItsTimeColumnAndChunkIntervalBeforeItsFirstRow() throws Exception {
        DebeziumTable readings = DebeziumTable.builder("metrics", "readings")
                .key("device", DEVICE).key("ts", TS).column("v", VALUE).build();

        Map<String, Number> facts = new HashMap<>();
        put(Map.of("hypertables", "metrics.readings",
                        "hypertable.metrics.readings.time.column", "ts",
                        "hypertable.metrics.readings.chunk.interval", "1 day"),
                List.of(readings.read(1, "2024-01-01 10:00:00+00", 1.5), readings.read(2, "2024-01-03 10:00:00+00", 2.5),
                        readings.read(1, "2024-01-05 10:00:00+00", 3.5)),
                metrics -> {
                    for (String fact : List.of("hypertable", "chunk-interval-ms", "chunks-created", "compressed")) {
                        facts.put(fact, metrics.table("metrics.readings", fact));
                    }
                });
        assertThat(facts).containsEntry("hypertable", 1.0).containsEntry("chunk-interval-ms", 86_400_000.0)
                .containsEntry("chunks-created", 3.0).containsEntry("compressed", 0.0);

        try (Connection c = timescale.connect()) {
            assertThat(rows(c, "SELECT column_name || ' ' || time_interval FROM timescaledb_information.dimensions "
                    + "WHERE hypertable_schema = 'metrics' AND hypertable_name = 'readings'"))
                    .containsExactly("ts 1 day");
            // Every row went into a chunk: the table was a hypertable before the first one landed.
            assertThat(rows(c, "SELECT count(*) || ' ' || (SELECT count(*) FROM ONLY metrics.readings) "
                    + "FROM metrics.readings")).containsExactly("3 0");
            assertThat(rows(c, "SELECT count(*) FROM timescaledb_information.chunks WHERE hypertable_name = 'readings'"))
                    .containsExactly("3");
        }
    }

    /**
     * The common source table: {@code id} alone as key, a timestamp column beside it, default
     * replica identity. The target key becomes (id, created_at) and the sink applies by id.
     */
    @Test
    void aTableKeyedWithoutItsTimeColumnIsAppliedBySourceKeyWhateverTheTime() throws Exception {
        Schema created = sourceType(SchemaBuilder.string().optional(), "TIMESTAMPTZ", null, null).build();
        DebeziumTable orders = DebeziumTable.builder("shop", "orders")
                .key("id", Schema.INT64_SCHEMA).column("created_at", created).column("v", VALUE).build();
        Map<String, String> options = Map.of("hypertables", "shop.orders",
                "hypertable.shop.orders.time.column", "created_at", "hypertable.shop.orders.chunk.interval", "1 day");

        put(options, List.of(orders.read(1L, "2024-01-01 00:00:00+00", 1.0), orders.read(2L, "2024-01-02 00:00:00+00", 2.0),
                orders.read(3L, "2024-01-03 00:00:00+00", 3.0)));
        put(options, List.of(
                orders.update(1L, "2024-03-01 00:00:00+00", 1.5),      // moves to another chunk
                orders.update(3L, "2024-01-03 00:00:00+00", 3.5),      // stays where it is
                orders.deleteKeyOnly(2L),                              // default identity: the key alone
                orders.create(4L, "2024-01-04 00:00:00+00", 4.0)));
        // A replay of the first batch's rows: the same keys again, never a second version.
        put(options, List.of(orders.read(4L, "2024-01-04 00:00:00+00", 4.0)));

        try (Connection c = timescale.connect()) {
            assertThat(rows(c, "SELECT id || ' ' || created_at || ' ' || v FROM shop.orders ORDER BY id")).containsExactly(
                    "1 2024-03-01 00:00:00+00 1.5", "3 2024-01-03 00:00:00+00 3.5", "4 2024-01-04 00:00:00+00 4");
            assertThat(rows(c, "SELECT string_agg(a.attname, ', ' ORDER BY array_position(i.indkey::int2[], a.attnum)) "
                    + "FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey::int2[]) "
                    + "WHERE i.indrelid = 'shop.orders'::regclass AND i.indisprimary")).containsExactly("id, created_at");
            assertThat(rows(c, "SELECT column_name FROM timescaledb_information.dimensions WHERE hypertable_name = 'orders'"))
                    .containsExactly("created_at");
        }
    }

    /**
     * A space partitioning column outside the source key joins the target key with the time column
     * (TimescaleDB refuses a unique index without it), and the sink still applies by the source key.
     */
    @Test
    void aSpacePartitioningColumnOutsideTheKeyJoinsTheTargetKey() throws Exception {
        Schema at = sourceType(SchemaBuilder.string().optional(), "TIMESTAMPTZ", null, null).build();
        DebeziumTable samples = DebeziumTable.builder("space", "samples")
                .key("id", Schema.INT64_SCHEMA).column("at", at)
                .column("device", SchemaBuilder.int32().optional().build()).column("v", VALUE).build();
        Map<String, String> options = Map.of("hypertables", "space.samples",
                "hypertable.space.samples.time.column", "at", "hypertable.space.samples.partitioning.column", "device",
                "hypertable.space.samples.partitions", "2");

        put(options, List.of(samples.read(1L, "2024-01-01 00:00:00+00", 7, 1.0),
                samples.read(2L, "2024-01-02 00:00:00+00", 8, 2.0)));
        put(options, List.of(samples.update(1L, "2024-01-01 00:00:00+00", 9, 1.5)));   // moves to another device

        try (Connection c = timescale.connect()) {
            assertThat(rows(c, "SELECT id || ' ' || device || ' ' || v FROM space.samples ORDER BY id"))
                    .containsExactly("1 9 1.5", "2 8 2");
            assertThat(rows(c, "SELECT string_agg(a.attname, ', ' ORDER BY array_position(i.indkey::int2[], a.attnum)) "
                    + "FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey::int2[]) "
                    + "WHERE i.indrelid = 'space.samples'::regclass AND i.indisprimary")).containsExactly("id, at, device");
            assertThat(rows(c, "SELECT column_name || ' ' || dimension_type FROM timescaledb_information.dimensions "
                    + "WHERE hypertable_name = 'samples' ORDER BY dimension_number")).containsExactly("at Time", "device Space");
        }
    }

    /** The auto mode takes tables keyed by a temporal column, or by a column it is told the name of, and no other. */
    @Test
    void theAutoModeMakesHypertablesOfTablesKeyedByATimeColumnOnly() throws Exception {
        DebeziumTable ticks = DebeziumTable.builder("auto", "ticks")
                .key("symbol", SchemaBuilder.string().build()).key("ts", TS).column("v", VALUE).build();
        DebeziumTable users = DebeziumTable.builder("auto", "users")
                .key("id", Schema.INT64_SCHEMA).column("created_at", TS).build();
        DebeziumTable named = DebeziumTable.builder("auto", "named")
                .key("id", Schema.INT64_SCHEMA).key("at", SchemaBuilder.string().build()).build();
        DebeziumTable keyless = DebeziumTable.builder("auto", "lines").column("ts", TS).build();
        try (Connection c = timescale.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS auto");
            s.execute("CREATE TABLE auto.named (id bigint, at timestamptz, PRIMARY KEY (id, at))");
        }

        put(Map.of("hypertables.auto", "true", "hypertables.auto.time.columns", "at"), List.of(
                ticks.read("X", "2024-01-01 00:00:00+00", 1.0), users.read(1L, "2024-01-01 00:00:00+00"),
                named.read(1L, "2024-01-01 00:00:00+00"), keyless.create("2024-01-01 00:00:00+00")));

        try (Connection c = timescale.connect()) {
            assertThat(rows(c, "SELECT hypertable_name || '.' || column_name || ' ' || time_interval "
                    + "FROM timescaledb_information.dimensions WHERE hypertable_schema = 'auto' ORDER BY 1"))
                    .containsExactly("named.at 7 days", "ticks.ts 7 days");
            assertThat(rows(c, "SELECT count(*) FROM auto.users")).containsExactly("1");
        }
    }

    /**
     * Compression is set once the table's snapshot is applied, not during it; then updates and
     * deletes of rows in compressed chunks land, both for a key with the time column and for one
     * applied by source key.
     */
    @Test
    void compressionIsEnabledAfterTheSnapshotAndChangesLandInCompressedChunks() throws Exception {
        DebeziumTable readings = DebeziumTable.builder("comp", "readings")
                .key("device", DEVICE).key("ts", TS).column("v", VALUE).build();
        Schema created = sourceType(SchemaBuilder.string().optional(), "TIMESTAMPTZ", null, null).build();
        DebeziumTable orders = DebeziumTable.builder("comp", "orders")
                .key("id", Schema.INT64_SCHEMA).column("created_at", created).column("v", VALUE).build();
        Map<String, String> options = Map.of("hypertables", "comp.readings, comp.orders",
                "hypertable.comp.readings.time.column", "ts", "hypertable.comp.readings.chunk.interval", "1 day",
                "hypertable.comp.readings.compress.segmentby", "device",
                "hypertable.comp.readings.compress.orderby", "ts DESC",
                "hypertable.comp.readings.compress.after", "30 days",
                "hypertable.comp.orders.time.column", "created_at", "hypertable.comp.orders.chunk.interval", "1 day",
                "hypertable.comp.orders.compress.orderby", "created_at DESC");

        put(options, List.of(readings.read(1, "2024-01-01 00:00:00+00", 1.0), readings.read(2, "2024-01-01 00:00:00+00", 2.0),
                orders.read(1L, "2024-01-01 00:00:00+00", 1.0), orders.read(2L, "2024-01-01 00:00:00+00", 2.0)));
        try (Connection c = timescale.connect()) {
            assertThat(rows(c, "SELECT hypertable_name || ' ' || compression_enabled FROM timescaledb_information.hypertables "
                    + "WHERE hypertable_schema = 'comp' ORDER BY 1")).as("during the snapshot")
                    .containsExactly("orders false", "readings false");
        }

        put(options, List.of(readings.readLast(3, "2024-01-01 00:00:00+00", 3.0), orders.create(3L, "2024-01-01 00:00:00+00", 3.0)));
        try (Connection c = timescale.connect(); Statement s = c.createStatement()) {
            assertThat(rows(c, "SELECT hypertable_name || ' ' || compression_enabled FROM timescaledb_information.hypertables "
                    + "WHERE hypertable_schema = 'comp' ORDER BY 1")).containsExactly("orders true", "readings true");
            assertThat(rows(c, "SELECT attname || ' ' || coalesce(segmentby_column_index::text, '-') || ' ' "
                    + "|| coalesce(orderby_asc::text, '-') FROM timescaledb_information.compression_settings "
                    + "WHERE hypertable_name = 'readings' ORDER BY attname"))
                    .containsExactly("device 1 -", "ts - false");
            assertThat(rows(c, "SELECT count(*) FROM timescaledb_information.jobs WHERE proc_name = 'policy_compression' "
                    + "AND hypertable_name = 'readings'")).containsExactly("1");
            s.execute("SELECT compress_chunk(c) FROM show_chunks('comp.readings') c");
            s.execute("SELECT compress_chunk(c) FROM show_chunks('comp.orders') c");
            assertThat(rows(c, "SELECT count(*) FROM timescaledb_information.chunks WHERE hypertable_schema = 'comp' "
                    + "AND is_compressed")).containsExactly("2");
        }

        put(options, List.of(readings.update(1, "2024-01-01 00:00:00+00", 10.0), readings.delete(2, "2024-01-01 00:00:00+00", 2.0),
                orders.update(1L, "2024-01-01 00:00:00+00", 10.0), orders.deleteKeyOnly(2L, null, null)));
        try (Connection c = timescale.connect()) {
            assertThat(rows(c, "SELECT device || ' ' || v FROM comp.readings ORDER BY device")).containsExactly("1 10", "3 3");
            assertThat(rows(c, "SELECT id || ' ' || v FROM comp.orders ORDER BY id")).containsExactly("1 10", "3 3");
        }
    }

    /**
     * A deliberate replay (a new connector, offsets from 0) of a key whose row has moved in time
     * since: by COPY it would land beside the row it replaces. On PostgreSQL, where COPY runs.
     */
    @Test
    void aReplayedSnapshotRowOfAKeyThatMovedInTimeReplacesItAlsoWhereCopyIsOn() throws Exception {
        plainTarget.execute("CREATE SCHEMA IF NOT EXISTS moved",
                "CREATE TABLE moved.orders (id bigint, created_at timestamptz, v double precision, PRIMARY KEY (id, created_at))");
        Schema created = sourceType(SchemaBuilder.string().optional(), "TIMESTAMPTZ", null, null).build();
        DebeziumTable orders = DebeziumTable.builder("moved", "orders")
                .key("id", Schema.INT64_SCHEMA).column("created_at", created).column("v", VALUE).build();
        plainTarget.execute("INSERT INTO moved.orders VALUES (1, '2024-03-01 00:00:00+00', 2)");

        TimescaleSinkTask task = plainTarget.startTask(new RecordingContext(plainTarget.taskProps(Map.of()), false));
        try {
            task.put(List.of(orders.read(1L, "2024-01-01 00:00:00+00", 1.0), orders.read(2L, "2024-01-01 00:00:00+00", 1.0)));
        } finally {
            task.stop();
        }

        assertThat(plainTarget.query("SELECT id || ' ' || v FROM moved.orders ORDER BY id")).containsExactly("1 1", "2 1");
    }

    @Test
    void aUniqueConstraintWithoutTheTimeColumnIsRefusedNamingTableAndConstraint() throws Exception {
        try (Connection c = timescale.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS app");
            s.execute("CREATE TABLE app.events (id bigint PRIMARY KEY, at timestamptz NOT NULL, "
                    + "code text CONSTRAINT events_code_key UNIQUE)");
        }
        DebeziumTable events = DebeziumTable.builder("app", "events").key("id", Schema.INT64_SCHEMA)
                .column("at", TS).column("code", SchemaBuilder.string().optional().build()).build();

        assertThatThrownBy(() -> put(Map.of("hypertables", "app.events", "hypertable.app.events.time.column", "at"),
                List.of(events.create(1L, "2024-01-01 00:00:00+00", "x"))))
                .isInstanceOf(ConnectException.class)
                .hasMessageContaining("\"app\".\"events\"").hasMessageContaining("events_code_key")
                .hasMessageContaining("events_pkey").hasMessageContaining("let the sink create the table");
    }

    @Test
    void anExistingEmptyPlainTableIsConvertedAndAKeylessInsertOnlyOneToo() throws Exception {
        try (Connection c = timescale.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS logs");
            s.execute("CREATE TABLE logs.lines (ts timestamptz NOT NULL, host integer, line text)");
        }
        DebeziumTable lines = DebeziumTable.builder("logs", "lines")
                .column("ts", TS).column("host", SchemaBuilder.int32().optional().build())
                .column("line", SchemaBuilder.string().optional().build()).build();

        put(Map.of("hypertables", "logs.lines", "hypertable.logs.lines.time.column", "ts",
                        "hypertable.logs.lines.partitioning.column", "host", "hypertable.logs.lines.partitions", "2"),
                List.of(lines.create("2024-01-01 00:00:00+00", 1, "a"), lines.create("2024-01-01 00:00:00+00", 1, "a"),
                        lines.create("2024-02-01 00:00:00+00", 2, "b")));

        try (Connection c = timescale.connect()) {
            assertThat(rows(c, "SELECT column_name || ' ' || dimension_type || ' ' || coalesce(num_partitions::text, '-') "
                    + "FROM timescaledb_information.dimensions WHERE hypertable_name = 'lines' ORDER BY dimension_number"))
                    .containsExactly("ts Time -", "host Space 2");
            assertThat(rows(c, "SELECT count(*) FROM logs.lines")).containsExactly("3");
        }
    }

    @Test
    void aPlainTableWithRowsIsRefusedNamingItAndTheOptionUnlessMigrateDataIsSet() throws Exception {
        try (Connection c = timescale.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS old");
            s.execute("CREATE TABLE old.samples (ts timestamptz NOT NULL, v double precision)");
            s.execute("INSERT INTO old.samples VALUES ('2023-06-01 00:00:00+00', 1)");
        }
        DebeziumTable samples = DebeziumTable.builder("old", "samples").column("ts", TS).column("v", VALUE).build();
        Map<String, String> options = Map.of("hypertables", "old.samples", "hypertable.old.samples.time.column", "ts");

        assertThatThrownBy(() -> put(options, List.of(samples.create("2024-01-01 00:00:00+00", 2.0))))
                .isInstanceOf(ConnectException.class)
                .hasMessageContaining("\"old\".\"samples\"").hasMessageContaining("hypertables.migrate.data");

        Map<String, String> migrate = new HashMap<>(options);
        migrate.put("hypertables.migrate.data", "true");
        put(migrate, List.of(samples.create("2024-01-01 00:00:00+00", 2.0)));
        try (Connection c = timescale.connect()) {
            assertThat(rows(c, "SELECT count(*) || ' ' || (SELECT count(*) FROM ONLY old.samples) FROM old.samples"))
                    .containsExactly("2 0");
        }
    }

    @Test
    void hypertableOptionsOnAPlainPostgresTargetFailValidationSayingTheExtensionIsMissing() {
        Map<String, String> props = plainTarget.taskProps(Map.of("hypertables", "metrics.readings",
                "hypertable.metrics.readings.time.column", "ts", "topics", "x"));

        Config config = new TimescaleSinkConnector().validate(props);

        assertThat(errors(config, "hypertables")).singleElement().asString().contains("no timescaledb extension");
    }

    @Test
    void hypertableOptionsAreValidatedNamingTheTable() {
        Map<String, String> props = plainTarget.taskProps(Map.of("topics", "x", "hypertables", "a.b, c.d",
                "hypertable.a.b.chunk.interval", "1 day; DROP TABLE x", "hypertable.c.d.time.column", "ts",
                "hypertable.c.d.partitions", "4", "hypertable.e.f.time.column", "ts"));

        Config config = new TimescaleSinkConnector().validate(props);

        assertThat(errors(config, "hypertables")).anySatisfy(m -> assertThat(m).contains("a.b").contains("time.column"))
                .anySatisfy(m -> assertThat(m).contains("c.d").contains("partitioning.column"))
                .anySatisfy(m -> assertThat(m).contains("hypertable.e.f.time.column"));
    }

    private static int connectors;

    /**
     * Runs a task with these options against the TimescaleDB server, puts the records, stops it.
     * Each call is a connector of its own, so its records (numbered from offset 0) are all applied
     * rather than skipped as already stored.
     */
    private static void put(Map<String, String> options, List<SinkRecord> records) {
        put(options, records, metrics -> { });
    }

    /** As {@link #put(Map, List)}, reading the task's metrics before it stops. */
    private static void put(Map<String, String> options, List<SinkRecord> records, MetricsCheck check) {
        Map<String, String> props = new HashMap<>();
        String name = "hypertable-test-" + ++connectors;
        props.put("name", name);
        props.put(TimescaleSinkConfig.CONNECTION_URL_CONFIG, timescale.jdbcUrl());
        props.put(TimescaleSinkConfig.CONNECTION_USER_CONFIG, LocalTimescale.USER);
        props.put(TimescaleSinkConfig.CONNECTION_PASSWORD_CONFIG, LocalTimescale.PASSWORD);
        props.put(TimescaleSinkConfig.RETRY_BACKOFF_MS_CONFIG, "10");
        props.put(TimescaleSinkConfig.MAX_RETRIES_CONFIG, "0");
        props.put(TimescaleSinkConfig.BATCH_LINGER_MS_CONFIG, "0");
        // The test server cannot run COPY FROM STDIN; a real TimescaleDB can.
        props.put(TimescaleSinkConfig.APPLY_COPY_CONFIG, "false");
        props.putAll(options);
        TimescaleSinkTask task = plainTarget.startTask(new RecordingContext(props, false));
        try {
            task.put(DebeziumTable.numbered(records));
            check.accept(new TaskMetrics(name, "0"));
        } catch (JMException e) {
            throw new AssertionError(e);
        } finally {
            task.stop();
        }
    }

    @FunctionalInterface
    private interface MetricsCheck {
        void accept(TaskMetrics metrics) throws JMException;
    }

    private static List<String> errors(Config config, String name) {
        return config.configValues().stream().filter(v -> v.name().equals(name)).findFirst()
                .map(ConfigValue::errorMessages).orElseThrow();
    }

    private static List<String> rows(Connection c, String sql) throws SQLException {
        List<String> result = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                result.add(rs.getString(1));
            }
        }
        return result;
    }
}
