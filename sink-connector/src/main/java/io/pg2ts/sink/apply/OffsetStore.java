package io.pg2ts.sink.apply;

import io.pg2ts.common.TableId;
import io.pg2ts.sink.schema.TargetTables;
import io.pg2ts.sink.sql.PostgresDialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * The Kafka offsets a connector has applied, in a table on the target ({@code <offsets.schema>.sink_offsets}),
 * written in the transaction of the rows they cover. Each row holds the next offset to apply.
 */
public final class OffsetStore {

    private final TableId table;
    private final String connector;

    public OffsetStore(TableId table, String connector) {
        this.table = table;
        this.connector = connector;
    }

    public TableId table() {
        return table;
    }

    /**
     * Creates the table unless it is there, on the caller's transaction. Checked first, so a role
     * without CREATE on the database can use a table created beforehand.
     */
    public void createIfMissing(Connection connection) throws SQLException {
        if (exists(connection)) {
            return;
        }
        TargetTables.lockDdl(connection);
        try (Statement s = connection.createStatement()) {
            s.execute(PostgresDialect.createSchema(table.schema()));
            s.execute(PostgresDialect.createOffsetsTable(table));
        }
    }

    private boolean exists(Connection connection) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement(PostgresDialect.tableExists())) {
            s.setString(1, table.quoted());
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() && rs.getString(1) != null;
            }
        }
    }

    /** The next offsets stored for those of {@code partitions} that have one. */
    public Map<TopicPartition, Long> read(Connection connection, Collection<TopicPartition> partitions) throws SQLException {
        Map<TopicPartition, Long> stored = new HashMap<>();
        if (partitions.isEmpty()) {
            return stored;
        }
        String[] topics = new String[partitions.size()];
        Integer[] numbers = new Integer[partitions.size()];
        int i = 0;
        for (TopicPartition partition : partitions) {
            topics[i] = partition.topic();
            numbers[i++] = partition.partition();
        }
        try (PreparedStatement s = connection.prepareStatement(PostgresDialect.selectOffsets(table))) {
            s.setString(1, connector);
            s.setArray(2, connection.createArrayOf("text", topics));
            s.setArray(3, connection.createArrayOf("integer", numbers));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    stored.put(new TopicPartition(rs.getString(1), rs.getInt(2)), rs.getLong(3));
                }
            }
        }
        return stored;
    }

    /** Stores the next offsets of these partitions, on the caller's transaction. */
    public void write(Connection connection, Map<TopicPartition, Long> nextOffsets) throws SQLException {
        if (nextOffsets.isEmpty()) {
            return;
        }
        String[] topics = new String[nextOffsets.size()];
        Integer[] numbers = new Integer[nextOffsets.size()];
        Long[] offsets = new Long[nextOffsets.size()];
        int i = 0;
        for (Map.Entry<TopicPartition, Long> entry : nextOffsets.entrySet()) {
            topics[i] = entry.getKey().topic();
            numbers[i] = entry.getKey().partition();
            offsets[i++] = entry.getValue();
        }
        try (PreparedStatement s = connection.prepareStatement(PostgresDialect.upsertOffsets(table))) {
            s.setString(1, connector);
            s.setArray(2, connection.createArrayOf("text", topics));
            s.setArray(3, connection.createArrayOf("integer", numbers));
            s.setArray(4, connection.createArrayOf("bigint", offsets));
            s.executeUpdate();
        }
    }
}
