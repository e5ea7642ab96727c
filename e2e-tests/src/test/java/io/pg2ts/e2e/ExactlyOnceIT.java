package io.pg2ts.e2e;

import static io.pg2ts.cli.migrate.MigrationRun.SINK_CONNECTOR;
import static io.pg2ts.cli.migrate.MigrationRun.SOURCE_CONNECTOR;
import static io.pg2ts.e2e.Fixtures.await;
import static io.pg2ts.e2e.Fixtures.awaitTransactions;
import static io.pg2ts.e2e.Fixtures.count;
import static io.pg2ts.e2e.Fixtures.open;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pg2ts.cli.LocalCluster;
import io.pg2ts.cli.connect.ConnectRestClient;
import io.pg2ts.cli.demo.SampleDatabase;
import io.pg2ts.cli.demo.SampleWorkload;
import io.pg2ts.cli.migrate.MigrationRun;
import io.pg2ts.common.TableId;
import io.pg2ts.testsupport.LocalPostgres;
import io.pg2ts.testsupport.TableComparison;
import io.pg2ts.testsupport.TableComparison.Fingerprint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * The sink applies every change exactly once: a crash in the middle of a flush and a replay of
 * the topics from their start leave the target equal to the source, also for a table without a
 * key, where an at-least-once sink would duplicate rows.
 */
class ExactlyOnceIT {

    private static final String SINK_FLUSH_IN_PROGRESS = "SELECT count(*) FROM pg_stat_activity "
            + "WHERE application_name LIKE 'pg2ts-sink/%' AND xact_start IS NOT NULL "
            + "AND (state = 'idle in transaction' OR (state = 'active' AND query ~* '^\\s*(INSERT|COPY|DELETE)'))";

    private static final Map<String, String> RARE_CONNECT_COMMITS = Map.of("offset.flush.interval.ms", "600000");

