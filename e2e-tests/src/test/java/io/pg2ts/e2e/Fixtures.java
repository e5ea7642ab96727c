package io.pg2ts.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.pg2ts.cli.connect.PostgresEndpoint;
import io.pg2ts.cli.demo.SampleWorkload;
import io.pg2ts.common.TableId;
import io.pg2ts.testsupport.LocalPostgres;
import io.pg2ts.testsupport.TableComparison;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/** Small helpers the end-to-end tests share. */
final class Fixtures {

    private Fixtures() {
    }

    static PostgresEndpoint endpoint(LocalPostgres pg) {
        return new PostgresEndpoint(pg.host(), pg.port(), "postgres", LocalPostgres.USER, "");
    }

    static Connection open(LocalPostgres pg) {
        try {
            return pg.connect("postgres");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static long count(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Polls until the condition holds; fails with the description after the timeout. */
    static void await(String description, Duration timeout, Callable<Boolean> condition) throws Exception {
        await(() -> description, timeout, condition);
    }

    /** Polls until the condition holds; fails with the description, made then, after the timeout. */
    static void await(Supplier<String> description, Duration timeout, Callable<Boolean> condition) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        while (!condition.call()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("not within " + timeout + ": " + description.get());
            }
            Thread.sleep(100);
        }
    }

    /** Waits until the workload has committed at least this many transactions. */
    static void awaitTransactions(SampleWorkload workload, long atLeast) throws Exception {
        await("workload reached " + atLeast + " transactions", Duration.ofMinutes(2), () -> workload.transactions() >= atLeast);
    }

    static boolean tableExists(Connection c, String table) throws SQLException {
        return count(c, "SELECT count(*) FROM pg_tables WHERE schemaname || '.' || tablename = '" + table + "'") > 0;
    }

    /** Whether every table holds the same rows on both sides; a table missing on the target differs. */
    static boolean sameRows(LocalPostgres source, LocalPostgres target, List<String> tables) throws SQLException {
        try (Connection s = source.connect("postgres"); Connection t = target.connect("postgres")) {
            for (String table : tables) {
                if (!tableExists(t, table)) {
                    return false;
                }
                String quoted = TableId.parse(table).quoted();
                if (!TableComparison.fingerprint(t, quoted).equals(TableComparison.fingerprint(s, quoted))) {
                    return false;
                }
            }
            return true;
        }
    }

    /** Asserts that every table holds the same rows on both sides (count and ordered checksum). */
    static void assertSameRows(LocalPostgres source, LocalPostgres target, List<String> tables) throws SQLException {
        try (Connection s = source.connect("postgres"); Connection t = target.connect("postgres")) {
            for (String table : tables) {
                String quoted = TableId.parse(table).quoted();
                assertThat(TableComparison.fingerprint(t, quoted)).as(table).isEqualTo(TableComparison.fingerprint(s, quoted));
            }
        }
    }
}
