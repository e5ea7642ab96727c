package io.pg2ts.cli.migrate;

import io.pg2ts.cli.connect.Relations;
import io.pg2ts.common.TableId;
import io.pg2ts.cli.verify.TableVerifier;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Compares a migration's tables on the two databases themselves: rows per table on both sides,
 * and, once they match, checksums by key range.
 */
public final class MigrationMonitor {

    /** Above this many rows (by the planner's estimate) a table's rows are estimated, not counted. */
    private static final long EXACT_COUNT_LIMIT = 1_000_000;

    private static final int VERIFY_RANGE_ROWS = 100_000;

    private final Connection source;
    private final Connection target;
    private final Map<TableId, TableId> targetOf;

    /**
     * @param targetOf each migrated source table and the target table it lands in, in display order
     */
    public MigrationMonitor(Connection source, Connection target, Map<TableId, TableId> targetOf) {
        this.source = source;
        this.target = target;
        this.targetOf = targetOf;
    }

    /** Rows on both sides of one table; {@code -1} target rows while the table does not exist yet. */
    public record TableProgress(TableId table, long sourceRows, long targetRows, boolean estimated) {
    }

    /** One reading of all tables. */
    public record Progress(List<TableProgress> tables) {

        public boolean rowCountsMatch() {
            return tables.stream().allMatch(t -> t.sourceRows() == t.targetRows());
        }
    }

    public Progress read() throws SQLException {
        List<TableProgress> tables = new ArrayList<>();
        for (Map.Entry<TableId, TableId> entry : targetOf.entrySet()) {
            long estimate = estimatedRows(source, entry.getKey());
            boolean estimated = estimate > EXACT_COUNT_LIMIT;
            long sourceRows = estimated ? estimate : count(source, entry.getKey());
            long targetRows = !Relations.exists(target, entry.getValue()) ? -1
                    : estimated ? estimatedRows(target, entry.getValue()) : count(target, entry.getValue());
            tables.add(new TableProgress(entry.getKey(), sourceRows, targetRows, estimated));
        }
        return new Progress(tables);
    }

    /**
     * The tables whose rows differ between source and target, compared as pg2ts verify does (key
     * ranges, constant memory), each with its rows and the first key range that differs.
     */
    public List<String> mismatches() throws SQLException {
        List<String> mismatches = new ArrayList<>();
        TableVerifier verifier = new TableVerifier(source, target, VERIFY_RANGE_ROWS);
        for (Map.Entry<TableId, TableId> entry : targetOf.entrySet()) {
            TableVerifier.Result result = verifier.verify(entry.getKey(), entry.getValue());
            if (result.problem() != null) {
                mismatches.add(entry.getValue() + ": " + result.problem());
            } else if (!result.equal()) {
                mismatches.add(entry.getKey() + ": source " + result.sourceRows() + " rows, target " + result.targetRows()
                        + " rows; " + result.differing().size() + " key range(s) differ, the first "
                        + result.differing().get(0).describe());
            }
        }
        return mismatches;
    }

    private static long count(Connection c, TableId table) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM " + table.quoted());
                ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long estimatedRows(Connection c, TableId table) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT greatest(reltuples, 0)::bigint FROM pg_class WHERE oid = ?::regclass")) {
            s.setString(1, table.quoted());
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    /** The tables a source connector with no include list migrates: every table outside system schemas. */
    public static List<TableId> userTables(Connection source) throws SQLException {
        String sql = "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                + "WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition "
                + "AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%' "
                + "AND n.nspname NOT LIKE '\\_timescaledb%' AND n.nspname NOT LIKE 'timescaledb\\_%' "
                + "ORDER BY 1, 2";
        List<TableId> tables = new ArrayList<>();
        try (PreparedStatement s = source.prepareStatement(sql); ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                tables.add(new TableId(rs.getString(1), rs.getString(2)));
            }
        }
        return tables;
    }
}
