package io.pg2ts.cli.status;

import io.pg2ts.cli.status.MigrationStatus.SlotStatus;
import io.pg2ts.common.TableId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

// What status reads from the source: rows per table and the replication slot.
final class SourceQueries {

    /** A table's rows: the planner's estimate, or counted. */
    record Rows(long rows, boolean exact) {
    }

    // reltuples summed over a table's leaf partitions (the table itself when not partitioned);
    // -1 (PostgreSQL 14+) or 0 pages means never vacuumed or analyzed: unknown.
    private static final String ESTIMATES = "SELECT n.nspname, c.relname, "
            + "(SELECT coalesce(sum(l.reltuples) FILTER (WHERE l.reltuples >= 0), 0)::bigint "
            + "FROM pg_partition_tree(c.oid) p JOIN pg_class l ON l.oid = p.relid WHERE p.isleaf), "
            + "(SELECT coalesce(bool_or(l.reltuples < 0 OR (l.relpages = 0 AND l.reltuples = 0)), true) "
            + "FROM pg_partition_tree(c.oid) p JOIN pg_class l ON l.oid = p.relid WHERE p.isleaf) "
            + "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            + "WHERE (n.nspname, c.relname) IN (SELECT * FROM unnest(?::text[], ?::text[]))";

    private static final String SLOT = "SELECT active, wal_status, pg_current_wal_lsn()::text, confirmed_flush_lsn::text, "
            + "(pg_current_wal_lsn() - confirmed_flush_lsn)::bigint FROM pg_replication_slots WHERE slot_name = ?";

    /**
     * Rows of each table that exists: counted where the estimate is below {@code exactBelow} or
     * unknown, else the estimate.
     */
    Map<TableId, Rows> rows(Connection source, List<TableId> tables, long exactBelow) throws SQLException {
        Map<TableId, Rows> rows = new HashMap<>();
        if (tables.isEmpty()) {
            return rows;
        }
        try (PreparedStatement s = source.prepareStatement(ESTIMATES)) {
            s.setArray(1, source.createArrayOf("text", tables.stream().map(TableId::schema).toArray()));
            s.setArray(2, source.createArrayOf("text", tables.stream().map(TableId::table).toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    TableId table = new TableId(rs.getString(1), rs.getString(2));
                    long estimate = rs.getLong(3);
                    boolean unknown = rs.getBoolean(4);
                    rows.put(table, unknown || estimate < exactBelow ? new Rows(count(source, table), true)
                            : new Rows(estimate, false));
                }
            }
        }
        return rows;
    }

    private static long count(Connection c, TableId table) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM " + table.quoted());
                ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The slot, or null when there is no slot of that name. */
    SlotStatus slot(Connection source, String name) throws SQLException {
        try (PreparedStatement s = source.prepareStatement(SLOT)) {
            s.setString(1, name);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                long lag = rs.getLong(5);
                return new SlotStatus(name, rs.getBoolean(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.wasNull() ? null : lag);
            }
        }
    }
}
