package io.pg2ts.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * What every path moves: a table of ticks ({@code bigint} key, {@code timestamptz}, {@code text},
 * {@code numeric(12,4)}, {@code int}, {@code text}, {@code jsonb}) of {@code rows} rows, then a
 * streaming mix of inserts, updates and deletes applied on the source in transactions of
 * {@code transactionRows} rows each, interleaved as an application would. Every value derives from
 * the row's key, so the mix leaves the same rows on every run and the expected checksum can be
 * computed once.
 */
record Workload(long rows, long inserts, long updates, long deletes, int transactionRows) {

    static final String TABLE = "ticks";

    static final String CREATE_TABLE = "CREATE TABLE " + TABLE + " (id bigint PRIMARY KEY, ts timestamptz NOT NULL, "
            + "symbol text NOT NULL, price numeric(12,4), volume int, exchange text, meta jsonb)";

    /** Updated rows carry their volume plus this; seeded and inserted volumes stay below it. */
    private static final long UPDATED_VOLUME = 1_000_000;

    Workload {
        if (rows < 1 || inserts < 0 || updates < 0 || deletes < 0 || transactionRows < 1) {
            throw new IllegalArgumentException("rows must be positive, changes not negative, transactions at least one row");
        }
        if (updates + deletes > rows) {
            throw new IllegalArgumentException("updates and deletes touch distinct seeded rows: updates + deletes ("
                    + (updates + deletes) + ") must not exceed rows (" + rows + ")");
        }
    }

    Workload scaled(double scale) {
        return new Workload(Math.max(1, Math.round(rows * scale)), Math.round(inserts * scale),
                Math.round(updates * scale), Math.round(deletes * scale), transactionRows);
    }

    long changes() {
        return inserts + updates + deletes;
    }

    long rowsAfterStreaming() {
        return rows + inserts - deletes;
    }

    /** Creates the table and fills it with the seeded rows; the caller then freezes it. */
    void seed(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(CREATE_TABLE);
            s.execute("INSERT INTO " + TABLE + " " + rowsFrom(1, rows, "seed"));
        }
    }

    /** Applies the streaming mix, one transaction at a time, as fast as the source takes it. */
    void applyStreamingMix(Connection c) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            for (Transaction t : streamingTransactions()) {
                s.executeUpdate(t.sql());
                c.commit();
            }
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }

    /**
     * The mix's transactions: inserts of new keys after the seeded ones, updates of the first
     * seeded keys, deletes of the last ones, spread evenly so each kind keeps its share all along.
     */
    List<Transaction> streamingTransactions() {
        long[] total = {blocks(inserts), blocks(updates), blocks(deletes)};
        long[] done = new long[3];
        List<Transaction> result = new ArrayList<>();
        long all = total[0] + total[1] + total[2];
        for (long n = 0; n < all; n++) {
            int next = -1;
            double due = Double.MAX_VALUE;
            for (int kind = 0; kind < 3; kind++) {
                if (done[kind] < total[kind]) {
                    double kindDue = (done[kind] + 1) / (double) total[kind];
                    if (kindDue < due) {
                        due = kindDue;
                        next = kind;
                    }
                }
            }
            long block = done[next]++;
            result.add(switch (next) {
                case 0 -> block(Kind.INSERT, rows + 1, rows + inserts, block);
                case 1 -> block(Kind.UPDATE, 1, updates, block);
                default -> block(Kind.DELETE, rows - deletes + 1, rows, block);
            });
        }
        return result;
    }

    /**
     * A cheap query (an index range scan) that is true once the mix's last transaction shows on
     * the target. Every path applies changes in source commit order, so from then on a count and
     * a checksum can confirm that the whole mix did.
     */
    String lastTransactionVisibleSql() {
        List<Transaction> all = streamingTransactions();
        return all.isEmpty() ? "SELECT true" : all.get(all.size() - 1).visibleSql();
    }

    /** True once the last seeded row is on the target: snapshots copy rows in key order. */
    String lastSeededRowVisibleSql() {
        return "SELECT EXISTS (SELECT 1 FROM " + TABLE + " WHERE id = " + rows + ")";
    }

    /** Bytes per row on disk, heap and TOAST, without indexes. */
    static long bytesPerRow(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT pg_table_size('" + TABLE + "') / greatest(count(*), 1) FROM " + TABLE)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private long blocks(long changes) {
        return (changes + transactionRows - 1) / transactionRows;
    }

    private Transaction block(Kind kind, long firstKey, long lastKey, long block) {
        long first = firstKey + block * transactionRows;
        return new Transaction(kind, first, Math.min(lastKey, first + transactionRows - 1));
    }

    private static String rowsFrom(long first, long last, String origin) {
        return "SELECT g, timestamptz '2024-01-01 00:00:00+00' + g * interval '250 milliseconds', "
                + "(ARRAY['AAPL','MSFT','NVDA','AMZN','GOOG','META','TSLA','NFLX'])[1 + g % 8], "
                + "CASE WHEN g % 97 = 0 THEN NULL ELSE round(100 + (g % 5003) * 0.37 + (g % 10007) * 0.0001, 4) END, "
                + "(g * 7919 % 100000)::int, (ARRAY['XNAS','XNYS','ARCX','BATS'])[1 + g % 4], "
                + "jsonb_build_object('origin', '" + origin + "', 'seq', g, "
                + "'condition', (ARRAY['regular','odd-lot','cross'])[1 + g % 3], 'lot', g % 100, 'venue', 'v' || (g % 13), 'desk', 'eq' || (g % 50)) "
                + "FROM generate_series(" + first + "::bigint, " + last + ") g";
    }

    enum Kind { INSERT, UPDATE, DELETE }

    /** One transaction of the mix: one statement over a range of keys. */
    record Transaction(Kind kind, long first, long last) {

        String sql() {
            return switch (kind) {
                case INSERT -> "INSERT INTO " + TABLE + " " + rowsFrom(first, last, "stream");
                case UPDATE -> "UPDATE " + TABLE + " SET price = price + 1, volume = volume + " + UPDATED_VOLUME
                        + ", meta = meta || '{\"updated\": true}' WHERE id BETWEEN " + first + " AND " + last;
                case DELETE -> "DELETE FROM " + TABLE + " WHERE id BETWEEN " + first + " AND " + last;
            };
        }

        String visibleSql() {
            String range = "FROM " + TABLE + " WHERE id BETWEEN " + first + " AND " + last;
            return switch (kind) {
                case INSERT -> "SELECT count(*) = " + (last - first + 1) + " " + range;
                case UPDATE -> "SELECT count(*) = " + (last - first + 1) + " " + range + " AND volume >= " + UPDATED_VOLUME;
                case DELETE -> "SELECT NOT EXISTS (SELECT 1 " + range + ")";
            };
        }
    }
}
