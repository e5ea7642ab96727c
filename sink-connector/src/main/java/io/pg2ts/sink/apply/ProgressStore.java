package io.pg2ts.sink.apply;

import io.pg2ts.common.TableId;
import io.pg2ts.sink.schema.TargetTables;
import io.pg2ts.sink.sql.PostgresDialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/**
 * How far a connector has come, per target table, in a table on the target
 * ({@code <offsets.schema>.sink_tables}) that each flush updates in the transaction that stores its
 * offsets: so the counts are exact across replays and crashes, as the changes are. One row per
 * connector, target table and task, which keeps tasks from waiting on each other's rows; a reader
 * sums the tasks' rows. Columns: {@code connector}, {@code table_schema}, {@code table_name},
 * {@code task}, the cumulative counts of applied changes {@code snapshot_rows} (op {@code r}),
 * {@code inserted}, {@code updated}, {@code deleted}, {@code truncated}, {@code snapshot_done}
 * (a change applied shows the table's snapshot complete: its last snapshot row, or a streamed
 * change), {@code newest_source_ts} (the newest source commit time applied) and {@code updated_at}.
 */
public final class ProgressStore {

    /** The table's name in the offsets schema. */
    public static final String TABLE_NAME = "sink_tables";

    private final TableId table;
    private final String connector;
    private final String task;

    public ProgressStore(String schema, String connector, String task) {
        this.table = new TableId(schema, TABLE_NAME);
        this.connector = connector;
        this.task = task;
    }

    public TableId table() {
        return table;
    }

    /** Creates the table unless it is there, on the caller's transaction. */
    public void createIfMissing(Connection connection) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement(PostgresDialect.tableExists())) {
            s.setString(1, table.quoted());
            try (ResultSet rs = s.executeQuery()) {
                if (rs.next() && rs.getString(1) != null) {
                    return;
                }
            }
        }
        TargetTables.lockDdl(connection);
        try (Statement s = connection.createStatement()) {
            s.execute(PostgresDialect.createSchema(table.schema()));
            s.execute(PostgresDialect.createProgressTable(table));
        }
    }

    /** Adds the counts to the stored ones, in one statement on the caller's transaction. */
    public void write(Connection connection, ChangeCounts counts) throws SQLException {
        if (counts.isEmpty()) {
            return;
        }
        Map<TableId, ChangeCounts.Counts> tables = counts.tables();
        int n = tables.size();
        String[] schemas = new String[n];
        String[] names = new String[n];
        Long[][] numbers = new Long[5][n];
        Boolean[] done = new Boolean[n];
        Long[] newest = new Long[n];
        int i = 0;
        for (Map.Entry<TableId, ChangeCounts.Counts> entry : tables.entrySet()) {
            ChangeCounts.Counts c = entry.getValue();
            schemas[i] = entry.getKey().schema();
            names[i] = entry.getKey().table();
            numbers[0][i] = c.snapshotRows;
            numbers[1][i] = c.inserted;
            numbers[2][i] = c.updated;
            numbers[3][i] = c.deleted;
            numbers[4][i] = c.truncated;
            done[i] = c.snapshotDone;
            newest[i++] = c.newestSourceTsMs;
        }
        try (PreparedStatement s = connection.prepareStatement(PostgresDialect.upsertProgress(table))) {
            int p = 1;
            s.setString(p++, connector);
            s.setString(p++, task);
            s.setArray(p++, connection.createArrayOf("text", schemas));
            s.setArray(p++, connection.createArrayOf("text", names));
            for (Long[] column : numbers) {
                s.setArray(p++, connection.createArrayOf("bigint", column));
            }
            s.setArray(p++, connection.createArrayOf("boolean", done));
            s.setArray(p, connection.createArrayOf("bigint", newest));
            s.executeUpdate();
        }
    }
}
