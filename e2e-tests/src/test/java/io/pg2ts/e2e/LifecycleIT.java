package io.pg2ts.e2e;

import static io.pg2ts.e2e.Fixtures.count;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pg2ts.cli.Pg2ts;
import io.pg2ts.cli.connect.ConnectorConfigs;
import io.pg2ts.testsupport.LocalPostgres;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole lifecycle with the pg2ts commands as a user runs them: an application keeps writing
 * to sequence-backed tables while {@code schema}, {@code deploy} and the migration run; once it
 * stops, {@code cutover} drains, syncs the sequences and verifies; then the application writes to
 * the target through the same column defaults, and {@code cleanup} removes the slot.
 */
class LifecycleIT {

    private static final String[] SCHEMA = {
        "CREATE TYPE order_state AS ENUM ('open', 'paid', 'shipped')",
        "CREATE TABLE customers (id bigserial PRIMARY KEY, email text NOT NULL UNIQUE, created_at timestamptz NOT NULL DEFAULT now())",
        "CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
                + "customer_id bigint NOT NULL REFERENCES customers, state order_state NOT NULL DEFAULT 'open', "
                + "amount numeric(12,2) NOT NULL)",
        "CREATE INDEX orders_customer ON orders (customer_id)",
        "CREATE SEQUENCE invoice_numbers START 1000",
        "CREATE TABLE invoices (number bigint PRIMARY KEY DEFAULT nextval('invoice_numbers'), "
                + "order_id bigint NOT NULL REFERENCES orders, issued_at timestamptz NOT NULL DEFAULT now())",
        "ALTER SEQUENCE invoice_numbers OWNED BY invoices.number",
        "INSERT INTO customers (email) SELECT 'c' || g || '@example.com' FROM generate_series(1, 2000) g",
        "INSERT INTO orders (customer_id, amount) SELECT 1 + g % 2000, g * 0.5 FROM generate_series(1, 5000) g",
        "INSERT INTO invoices (order_id) SELECT g FROM generate_series(1, 5000, 3) g",
    };

    private static final List<String> TABLES = List.of("public.customers", "public.orders", "public.invoices");

    private static final ObjectMapper JSON = new ObjectMapper();

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
    void schemaDeployCutoverThenTheApplicationInsertsOnTheTargetThroughTheSameSequences(@TempDir Path dir)
            throws Exception {
        try (LocalPostgres source = LocalPostgres.startSource(); LocalPostgres target = LocalPostgres.startTarget()) {
            source.execute("postgres", SCHEMA);
            String sourceUrl = url(source);
            String targetUrl = url(target);
            String rest = connect.rest().base().toString();

            Workload workload = new Workload(source);
            Thread writer = new Thread(workload, "application");
            writer.start();
            try {
                Fixtures.await("the application wrote", Duration.ofSeconds(30), () -> workload.transactions.get() > 20);
                Run schema = pg2ts("schema", "--source", sourceUrl, "--target", targetUrl, "--defer-indexes");
                assertThat(schema.status).as(schema.output).isZero();

                Path sourceFile = write(dir.resolve("pg2ts-source.json"),
                        ConnectorConfigs.load(ConnectClusterFixture.examples().resolve("source.json")));
                Path sinkFile = write(dir.resolve("pg2ts-sink.json"),
                        ConnectorConfigs.load(ConnectClusterFixture.examples().resolve("sink.json")));
                // The user edits the examples: where the databases are.
                edit(sourceFile, Map.of("database.hostname", source.host(), "database.port", "" + source.port(),
                        "database.dbname", "postgres", "database.user", LocalPostgres.USER, "database.password", ""));
                edit(sinkFile, Map.of("connection.url", "jdbc:postgresql://" + target.host() + ":" + target.port()
                        + "/postgres", "connection.user", LocalPostgres.USER, "connection.password", ""));
                Run deploy = pg2ts("deploy", "--connect", rest, "--kafka", connect.bootstrapServers(),
                        sourceFile.toString(), sinkFile.toString());
                assertThat(deploy.status).as(deploy.output).isZero();
                assertThat(deploy.output).contains("pg2ts-source", "pg2ts-sink", "created");

                // The snapshot lands while the application writes; status says when every table has it.
                Fixtures.await("status --json shows every table's snapshot done", Duration.ofMinutes(3), () -> {
                    JsonNode status = JSON.readTree(pg2ts("status", "--source", sourceUrl, "--target", targetUrl,
                            "--connect", rest, "--kafka", connect.bootstrapServers(), "--json", "--once").output);
                    boolean done = status.path("tables").size() == 3;
                    for (JsonNode table : status.path("tables")) {
                        done &= table.path("snapshot_done").asBoolean();
                    }
                    return done;
                });
                long atSnapshot = workload.transactions.get();
                Fixtures.await("the application kept writing while changes streamed", Duration.ofSeconds(60),
                        () -> workload.transactions.get() > atSnapshot + 100);
            } finally {
                workload.stop.set(true);
                writer.join();
            }
            assertThat(workload.failure.get()).isNull();
            // The application has stopped: status says when the target has caught up with it.
            Fixtures.await("status --json shows caught_up", Duration.ofMinutes(2), () -> {
                JsonNode status = JSON.readTree(pg2ts("status", "--source", sourceUrl, "--target", targetUrl,
                        "--connect", rest, "--kafka", connect.bootstrapServers(), "--json", "--once").output);
                return status.path("caught_up").asBoolean() && status.path("kafka_backlog_total").asLong(-1) == 0;
            });
            // The server goes on writing WAL for another database, which the slot's decoding skips:
            // the quiet point lies beyond the last change the connector saw.
            source.execute("postgres", "CREATE DATABASE other");
            source.execute("other", "CREATE TABLE busy (n int)", "INSERT INTO busy SELECT generate_series(1, 10000)");

            Run cutover = pg2ts("cutover", "--source", sourceUrl, "--target", targetUrl, "--connect", rest,
                    "--kafka", connect.bootstrapServers(), "--timeout", "PT3M");
            assertThat(cutover.status).as(cutover.output).isZero();
            assertThat(cutover.output).contains("drained in", "sequences: 3 set", "verified: all 3 tables equal",
                    "cutover complete: window");
            // What schema deferred for the snapshot exists now: the index, the unique and foreign keys.
            try (Connection t = target.connect("postgres")) {
                assertThat(count(t, "SELECT count(*) FROM pg_indexes WHERE indexname = 'orders_customer'")).isOne();
                String constraints = "SELECT count(*) FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND contype = ";
                assertThat(count(t, constraints + "'f'")).isEqualTo(2);
                assertThat(count(t, constraints + "'u'")).isOne();
            }

            Run verify = pg2ts("verify", "--source", sourceUrl, "--target", targetUrl);
            assertThat(verify.status).as(verify.output).isZero();
            for (String table : TABLES) {
                assertThat(verify.output).contains(table + ": equal");
            }

            // The application moves to the target: inserts through the column defaults take values
            // after the source's, so none collides with a migrated row.
            try (Connection s = source.connect("postgres"); Connection t = target.connect("postgres")) {
                long customers = max(s, "SELECT max(id) FROM customers");
                long orders = max(s, "SELECT max(id) FROM orders");
                long invoices = max(s, "SELECT max(number) FROM invoices");
                try (Statement st = t.createStatement()) {
                    for (int i = 0; i < 3; i++) {
                        st.execute("WITH c AS (INSERT INTO customers (email) VALUES ('after-cutover-" + i
                                + "@example.com') RETURNING id), o AS (INSERT INTO orders (customer_id, amount) "
                                + "SELECT id, 9.99 FROM c RETURNING id) INSERT INTO invoices (order_id) SELECT id FROM o");
                    }
                }
                assertThat(max(t, "SELECT min(id) FROM customers WHERE email LIKE 'after-cutover-%'")).isGreaterThan(customers);
                assertThat(max(t, "SELECT min(id) FROM orders WHERE amount = 9.99")).isGreaterThan(orders);
                assertThat(max(t, "SELECT min(number) FROM invoices WHERE order_id > " + orders)).isGreaterThan(invoices);
            }

            Run cleanup = pg2ts("cleanup", "--source", sourceUrl, "--target", targetUrl, "--connect", rest, "--drop-offsets");
            assertThat(cleanup.status).as(cleanup.output).isZero();
            try (Connection s = source.connect("postgres"); Connection t = target.connect("postgres")) {
                assertThat(count(s, "SELECT count(*) FROM pg_replication_slots")).isZero();
                assertThat(count(s, "SELECT count(*) FROM pg_publication")).isZero();
                assertThat(count(t, "SELECT count(*) FROM pg_tables WHERE schemaname = 'pg2ts' AND tablename = 'sink_offsets'"))
                        .isZero();
            }
        }
    }

