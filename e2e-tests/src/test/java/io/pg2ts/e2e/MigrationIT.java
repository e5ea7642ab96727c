package io.pg2ts.e2e;

import static io.pg2ts.e2e.Fixtures.awaitTransactions;
import static io.pg2ts.e2e.Fixtures.count;
import static io.pg2ts.e2e.Fixtures.endpoint;
import static io.pg2ts.e2e.Fixtures.open;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pg2ts.cli.connect.ConnectorConfigs;
import io.pg2ts.cli.demo.SampleDatabase;
import io.pg2ts.cli.demo.SampleWorkload;
import io.pg2ts.cli.migrate.MigrationRun;
import io.pg2ts.testsupport.LocalPostgres;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A whole migration through a real Kafka Connect cluster: the plugins as built, the connectors
 * deployed over REST from the config examples, a source that keeps changing during the snapshot
 * and after it.
 */
class MigrationIT {

    private static final int SEED_ROWS_PER_TABLE = 10_000;

    private static ConnectClusterFixture connect;

    @BeforeAll
    static void startCluster() {
        connect = ConnectClusterFixture.start();
    }

    @AfterAll
    static void stopCluster() {
        if (connect != null) {
            connect.close();
        }
    }

    @Test
    void targetEqualsSourceAfterSnapshotUnderWritesAndStreaming() throws Exception {
        try (LocalPostgres source = LocalPostgres.startSource(); LocalPostgres target = LocalPostgres.startTarget()) {
            try (Connection c = source.connect("postgres")) {
                SampleDatabase.create(c, 4 * SEED_ROWS_PER_TABLE);
            }
            MigrationRun run = new MigrationRun(connect.rest(), endpoint(source), endpoint(target),
                    ConnectClusterFixture.examples(), connect.bootstrapServers(), System.out);

            long writesBeforeDeploy;
            long writesWhenSnapshotLanded;
            try (SampleWorkload workload = SampleWorkload.start(() -> open(source), 2)) {
                awaitTransactions(workload, 20);
                writesBeforeDeploy = workload.transactions();
                run.deploy();
                try (Connection targetDb = target.connect("postgres")) {
                    Fixtures.await("the snapshot of events reached the target", Duration.ofMinutes(3),
                            () -> Fixtures.tableExists(targetDb, "public.events")
                                    && count(targetDb, "SELECT count(*) FROM events") >= SEED_ROWS_PER_TABLE);
                }
                writesWhenSnapshotLanded = workload.transactions();
                awaitTransactions(workload, writesWhenSnapshotLanded + 300);
            }
            // The writes ran while the snapshot was taken, and went on while changes streamed.
            assertThat(writesWhenSnapshotLanded).isGreaterThan(writesBeforeDeploy);

            // Keys the workload has not deleted (it deletes rows at random): the smallest left.
            long account;
            long order;
            long lines;
            try (Connection s = source.connect("postgres")) {
                account = count(s, "SELECT min(id) FROM accounts");
                order = count(s, "SELECT min(order_id) FROM order_lines");
                lines = count(s, "SELECT count(*) FROM order_lines WHERE order_id = " + order);
            }
            source.execute("postgres",
                    "UPDATE order_lines SET order_id = order_id + 1000000 WHERE order_id = " + order,
                    "UPDATE accounts SET id = 90000001 WHERE id = " + account,
                    "DELETE FROM ticks WHERE id BETWEEN 100 AND 199",
                    "UPDATE ticks SET price = NULL, meta = '{\"edited\": true}' WHERE id BETWEEN 200 AND 210",
                    "INSERT INTO events VALUES (now(), 'last', 'after the workload')");

            assertThat(run.awaitVerified(() -> true, Duration.ofMinutes(3))).as("target verified equal").isTrue();

            Fixtures.assertSameRows(source, target, SampleDatabase.TABLES);
            try (Connection t = target.connect("postgres")) {
                assertThat(count(t, "SELECT count(*) FROM order_lines WHERE order_id = " + order)).isZero();
                assertThat(count(t, "SELECT count(*) FROM order_lines WHERE order_id = " + (order + 1000000)))
                        .isEqualTo(lines).isPositive();
                assertThat(count(t, "SELECT count(*) FROM accounts WHERE id = " + account)).isZero();
                assertThat(count(t, "SELECT count(*) FROM accounts WHERE id = 90000001")).isEqualTo(1);
                assertThat(count(t, "SELECT count(*) FROM ticks WHERE id BETWEEN 100 AND 199")).isZero();
                assertThat(count(t, "SELECT count(*) FROM information_schema.table_constraints "
                        + "WHERE table_name = 'order_lines' AND constraint_type = 'PRIMARY KEY'")).isEqualTo(1);
            }
        }
    }

    @Test
    void validateOverRestNamesWalLevelForASourceWithoutLogicalDecoding() throws Exception {
        try (LocalPostgres replicaOnly = LocalPostgres.start(Map.of("wal_level", "replica"))) {
            Map<String, String> config = ConnectorConfigs.withSource(
                    ConnectorConfigs.load(ConnectClusterFixture.examples().resolve("source.json")), endpoint(replicaOnly));
            config.put("name", "validate-only");
            HttpRequest request = HttpRequest.newBuilder(connect.rest().base()
                            .resolve("connector-plugins/PostgresSourceConnector/config/validate"))
                    .header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString(new ObjectMapper().writeValueAsString(config)))
                    .build();
            HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            JsonNode answer = new ObjectMapper().readTree(response.body());
            assertThat(answer.path("error_count").asInt()).isPositive();
            String hostnameErrors = "";
            for (JsonNode field : answer.path("configs")) {
                if (field.path("value").path("name").asText().equals("database.hostname")) {
                    hostnameErrors = field.path("value").path("errors").toString();
                }
            }
            assertThat(hostnameErrors).contains("wal_level").contains("logical");
        }
    }
}
