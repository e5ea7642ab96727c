package io.pg2ts.bench;

import io.pg2ts.testsupport.LocalPostgres;
import io.pg2ts.testsupport.TableComparison;
import io.pg2ts.testsupport.TableComparison.Fingerprint;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The source and the target PostgreSQL server that every path shares, one after the other. The
 * seeded table lives once in a template database on the source; each path gets a fresh copy of it
 * ({@code src_<path>}) and an empty target database ({@code tgt_<path>}) with the same table, and
 * both are dropped when the path is done.
 */
final class Servers implements AutoCloseable {

    private static final String SEED_DATABASE = "seed";
    private static final String QUOTED_TABLE = "\"public\".\"" + Workload.TABLE + "\"";

    private final LocalPostgres source;
    private final LocalPostgres target;

    private Servers(LocalPostgres source, LocalPostgres target) {
        this.source = source;
        this.target = target;
    }

    /** Both servers with the same settings, for bulk loads: large buffers, rare checkpoints, no fsync. */
    static Servers start() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("shared_buffers", "256MB");
        settings.put("max_wal_size", "4GB");
        settings.put("checkpoint_timeout", "30min");
        settings.put("maintenance_work_mem", "256MB");
        settings.put("log_min_messages", "warning");
        Map<String, String> sourceSettings = new LinkedHashMap<>(settings);
        sourceSettings.put("wal_level", "logical");
        LocalPostgres source = LocalPostgres.start(sourceSettings);
        try {
            return new Servers(source, LocalPostgres.start(settings));
        } catch (RuntimeException e) {
            source.close();
            throw e;
        }
    }

    LocalPostgres source() {
        return source;
    }

    LocalPostgres target() {
        return target;
    }

    /** What the target must hold after the snapshot and after the streaming mix. */
    record Expected(Fingerprint afterSnapshot, Fingerprint afterStreaming, long bytesPerRow, String postgresVersion) {
    }

    /** Seeds the template database and fingerprints the table as it is, and as the mix leaves it. */
    Expected prepare(Workload workload) throws SQLException {
        source.createDatabase(SEED_DATABASE);
        Fingerprint afterSnapshot;
        long bytesPerRow;
        String version;
        try (Connection c = source.connect(SEED_DATABASE); Statement s = c.createStatement()) {
            workload.seed(c);
            // Frozen and hinted once here, so no path pays for setting hint bits on its first read.
            s.execute("VACUUM (FREEZE, ANALYZE) " + Workload.TABLE);
            afterSnapshot = TableComparison.fingerprint(c, QUOTED_TABLE);
            bytesPerRow = Workload.bytesPerRow(c);
            try (ResultSet rs = s.executeQuery("SHOW server_version")) {
                rs.next();
                version = rs.getString(1);
            }
        }
        String scratch = "expected_after_streaming";
        copySeed(scratch);
        Fingerprint afterStreaming;
        try (Connection c = source.connect(scratch)) {
            workload.applyStreamingMix(c);
            afterStreaming = TableComparison.fingerprint(c, QUOTED_TABLE);
        }
        dropDatabase(source, scratch);
        return new Expected(afterSnapshot, afterStreaming, bytesPerRow, version);
    }

    static String sourceDatabase(String path) {
        return "src_" + path;
    }

    static String targetDatabase(String path) {
        return "tgt_" + path;
    }

    /**
     * A fresh copy of the seeded source table and an empty target table for one path, then a
     * checkpoint on both servers: with {@code max_wal_size} at 4 GB, the WAL an earlier path left
     * would otherwise bring a checkpoint (writing every dirty buffer) into this path's measurement.
     */
    void createPathDatabases(String path) throws SQLException {
        copySeed(sourceDatabase(path));
        target.createDatabase(targetDatabase(path));
        target.execute(targetDatabase(path), Workload.CREATE_TABLE);
        source.execute("postgres", "CHECKPOINT");
        target.execute("postgres", "CHECKPOINT");
    }

    /** An empty target database with the workload's table, for a second sink of a path. */
    void createTargetDatabase(String database) throws SQLException {
        target.createDatabase(database);
        target.execute(database, Workload.CREATE_TABLE);
    }

    void dropTargetDatabase(String database) throws SQLException {
        dropDatabase(target, database);
    }

    /** Drops the path's databases and the replication slots left on its source database. */
    void dropPathDatabases(String path) throws SQLException, InterruptedException {
        dropSlots(sourceDatabase(path));
        dropDatabase(source, sourceDatabase(path));
        dropDatabase(target, targetDatabase(path));
    }

    Fingerprint sourceFingerprint(String path) throws SQLException {
        try (Connection c = source.connect(sourceDatabase(path))) {
            return TableComparison.fingerprint(c, QUOTED_TABLE);
        }
    }

    static Fingerprint fingerprint(Connection c) throws SQLException {
        return TableComparison.fingerprint(c, QUOTED_TABLE);
    }

    private void copySeed(String database) throws SQLException {
        // FILE_COPY copies the files after a checkpoint instead of logging every block in the WAL.
        source.execute("postgres", "CREATE DATABASE " + database + " TEMPLATE " + SEED_DATABASE + " STRATEGY FILE_COPY");
    }

    private void dropSlots(String database) throws SQLException, InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        try (Connection c = source.connect("postgres"); Statement s = c.createStatement()) {
            while (true) {
                s.execute("SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots "
                        + "WHERE database = '" + database + "' AND active_pid IS NOT NULL");
                try (ResultSet rs = s.executeQuery("SELECT count(pg_drop_replication_slot(slot_name)) "
                        + "FROM pg_replication_slots WHERE database = '" + database + "' AND NOT active")) {
                    rs.next();
                }
                try (ResultSet rs = s.executeQuery(
                        "SELECT count(*) FROM pg_replication_slots WHERE database = '" + database + "'")) {
                    rs.next();
                    if (rs.getLong(1) == 0) {
                        return;
                    }
                }
                if (Instant.now().isAfter(deadline)) {
                    throw new SQLException("replication slots on " + database + " are still in use after 30 s");
                }
                Thread.sleep(500);
            }
        }
    }

    private static void dropDatabase(LocalPostgres server, String database) throws SQLException {
        server.execute("postgres", "DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    }

    @Override
    public void close() {
        try {
            target.close();
        } finally {
            source.close();
        }
    }
}
