package io.pg2ts.cli;

import static io.pg2ts.cli.SchemaCommandTest.strings;
import static io.pg2ts.cli.SchemaCommandTest.url;
import static org.assertj.core.api.Assertions.assertThat;

import io.pg2ts.testsupport.LocalPostgres;
import io.pg2ts.testsupport.LocalTimescale;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** pg2ts schema into TimescaleDB: the sink configuration's hypertables are hypertables right after the copy. */
class SchemaCommandTimescaleTest {

    @Test
    void aTableListedInTheSinkConfigurationIsAHypertableRightAfterSchemaWithTheTimeColumnInItsKey(@TempDir Path dir)
            throws Exception {
        Path sinkConfig = dir.resolve("sink.json");
        Files.writeString(sinkConfig, """
                {"name": "sink", "config": {
                  "connector.class": "io.pg2ts.sink.TimescaleSinkConnector",
                  "hypertables": "public.readings",
                  "hypertable.public.readings.time.column": "ts",
                  "hypertable.public.readings.chunk.interval": "1 day",
                  "hypertable.public.readings.partitioning.column": "device_id",
                  "hypertable.public.readings.partitions": "4"
                }}
                """);
        try (LocalPostgres source = LocalPostgres.startSource(); LocalTimescale target = LocalTimescale.start()) {
            source.execute("postgres",
                    "CREATE TABLE public.devices (id integer PRIMARY KEY, name text)",
                    "CREATE TABLE public.readings (id bigint PRIMARY KEY, ts timestamptz NOT NULL, "
                            + "device_id integer NOT NULL, value double precision)",
                    "CREATE INDEX readings_device_ts_idx ON public.readings (device_id, ts)");
            String targetUrl = target.jdbcUrl() + "&user=" + LocalTimescale.USER + "&password=" + LocalTimescale.PASSWORD;

            SchemaCommandTest.Run copy = SchemaCommandTest.run("--source", url(source), "--target", targetUrl, "--defer-indexes", "--sink-config",
                    sinkConfig.toString());

            assertThat(copy.status()).as(copy.text()).isZero();
            assertThat(copy.out()).contains("created 2 tables, 2 primary keys",
                    "public.readings is a hypertable on ts, chunks of 1 day, 4 partitions by device_id, primary key (id) "
                            + "extended to (id, ts, device_id)",
                    "deferred 1 index");
            try (Connection t = target.connect()) {
                assertThat(strings(t, "SELECT hypertable_schema || '.' || hypertable_name FROM "
                        + "timescaledb_information.hypertables")).containsExactly("public.readings");
                assertThat(strings(t, "SELECT column_name || ' ' || coalesce(time_interval::text, num_partitions::text) "
                        + "FROM timescaledb_information.dimensions WHERE hypertable_name = 'readings' ORDER BY dimension_number"))
                        .containsExactly("ts 1 day", "device_id 4");
                assertThat(strings(t, "SELECT a.attname FROM pg_constraint c JOIN LATERAL unnest(c.conkey) "
                        + "WITH ORDINALITY k(attnum, n) ON true JOIN pg_attribute a ON a.attrelid = c.conrelid "
                        + "AND a.attnum = k.attnum WHERE c.conrelid = 'public.readings'::regclass AND c.contype = 'p' "
                        + "ORDER BY k.n")).containsExactly("id", "ts", "device_id");
                assertThat(strings(t, "SELECT to_regclass('public.readings_device_ts_idx')::text")).containsExactly((String) null);
            }

            SchemaCommandTest.Run finish = SchemaCommandTest.run("--target", targetUrl, "--finish");

            assertThat(finish.status()).as(finish.text()).isZero();
            assertThat(finish.out()).contains("created index public.readings_device_ts_idx");
            try (Connection t = target.connect()) {
                assertThat(strings(t, "SELECT indexname FROM pg_indexes WHERE schemaname = 'public' "
                        + "AND tablename = 'readings' ORDER BY 1")).contains("readings_device_ts_idx");
            }
        }
    }

    @Test
    void hypertablesThatCannotBeAreRefusedBeforeAnythingIsCreated(@TempDir Path dir) throws Exception {
        Path sinkConfig = dir.resolve("sink.json");
        try (LocalPostgres source = LocalPostgres.startSource(); LocalPostgres target = LocalPostgres.startTarget()) {
            source.execute("postgres", "CREATE TABLE public.readings (id bigint PRIMARY KEY, ts timestamptz NOT NULL, "
                    + "serial_no text UNIQUE)");
            Files.writeString(sinkConfig, """
                    {"hypertables": "public.readings", "hypertable.public.readings.time.column": "ts"}
                    """);

            SchemaCommandTest.Run unique = SchemaCommandTest.run("--source", url(source), "--target", url(target),
                    "--sink-config", sinkConfig.toString());

            assertThat(unique.status()).isEqualTo(2);
            assertThat(unique.err()).contains("nothing was created: public.readings cannot become a hypertable "
                    + "partitioned by ts: TimescaleDB requires the partitioning columns in every unique index, and these "
                    + "lack ts: readings_serial_no_key (CREATE UNIQUE INDEX readings_serial_no_key ON public.readings "
                    + "USING btree (serial_no))");

            source.execute("postgres", "ALTER TABLE public.readings DROP CONSTRAINT readings_serial_no_key");
            SchemaCommandTest.Run copy = SchemaCommandTest.run("--source", url(source), "--target", url(target), "--sink-config", sinkConfig.toString());

            assertThat(copy.status()).isEqualTo(2);
            assertThat(copy.err()).contains("makes hypertables of public.readings, but the target database has no "
                    + "timescaledb extension: run CREATE EXTENSION timescaledb");
            try (Connection t = target.connect("postgres")) {
                assertThat(strings(t, "SELECT to_regclass('public.readings')::text")).containsExactly((String) null);
            }
        }
    }
}
