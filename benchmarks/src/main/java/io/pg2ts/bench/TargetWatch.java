package io.pg2ts.bench;

import io.pg2ts.testsupport.TableComparison.Fingerprint;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;

/**
 * Watches the target table until it equals what the source holds, and says when it first did.
 * Polling must not slow down the path it measures, so it escalates: a cheap index lookup for the
 * last expected change every 200 ms, then a row count, and only when the count is right the
 * ordered checksum of all rows. The moment taken is the start of the lookup whose state the count
 * and checksum then confirmed (or, if they did not, the start of the checksum that finally did).
 */
final class TargetWatch {

    /** Checked between polls: throws when the path has failed and will not catch up. */
    @FunctionalInterface
    interface HealthCheck {
        void check() throws Exception;
    }

    private static final Duration PROBE_INTERVAL = Duration.ofMillis(200);
    private static final Duration COUNT_INTERVAL = Duration.ofSeconds(1);
    private static final Duration HEALTH_INTERVAL = Duration.ofSeconds(2);
    private static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(15);

    private final Connection target;
    private final HealthCheck health;
    private final PrintStream progress;
    private final String label;

    TargetWatch(Connection target, HealthCheck health, PrintStream progress, String label) {
        this.target = target;
        this.health = health;
        this.progress = progress;
        this.label = label;
    }

    /**
     * @param start when the phase began
     * @param probeSql a query returning true once the last change of the phase is on the target
     * @return time from {@code start} until the target first equalled {@code expected}
     */
    Duration awaitEqual(Instant start, String probeSql, Fingerprint expected, Duration timeout) throws Exception {
        Instant deadline = start.plus(timeout);
        Instant lastHealth = Instant.now();
        Instant lastProgress = Instant.now();
        boolean probing = true;
        long lastCount = -1;
        while (Instant.now().isBefore(deadline)) {
            Instant polled = Instant.now();
            if (probing && !queryBoolean(probeSql)) {
                sleep(PROBE_INTERVAL);
            } else {
                lastCount = count();
                if (lastCount == expected.rows()) {
                    Instant checksummed = Instant.now();
                    if (Servers.fingerprint(target).equals(expected)) {
                        return Duration.between(start, probing ? polled : checksummed);
                    }
                    // The count is right but some update is not there yet: from now on count and checksum.
                    probing = false;
                }
                sleep(COUNT_INTERVAL);
            }
            if (Duration.between(lastHealth, Instant.now()).compareTo(HEALTH_INTERVAL) >= 0) {
                health.check();
                lastHealth = Instant.now();
            }
            if (Duration.between(lastProgress, Instant.now()).compareTo(PROGRESS_INTERVAL) >= 0) {
                progress.printf("  %s: %d s, target has %,d of %,d rows%n", label,
                        Duration.between(start, Instant.now()).toSeconds(), count(), expected.rows());
                lastProgress = Instant.now();
            }
        }
        throw new IllegalStateException("target not equal to the source after " + timeout.toSeconds() + " s ("
                + (lastCount < 0 ? count() : lastCount) + " of " + expected.rows() + " rows)");
    }

    private boolean queryBoolean(String sql) throws SQLException {
        try (Statement s = target.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    private long count() throws SQLException {
        try (Statement s = target.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM " + Workload.TABLE)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void sleep(Duration d) throws InterruptedException {
        Thread.sleep(d.toMillis());
    }
}
