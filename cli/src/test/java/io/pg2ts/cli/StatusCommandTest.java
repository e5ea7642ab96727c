package io.pg2ts.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pg2ts.cli.connect.PostgresEndpoint;
import io.pg2ts.cli.migrate.MigrationRun;
import io.pg2ts.testsupport.LocalPostgres;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * pg2ts status --json against a real migration (source and target PostgreSQL, Kafka broker and
 * Connect worker with the built plugins): every number it prints is what the databases and
 * Kafka hold.
 */
class StatusCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofMinutes(3);

    @Test
    void jsonNumbersMatchWhatSourceTargetAndSlotHoldAfterSnapshotAndStreamedChanges() throws Exception {
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        try (LocalPostgres source = LocalPostgres.startSource(); LocalPostgres target = LocalPostgres.startTarget();
                LocalCluster cluster = LocalCluster.start(Path.of(System.getProperty("pg2ts.config.examples")),
                        Path.of(System.getProperty("pg2ts.plugin.path")), quiet)) {
            source.execute("postgres",
                    "CREATE TABLE public.accounts (id bigint PRIMARY KEY, owner text)",
                    "INSERT INTO public.accounts SELECT g, 'owner ' || g FROM generate_series(1, 1200) g",
                    "CREATE TABLE public.items (id integer PRIMARY KEY, name text)",
                    "INSERT INTO public.items SELECT g, 'item ' || g FROM generate_series(1, 700) g");
            new MigrationRun(cluster.rest(), endpoint(source), endpoint(target), Path.of(System.getProperty("pg2ts.config.examples")),
                    cluster.bootstrapServers(), quiet).deploy();
            String[] args = {"--source", url(source), "--target", url(target), "--connect", cluster.rest().base().toString(),
                    "--kafka", cluster.bootstrapServers(), "--json"};

            // The snapshot alone: both tables done by their last snapshot row, nothing streamed yet.
            JsonNode snapshot = await(() -> status(args), s -> s.path("caught_up").asBoolean());
            assertThat(table(snapshot, "public.accounts").path("snapshot_rows").asLong()).isEqualTo(1200);
            assertThat(table(snapshot, "public.accounts").path("snapshot_done").asBoolean()).isTrue();
            assertThat(table(snapshot, "public.items").path("snapshot_rows").asLong()).isEqualTo(700);
            assertThat(table(snapshot, "public.items").path("snapshot_done").asBoolean()).isTrue();
            assertThat(table(snapshot, "public.items").path("inserted").asLong()).isZero();

            source.execute("postgres",
                    "INSERT INTO public.accounts SELECT g, 'new ' || g FROM generate_series(5001, 5007) g",
                    "UPDATE public.accounts SET owner = 'changed' WHERE id IN (1, 2)",
                    "UPDATE public.items SET name = 'renamed' WHERE id BETWEEN 10 AND 13",
                    "DELETE FROM public.items WHERE id IN (20, 21, 22)");
            Instant lastCommit;
            try (Connection c = source.connect("postgres"); Statement s = c.createStatement()) {
                c.setAutoCommit(false);
                s.execute("DELETE FROM public.accounts WHERE id = 3");
                lastCommit = queryInstant(s, "SELECT clock_timestamp()");
                c.commit();
            }

            JsonNode status = await(() -> status(args),
                    s -> table(s, "public.accounts").path("deleted").asLong() == 1 && s.path("caught_up").asBoolean());
            String slotBefore;
            String slotAfter;
            try (Connection s = source.connect("postgres"); Statement st = s.createStatement()) {
                slotBefore = queryText(st, "SELECT confirmed_flush_lsn::text FROM pg_replication_slots");
                status = status(args);
                slotAfter = queryText(st, "SELECT confirmed_flush_lsn::text FROM pg_replication_slots");
            }

            JsonNode accounts = table(status, "public.accounts");
            JsonNode items = table(status, "public.items");
            assertThat(status.path("tables")).hasSize(2);
            try (Connection s = source.connect("postgres"); Statement st = s.createStatement();
                    Connection t = target.connect("postgres"); Statement tt = t.createStatement()) {
                // Below 100,000 rows the source is counted, not estimated.
                assertThat(accounts.path("source_rows").asLong()).isEqualTo(count(st, "public.accounts")).isEqualTo(1206);
                assertThat(accounts.path("source_rows_exact").asBoolean()).isTrue();
                assertThat(items.path("source_rows").asLong()).isEqualTo(count(st, "public.items")).isEqualTo(697);
                assertThat(accounts.path("snapshot_rows").asLong()).isEqualTo(1200);
                assertThat(accounts.path("snapshot_percent").asDouble()).isEqualTo(100.0);
                assertThat(accounts.path("inserted").asLong()).isEqualTo(7);
                assertThat(accounts.path("updated").asLong()).isEqualTo(2);
                assertThat(accounts.path("deleted").asLong()).isEqualTo(1);
                assertThat(items.path("snapshot_rows").asLong()).isEqualTo(700);
                assertThat(items.path("inserted").asLong()).isZero();
                assertThat(items.path("updated").asLong()).isEqualTo(4);
                assertThat(items.path("deleted").asLong()).isEqualTo(3);
                // What the sink says it applied is what the target holds.
                assertThat(count(tt, "public.accounts")).isEqualTo(accounts.path("snapshot_rows").asLong()
                        + accounts.path("inserted").asLong() - accounts.path("deleted").asLong());
                assertThat(count(tt, "public.items")).isEqualTo(items.path("snapshot_rows").asLong()
                        + items.path("inserted").asLong() - items.path("deleted").asLong());

                JsonNode slot = status.path("slot");
                assertThat(slot.path("name").asText()).isEqualTo(queryText(st, "SELECT slot_name FROM pg_replication_slots"));
                assertThat(slot.path("active").asBoolean()).isTrue();
                assertThat(queryText(st, "SELECT '" + slot.path("confirmed_flush_lsn").asText() + "'::pg_lsn BETWEEN '"
                        + slotBefore + "'::pg_lsn AND '" + slotAfter + "'::pg_lsn")).isEqualTo("t");
                assertThat(slot.path("lag_bytes").asLong()).isEqualTo(Long.parseLong(queryText(st, "SELECT pg_wal_lsn_diff('"
                        + slot.path("current_wal_lsn").asText() + "', '" + slot.path("confirmed_flush_lsn").asText() + "')::bigint")));
                assertThat(slot.path("lag_bytes").asLong()).isBetween(0L, 65536L);
            }
            Instant newest = Instant.parse(accounts.path("newest_source_ts").asText());
            assertThat(Duration.between(lastCommit, newest).abs()).isLessThanOrEqualTo(Duration.ofSeconds(1));
            Instant readAt = Instant.parse(status.path("read_at").asText());
            assertThat(status.path("lag_seconds").asDouble())
                    .isCloseTo(Duration.between(newest, readAt).toMillis() / 1000.0, within(0.01));
            assertThat(status.path("kafka_backlog_total").asLong()).isZero();
            assertThat(status.path("kafka_backlog").has("pg2ts.public.accounts")).isTrue();
            assertThat(status.path("connectors").findValuesAsText("state")).containsExactly("RUNNING", "RUNNING");
            assertThat(status.path("caught_up").asBoolean()).isTrue();
        }
    }

    @Test
    void kafkaBacklogCountsRecordsTheSinkHasNotAppliedAndCaughtUpIsFalseMeanwhile() throws Exception {
        // With the sink stopped, changes written meanwhile wait in Kafka: the backlog counts them.
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        try (LocalPostgres source = LocalPostgres.startSource(); LocalPostgres target = LocalPostgres.startTarget();
                LocalCluster cluster = LocalCluster.start(Path.of(System.getProperty("pg2ts.config.examples")),
                        Path.of(System.getProperty("pg2ts.plugin.path")), quiet)) {
            source.execute("postgres", "CREATE TABLE public.items (id integer PRIMARY KEY, name text)",
                    "INSERT INTO public.items SELECT g, 'item ' || g FROM generate_series(1, 50) g");
            new MigrationRun(cluster.rest(), endpoint(source), endpoint(target), Path.of(System.getProperty("pg2ts.config.examples")),
                    cluster.bootstrapServers(), quiet).deploy();
            String[] args = {"--source", url(source), "--target", url(target), "--connect", cluster.rest().base().toString(),
                    "--kafka", cluster.bootstrapServers(), "--json"};
            await(() -> status(args), s -> s.path("caught_up").asBoolean());

            cluster.rest().stop(MigrationRun.SINK_CONNECTOR);
            cluster.rest().awaitStopped(MigrationRun.SINK_CONNECTOR, WAIT);
            source.execute("postgres", "INSERT INTO public.items SELECT g, 'late' FROM generate_series(101, 125) g");
            JsonNode waiting = await(() -> status(args), s -> s.path("kafka_backlog_total").asLong() == 25);

            assertThat(waiting.path("caught_up").asBoolean()).isFalse();
            assertThat(table(waiting, "public.items").path("inserted").asLong()).isZero();
            assertThat(waiting.path("connectors").findValuesAsText("state")).containsExactly("RUNNING", "STOPPED");
        }
    }

    private static JsonNode status(String[] args) throws Exception {
        StringWriter out = new StringWriter();
        CommandLine command = new CommandLine(new StatusCommand());
        command.setOut(new PrintWriter(out));
        StringWriter err = new StringWriter();
        command.setErr(new PrintWriter(err));
        int exit = command.execute(args);
        assertThat(exit).as(err.toString()).isZero();
        String text = out.toString().strip();
        assertThat(text.lines().count()).as(text).isEqualTo(1);
        return JSON.readTree(text);
    }

    private static JsonNode table(JsonNode status, String name) {
        for (JsonNode table : status.path("tables")) {
            if (table.path("table").asText().equals(name)) {
                return table;
            }
        }
        throw new AssertionError("no table " + name + " in " + status);
    }

    private interface Check {
        boolean test(JsonNode status);
    }

    private static JsonNode await(Callable<JsonNode> read, Check done) throws Exception {
        Instant deadline = Instant.now().plus(WAIT);
        JsonNode last = null;
        while (Instant.now().isBefore(deadline)) {
            last = read.call();
            if (done.test(last)) {
                return last;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("status did not get there within " + WAIT + "; last: " + last);
    }

    private static long count(Statement s, String table) throws SQLException {
        return Long.parseLong(queryText(s, "SELECT count(*) FROM " + table));
    }

    private static String queryText(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static Instant queryInstant(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getTimestamp(1).toInstant();
        }
    }

    private static String url(LocalPostgres pg) {
        return pg.jdbcUrl("postgres") + "?user=" + LocalPostgres.USER;
    }

    private static PostgresEndpoint endpoint(LocalPostgres pg) {
        return new PostgresEndpoint(pg.host(), pg.port(), "postgres", LocalPostgres.USER, "");
    }
}