    /** What a pg2ts command printed and its exit status. */
    record Run(int status, String output) {
    }

    /** Runs a pg2ts command in this JVM as the launcher would, echoing and capturing what it prints. */
    static Run pg2ts(String... args) {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        PrintStream tee = new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                captured.write(b);
                original.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                captured.write(b, off, len);
                original.write(b, off, len);
            }
        }, true, StandardCharsets.UTF_8);
        System.setOut(tee);
        try {
            int status = Pg2ts.commandLine().execute(args);
            return new Run(status, captured.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(original);
        }
    }

    private static Path write(Path file, Map<String, String> config) throws IOException {
        Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(config));
        return file;
    }

    private static void edit(Path file, Map<String, String> changes) throws IOException {
        Map<String, String> config = ConnectorConfigs.load(file);
        config.putAll(changes);
        write(file, config);
    }

    static String url(LocalPostgres pg) {
        return "jdbc:postgresql://" + pg.host() + ":" + pg.port() + "/postgres?user=" + LocalPostgres.USER;
    }

    private static long max(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** An application writing through the column defaults: new customers, orders and invoices, updates, deletes. */
    private static final class Workload implements Runnable {
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicLong transactions = new AtomicLong();
        final AtomicReference<Exception> failure = new AtomicReference<>();
        private final LocalPostgres source;

        Workload(LocalPostgres source) {
            this.source = source;
        }

        @Override
        public void run() {
            try (Connection c = source.connect("postgres"); Statement s = c.createStatement()) {
                List<String> statements = new ArrayList<>();
                while (!stop.get()) {
                    long n = transactions.get();
                    int customer = 1 + ThreadLocalRandom.current().nextInt(2000);
                    statements.clear();
                    statements.add("INSERT INTO customers (email) VALUES ('w" + n + "@example.com')");
                    statements.add("INSERT INTO orders (customer_id, amount) VALUES (" + customer + ", " + (n % 500) + ".25)");
                    statements.add("INSERT INTO invoices (order_id) SELECT max(id) FROM orders");
                    statements.add("UPDATE orders SET state = 'paid' WHERE id = " + (1 + n % 5000));
                    if (n % 7 == 0) {
                        statements.add("DELETE FROM invoices WHERE number = (SELECT min(number) FROM invoices)");
                    }
                    c.setAutoCommit(false);
                    for (String sql : statements) {
                        s.execute(sql);
                    }
                    c.commit();
                    transactions.incrementAndGet();
                    Thread.sleep(5);
                }
            } catch (Exception e) {
                failure.set(e);
            }
        }
    }
}
