package io.pg2ts.e2e;

import static io.pg2ts.e2e.Fixtures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.pg2ts.cli.LocalCluster;
import io.pg2ts.cli.connect.ConnectRestClient;
import io.pg2ts.cli.connect.ConnectorConfigs;
import io.pg2ts.testsupport.LocalPostgres;
import io.pg2ts.testsupport.LocalTimescale;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A PostgreSQL source through Kafka Connect into a real TimescaleDB (the PGlite-based test
 * server): a table keyed by {@code id} alone, at the default replica identity, becomes a
 * hypertable on its timestamp column, and snapshot, inserts, updates that move rows in time and
 * deletes leave the target equal to the source. The test server serves one connection at a time,
 * so the sink connector is stopped (its task closes its connection) whenever the test looks.
 */
class TimescaleIT {

    private static final String SINK = "pg2ts-sink";
    private static final String SOURCE = "pg2ts-source";
    private static final String ROWS = "SELECT id || ' ' || created_at || ' ' || amount FROM public.orders ORDER BY id";

    @Test
    void aTableKeyedByIdAloneArrivesAsAHypertableAndStaysEqualThroughUpdatesThatMoveRowsInTime() throws Exception {
        try (LocalPostgres source = LocalPostgres.startSource(); LocalTimescale target = LocalTimescale.start();
                LocalCluster cluster = LocalCluster.start(ConnectClusterFixture.examples(),
                        ConnectClusterFixture.pluginPath(), System.out)) {
            source.execute("postgres",
                    "CREATE TABLE public.orders (id bigserial PRIMARY KEY, created_at timestamptz NOT NULL, amount numeric(10,2))",
                    "INSERT INTO public.orders (created_at, amount) SELECT timestamptz '2024-01-01 00:00:00+00' "
                            + "+ g * interval '6 hours', g * 1.25 FROM generate_series(1, 200) g");
            ConnectRestClient rest = cluster.rest();
            Map<String, String> sourceConfig = ConnectorConfigs.withKafka(ConnectorConfigs.withSource(
                    ConnectorConfigs.load(ConnectClusterFixture.examples().resolve("source.json")), Fixtures.endpoint(source)),
                    cluster.bootstrapServers());
            sourceConfig.put("table.include.list", "public.orders");
            Map<String, String> sinkConfig = ConnectorConfigs.withKafka(
                    ConnectorConfigs.load(ConnectClusterFixture.examples().resolve("sink-hypertables.json")),
                    cluster.bootstrapServers());
            sinkConfig.keySet().removeIf(key -> key.startsWith("hypertable."));
            sinkConfig.put("hypertables", "public.orders");
            sinkConfig.put("hypertable.public.orders.time.column", "created_at");
            sinkConfig.put("hypertable.public.orders.chunk.interval", "7 days");
            sinkConfig.put("connection.url", target.jdbcUrl());
            sinkConfig.put("connection.user", LocalTimescale.USER);
            sinkConfig.put("connection.password", LocalTimescale.PASSWORD);
            // The test server cannot run COPY FROM STDIN; a real TimescaleDB can.
            sinkConfig.put("apply.copy", "false");

            rest.putConnectorConfig(SOURCE, sourceConfig);
            rest.awaitRunning(SOURCE, Duration.ofMinutes(2));
            rest.putConnectorConfig(SINK, sinkConfig);
            rest.awaitRunning(SINK, Duration.ofMinutes(2));
            awaitTargetEqual(rest, source, target, "after the snapshot");
            try (Connection t = target.connect()) {
                assertThat(rows(t, "SELECT column_name || ' ' || time_interval FROM timescaledb_information.dimensions "
                        + "WHERE hypertable_name = 'orders'")).containsExactly("created_at 7 days");
            }

            source.execute("postgres",
                    "UPDATE public.orders SET created_at = created_at + interval '30 days', amount = amount + 1 WHERE id % 5 = 0",
                    "UPDATE public.orders SET amount = 0 WHERE id % 7 = 0",
                    "DELETE FROM public.orders WHERE id % 11 = 0",
                    "INSERT INTO public.orders (created_at, amount) VALUES ('2025-01-01 00:00:00+00', 9.99)");
            rest.resume(SINK);
            awaitTargetEqual(rest, source, target, "after updates, moves in time and deletes");
            try (Connection t = target.connect()) {
                assertThat(rows(t, "SELECT count(*) - count(DISTINCT id) FROM public.orders"))
                        .as("versions of a key beyond the first").containsExactly("0");
            }
        }
    }

    /**
     * Lets the sink run, then stops it and compares; until the target equals the source, resumes
     * it and tries again.
     */
    private static void awaitTargetEqual(ConnectRestClient rest, LocalPostgres source, LocalTimescale target, String when)
            throws Exception {
        List<String> expected;
        try (Connection s = source.connect("postgres")) {
            expected = rows(s, ROWS);
        }
        List<List<String>> last = new ArrayList<>(List.of(List.of()));
        await(() -> "the target equals the source " + when + "; last seen " + last.get(0).size() + " rows, expected "
                + expected.size(), Duration.ofMinutes(3), () -> {
                    Thread.sleep(3000);
                    rest.stop(SINK);
                    rest.awaitStopped(SINK, Duration.ofMinutes(1));
                    try (Connection t = target.connect()) {
                        last.set(0, tableExists(t) ? rows(t, ROWS) : List.of());
                    }
                    if (last.get(0).equals(expected)) {
                        return true;
                    }
                    rest.resume(SINK);
                    return false;
                });
    }

    private static boolean tableExists(Connection c) throws SQLException {
        return !rows(c, "SELECT 1 FROM pg_tables WHERE schemaname = 'public' AND tablename = 'orders'").isEmpty();
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
