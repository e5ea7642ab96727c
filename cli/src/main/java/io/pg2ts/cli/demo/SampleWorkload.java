package io.pg2ts.cli.demo;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Writes to the sample tables in a background thread, as an application would while its
 * database is migrated: inserts, updates, deletes, and updates that change a primary key.
 */
public final class SampleWorkload implements AutoCloseable {

    private final Supplier<Connection> connections;
    private final long pauseMillis;
    private final Random random = new Random(42);
    private final AtomicLong transactions = new AtomicLong();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private volatile boolean running = true;
    private final Thread thread;

    private SampleWorkload(Supplier<Connection> connections, long pauseMillis) {
        this.connections = connections;
        this.pauseMillis = pauseMillis;
        this.thread = new Thread(this::run, "pg2ts-sample-workload");
        this.thread.setDaemon(true);
    }

    /**
     * Starts writing, one small transaction about every {@code pauseMillis}.
     *
     * @param connections opens a connection to the source database
     */
    public static SampleWorkload start(Supplier<Connection> connections, long pauseMillis) {
        SampleWorkload workload = new SampleWorkload(connections, pauseMillis);
        workload.thread.start();
        return workload;
    }

    public long transactions() {
        return transactions.get();
    }

    private void run() {
        try (Connection c = connections.get()) {
            c.setAutoCommit(false);
            while (running) {
                writeOneTransaction(c);
                c.commit();
                transactions.incrementAndGet();
                if (pauseMillis > 0) {
                    Thread.sleep(pauseMillis);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            failure.set(e);
        }
    }

    private void writeOneTransaction(Connection c) throws SQLException {
        int choice = random.nextInt(100);
        try (Statement s = c.createStatement()) {
            if (choice < 30) {
                s.execute("INSERT INTO ticks (symbol, ts, price, volume, meta) SELECT 'NEW', now(), "
                        + "round((random() * 1000)::numeric, 4), (random() * 100)::int, '{\"src\":\"live\"}' "
                        + "FROM generate_series(1, 5)");
            } else if (choice < 45) {
                s.execute("UPDATE ticks SET price = price + 0.0001, volume = coalesce(volume, 0) + 1 "
                        + "WHERE id = (SELECT id FROM ticks ORDER BY random() LIMIT 1)");
            } else if (choice < 52) {
                s.execute("DELETE FROM ticks WHERE id = (SELECT id FROM ticks ORDER BY random() LIMIT 1)");
            } else if (choice < 65) {
                s.execute("UPDATE accounts SET balance = balance + 1.25 "
                        + "WHERE id = (SELECT id FROM accounts ORDER BY random() LIMIT 1)");
            } else if (choice < 70) {
                s.execute("INSERT INTO accounts (email) VALUES ('new' || floor(random() * 1e9) || '@example.com')");
            } else if (choice < 75) {
                s.execute("DELETE FROM accounts WHERE id = (SELECT id FROM accounts ORDER BY random() LIMIT 1)");
            } else if (choice < 82) {
                s.execute("INSERT INTO order_lines SELECT coalesce(max(order_id), 0) + 1, 0, 'SKU-NEW', 1 FROM order_lines");
            } else if (choice < 88) {
                // A primary key change: the source emits a delete of the old key and an insert of the new one.
                s.execute("UPDATE order_lines SET line_no = line_no + 1000 WHERE (order_id, line_no) = "
                        + "(SELECT order_id, line_no FROM order_lines WHERE line_no < 1000 ORDER BY random() LIMIT 1)");
            } else if (choice < 92) {
                s.execute("DELETE FROM order_lines WHERE (order_id, line_no) = "
                        + "(SELECT order_id, line_no FROM order_lines ORDER BY random() LIMIT 1)");
            } else {
                try (PreparedStatement p = c.prepareStatement("INSERT INTO events VALUES (now(), 'live', ?)")) {
                    p.setString(1, "event " + random.nextInt());
                    p.execute();
                }
            }
        }
    }

    /** Stops writing and waits for the last transaction; rethrows what stopped it early. */
    @Override
    public void close() throws Exception {
        running = false;
        thread.join();
        Exception e = failure.get();
        if (e != null) {
            throw new IllegalStateException("the sample workload failed", e);
        }
    }
}
