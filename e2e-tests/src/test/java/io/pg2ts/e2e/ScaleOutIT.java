package io.pg2ts.e2e;

import static io.pg2ts.cli.migrate.MigrationRun.SINK_CONNECTOR;
import static io.pg2ts.e2e.Fixtures.open;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pg2ts.cli.LocalCluster;
import io.pg2ts.cli.demo.SampleWorkload;
import io.pg2ts.cli.migrate.MigrationRun;
import io.pg2ts.testsupport.LocalPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;

/**
 * Several sink tasks share the work by partition; they must converge to the source's state
 * while the same rows are updated again and again.
 */
class ScaleOutIT {

    private static final int HOT_ROWS = 20;

    @Test
    void fourSinkTasksOnEightPartitionsConvergeUnderConcurrentUpdatesOfTheSameKeys() throws Exception {
        try (LocalMigration migration = LocalMigration.start().withSampleRows(4 * 5_000)) {
            LocalPostgres source = migration.source;
            LocalCluster cluster = migration.cluster;
            MigrationRun run = migration.run;
            Map<String, String> sourceConfig = run.sourceConfig();
            sourceConfig.put("topic.creation.default.partitions", "8");
            Map<String, String> sinkConfig = run.sinkConfig();
            sinkConfig.put("tasks.max", "4");
            sinkConfig.put("batch.max.rows", "500");

            try (SampleWorkload background = SampleWorkload.start(() -> open(source), 5)) {
                run.deploy(sourceConfig, sinkConfig);
                hammerHotRows(source, 4, 400);
            }
            assertThat(run.awaitVerified(() -> true, Duration.ofMinutes(3))).as("target verified equal").isTrue();

            JsonNode tasks = cluster.rest().status(SINK_CONNECTOR).path("tasks");
            assertThat(tasks).hasSize(4);
            tasks.forEach(task -> assertThat(task.path("state").asText()).isEqualTo("RUNNING"));
            Properties admin = new Properties();
            admin.put("bootstrap.servers", cluster.bootstrapServers());
            try (Admin kafka = Admin.create(admin)) {
                assertThat(kafka.describeTopics(List.of("pg2ts.public.accounts")).allTopicNames().get()
                        .get("pg2ts.public.accounts").partitions()).hasSize(8);
            }
        }
    }

    // Concurrent writers updating the same few rows, one row per transaction so the source itself
    // never deadlocks; the sink sees long runs of changes to the same keys on every partition.
    private static void hammerHotRows(LocalPostgres source, int writers, int transactionsEach) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int seed = w;
                done.add(pool.submit(() -> {
                    Random random = new Random(seed);
                    try (Connection c = open(source);
                            PreparedStatement account = c.prepareStatement(
                                    "UPDATE accounts SET balance = balance + 1, email = 'writer" + seed + "@example.com' WHERE id = ?");
                            PreparedStatement tick = c.prepareStatement(
                                    "UPDATE ticks SET volume = coalesce(volume, 0) + 1, price = price + 0.0001 WHERE id = ?")) {
                        for (int i = 0; i < transactionsEach; i++) {
                            PreparedStatement statement = random.nextBoolean() ? account : tick;
                            statement.setLong(1, 1 + random.nextInt(HOT_ROWS));
                            statement.executeUpdate();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
