package io.pg2ts.cli.status;

import io.pg2ts.cli.connect.Relations;
import io.pg2ts.common.TableId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

// What status reads from the target: the sink's progress and offsets tables, never the data tables.
final class ProgressQueries {

    private ProgressQueries() {
    }

    /** The changes applied to one target table, summed over the sink's tasks. */
    record Applied(long snapshotRows, long inserted, long updated, long deleted, long truncated, boolean snapshotDone,
                   Instant newestSourceTs) {
        static final Applied NONE = new Applied(0, 0, 0, 0, 0, false, null);
    }

    /** Per target table; empty while the progress table does not exist (no sink task has connected yet). */
    static Map<TableId, Applied> applied(Connection target, TableId progress, String connector) throws SQLException {
        Map<TableId, Applied> applied = new LinkedHashMap<>();
        if (!Relations.exists(target, progress)) {
            return applied;
        }
        String sql = "SELECT table_schema, table_name, sum(snapshot_rows)::bigint, sum(inserted)::bigint, "
                + "sum(updated)::bigint, sum(deleted)::bigint, sum(truncated)::bigint, bool_or(snapshot_done), "
                + "max(newest_source_ts) FROM " + progress.quoted() + " WHERE connector = ? GROUP BY 1, 2 ORDER BY 1, 2";
        try (PreparedStatement s = target.prepareStatement(sql)) {
            s.setString(1, connector);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    Timestamp newest = rs.getTimestamp(9);
                    applied.put(new TableId(rs.getString(1), rs.getString(2)), new Applied(rs.getLong(3), rs.getLong(4),
                            rs.getLong(5), rs.getLong(6), rs.getLong(7), rs.getBoolean(8),
                            newest == null ? null : newest.toInstant()));
                }
            }
        }
        return applied;
    }

    /** The next offsets the sink stored per topic partition. */
    static Map<TopicPartition, Long> storedOffsets(Connection target, TableId offsets, String connector) throws SQLException {
        Map<TopicPartition, Long> stored = new HashMap<>();
        if (!Relations.exists(target, offsets)) {
            return stored;
        }
        try (PreparedStatement s = target.prepareStatement(
                "SELECT topic, kafka_partition, next_offset FROM " + offsets.quoted() + " WHERE connector = ?")) {
            s.setString(1, connector);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    stored.put(new TopicPartition(rs.getString(1), rs.getInt(2)), rs.getLong(3));
                }
            }
        }
        return stored;
    }

}