    @Test
    void sinkWorkerKilledDuringAFlushRestartsWithNoLossAndNoDuplicate() throws Exception {
        Path workDir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "sink-workers-");
        try (LocalMigration migration = LocalMigration.start().withSampleRows(4 * 50_000)) {
            LocalPostgres source = migration.source;
            LocalPostgres target = migration.target;
            LocalCluster sourceCluster = migration.cluster;
            MigrationRun run = migration.run;
            try (SampleWorkload workload = SampleWorkload.start(() -> open(source), 5)) {
                sourceCluster.rest().putConnectorConfig(SOURCE_CONNECTOR, run.sourceConfig());
                sourceCluster.rest().awaitRunning(SOURCE_CONNECTOR, Duration.ofMinutes(2));

                // The sink runs in a worker of its own, in its own JVM, which is killed mid-flush.
                // Every topic exists before it starts (no rebalance, at which Connect would commit)
                // and Connect commits its consumer offsets rarely, so by the kill the target holds
                // flushes that Connect's offsets do not cover: a sink that resumed from those would
                // insert the keyless table's rows again.
                await("a topic for every table", Duration.ofMinutes(2),
                        () -> endOffsets(sourceCluster.bootstrapServers(), "pg2ts.public.").size() == SampleDatabase.TABLES.size());
                WorkerProcess first = WorkerProcess.start(sourceCluster.bootstrapServers(), "pg2ts-sink-workers",
                        workDir.resolve("first"), RARE_CONNECT_COMMITS);
                try (Connection t = target.connect("postgres")) {
                    first.rest().putConnectorConfig(SINK_CONNECTOR, run.sinkConfig());
                    await("a flush of the sink in progress after some keyless rows landed", Duration.ofMinutes(3),
                            () -> Fixtures.tableExists(t, "public.events") && count(t, "SELECT count(*) FROM events") >= 5_000
                                    && count(t, SINK_FLUSH_IN_PROGRESS) > 0);
                    first.kill();
                    await("the killed sink's session gone", Duration.ofMinutes(1),
                            () -> count(t, "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'pg2ts-sink/%'") == 0);
                }

                try (WorkerProcess second = WorkerProcess.start(sourceCluster.bootstrapServers(), "pg2ts-sink-workers",
                        workDir.resolve("second"), RARE_CONNECT_COMMITS)) {
                    second.rest().awaitRunning(SINK_CONNECTOR, Duration.ofMinutes(2));
                    awaitTransactions(workload, workload.transactions() + 200);
                    workload.close();
                    awaitSameRows(source, target, second.rest());
                }
            }
            Fixtures.assertSameRows(source, target, SampleDatabase.TABLES);
        }
    }

    @Test
    void resettingTheSinkToTheStartOfItsTopicsChangesNothing() throws Exception {
        try (LocalMigration migration = LocalMigration.start().withSampleRows(4 * 5_000)) {
            LocalPostgres source = migration.source;
            LocalPostgres target = migration.target;
            LocalCluster cluster = migration.cluster;
            MigrationRun run = migration.run;
            try (SampleWorkload workload = SampleWorkload.start(() -> open(source), 2)) {
                run.deploy();
                awaitTransactions(workload, 500);
            }
            assertThat(run.awaitVerified(() -> true, Duration.ofMinutes(3))).as("target verified equal").isTrue();
            Map<String, Fingerprint> applied = fingerprints(target);

            ConnectRestClient rest = cluster.rest();
            rest.stop(SINK_CONNECTOR);
            rest.awaitStopped(SINK_CONNECTOR, Duration.ofMinutes(1));
            rest.resetOffsets(SINK_CONNECTOR);
            assertThat(rest.offsets(SINK_CONNECTOR).path("offsets")).isEmpty();
            rest.resume(SINK_CONNECTOR);
            rest.awaitRunning(SINK_CONNECTOR, Duration.ofMinutes(1));

            // Connect's consumer offsets are gone; the task seeks to the offsets stored in the target,
            // so only what happens from now on is applied. A sink that replayed the topics would
            // insert the keyless table's rows a second time.
            source.execute("postgres",
                    "INSERT INTO events VALUES (now(), 'after-reset', 'one more')",
                    "INSERT INTO accounts (email) VALUES ('after-reset@example.com')",
                    "UPDATE ticks SET volume = -1 WHERE id = 42",
                    "DELETE FROM order_lines WHERE order_id = 3");
            awaitSameRows(source, target, rest);
            Map<TopicPartition, Long> ends = endOffsets(cluster.bootstrapServers(), "pg2ts.public.");
            Map<?, ?>[] last = {Map.of()};
            await(() -> "the sink's offsets " + last[0] + " at the end of every topic " + ends, Duration.ofMinutes(1), () -> {
                last[0] = sinkOffsets(rest);
                return last[0].equals(ends);
            });
            try (Connection t = target.connect("postgres")) {
                assertThat(count(t, "SELECT count(*) FROM events")).isEqualTo(applied.get("public.events").rows() + 1);
            }
            Fixtures.assertSameRows(source, target, SampleDatabase.TABLES);
        }
    }

    private static void awaitSameRows(LocalPostgres source, LocalPostgres target, ConnectRestClient sinkWorker)
            throws Exception {
        await("target equal to source", Duration.ofMinutes(4), () -> {
            ConnectRestClient.failIfFailed(SINK_CONNECTOR, sinkWorker.status(SINK_CONNECTOR));
            return Fixtures.sameRows(source, target, SampleDatabase.TABLES);
        });
    }

    private static Map<String, Fingerprint> fingerprints(LocalPostgres pg) throws Exception {
        Map<String, Fingerprint> result = new HashMap<>();
        try (Connection c = pg.connect("postgres")) {
            for (String table : SampleDatabase.TABLES) {
                result.put(table, TableComparison.fingerprint(c, TableId.parse(table).quoted()));
            }
        }
        return result;
    }

    private static Map<TopicPartition, Long> sinkOffsets(ConnectRestClient rest) throws Exception {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        for (JsonNode entry : rest.offsets(SINK_CONNECTOR).path("offsets")) {
            offsets.put(new TopicPartition(entry.path("partition").path("kafka_topic").asText(),
                    entry.path("partition").path("kafka_partition").asInt()), entry.path("offset").path("kafka_offset").asLong());
        }
        return offsets;
    }

    private static Map<TopicPartition, Long> endOffsets(String bootstrapServers, String topicPrefix) throws Exception {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrapServers);
        try (Admin admin = Admin.create(props)) {
            Set<String> topics = admin.listTopics().names().get().stream()
                    .filter(t -> t.startsWith(topicPrefix)).collect(Collectors.toSet());
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            admin.describeTopics(topics).allTopicNames().get().forEach((name, description) ->
                    description.partitions().forEach(p -> latest.put(new TopicPartition(name, p.partition()), OffsetSpec.latest())));
            Map<TopicPartition, Long> ends = new HashMap<>();
            admin.listOffsets(latest).all().get().forEach((tp, info) -> ends.put(tp, info.offset()));
            return ends;
        }
    }
}
