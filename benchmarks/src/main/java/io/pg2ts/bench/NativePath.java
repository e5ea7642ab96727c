package io.pg2ts.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;

/**
 * PostgreSQL's own logical replication, the fastest way a change stream reaches another server:
 * a publication on the source, a subscription on the target ({@code copy_data = true} for the
 * snapshot, then one apply worker for the changes).
 */
final class NativePath implements BenchPath {

    private static final String NAME = "bench_native";

    @Override
    public String name() {
        return "native";
    }

    @Override
    public String label() {
        return "native logical replication (one apply worker), plain table";
    }

    @Override
    public void run(BenchContext context, PathResult result) throws Exception {
        Servers servers = context.servers();
        Workload workload = context.workload();
        servers.source().execute(Servers.sourceDatabase(name()),
                "CREATE PUBLICATION " + NAME + " FOR TABLE " + Workload.TABLE);
        try (Connection target = servers.target().connect(Servers.targetDatabase(name()))) {
            TargetWatch snapshotWatch = new TargetWatch(target, () -> failIfErrors(target), context.progress(),
                    "native snapshot");
            Instant start = Instant.now();
            try (Statement s = target.createStatement()) {
                s.execute("CREATE SUBSCRIPTION " + NAME + " CONNECTION 'host=" + servers.source().host()
                        + " port=" + servers.source().port() + " dbname=" + Servers.sourceDatabase(name())
                        + " user=postgres' PUBLICATION " + NAME + " WITH (copy_data = true)");
            }
            try {
                Duration snapshot = snapshotWatch.awaitEqual(start, workload.lastSeededRowVisibleSql(),
                        context.expected().afterSnapshot(), context.snapshotTimeout());
                result.snapshot(workload.rows(), snapshot);
                awaitReady(target);

                Instant mixStart = Instant.now();
                try (Connection source = servers.source().connect(Servers.sourceDatabase(name()))) {
                    workload.applyStreamingMix(source);
                }
                result.note("streaming mix committed on the source in "
                        + Report.seconds(Duration.between(mixStart, Instant.now())));
                Duration streaming = new TargetWatch(target, () -> failIfErrors(target), context.progress(),
                        "native streaming").awaitEqual(mixStart, workload.lastTransactionVisibleSql(),
                        context.expected().afterStreaming(), context.streamingTimeout());
                result.streaming(workload.changes(), streaming);
            } finally {
                try (Statement s = target.createStatement()) {
                    s.execute("DROP SUBSCRIPTION " + NAME);
                }
            }
        }
    }

    /** Waits until the table's initial sync is done and only the apply worker runs. */
    private static void awaitReady(Connection target) throws SQLException, InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        while (Instant.now().isBefore(deadline)) {
            try (Statement s = target.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT bool_and(srsubstate = 'r') FROM pg_subscription_rel")) {
                rs.next();
                if (rs.getBoolean(1)) {
                    return;
                }
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the subscription's table did not reach state ready within 2 minutes");
    }

    private static void failIfErrors(Connection target) throws SQLException {
        try (Statement s = target.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT coalesce(sum(apply_error_count + sync_error_count), 0) FROM pg_stat_subscription_stats")) {
            rs.next();
            if (rs.getLong(1) > 0) {
                throw new IllegalStateException("the subscription reports errors; see the target server's log");
            }
        }
    }
}
