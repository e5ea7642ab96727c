package io.pg2ts.sink.apply;

import io.pg2ts.common.TableId;
import io.pg2ts.sink.record.Change;
import io.pg2ts.sink.record.Op;
import io.pg2ts.sink.record.RecordShape;
import io.pg2ts.sink.schema.TableMetadata;
import io.pg2ts.sink.schema.TargetColumn;
import io.pg2ts.sink.schema.TargetTables;
import io.pg2ts.sink.sql.CopyText;
import io.pg2ts.sink.sql.PostgresDialect;
import io.pg2ts.sink.sql.SqlColumn;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.connect.errors.ConnectException;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a {@link TableBatch} to its target table with one statement per kind of change: all
 * deletes as one {@code DELETE … USING unnest(…)}, all upserts as one {@code INSERT … SELECT …
 * FROM unnest(…) ON CONFLICT}, each column bound as one {@code text[]}. Batches that only insert
 * are loaded with {@code COPY}. Tables without key get their changes in order, runs of inserts at
 * once, updates and deletes one by one.
 */
public final class ChangeApplier {

    private static final Logger log = LoggerFactory.getLogger(ChangeApplier.class);
    private static final String UNIQUE_VIOLATION = "23505";
    private static final int COPY_CHUNK_CHARS = 1 << 16;

    private final TargetTables tables;
    private final boolean useCopy;
    // Keyed tables whose inserts met existing rows: replays of a snapshot, say. Upserts from then on.
    private final Set<TableId> copyConflicts = new HashSet<>();

    public ChangeApplier(TargetTables tables, boolean useCopy) {
        this.tables = tables;
        this.useCopy = useCopy;
    }

    /**
     * Applies the batch on the caller's transaction and counts the rows into {@code applied}.
     *
     * @param allowCopy false to write with plain statements whatever the batch holds
     */
    public void apply(Connection connection, TableBatch batch, AppliedRows applied, boolean allowCopy) throws SQLException {
        write(connection, batch, applied, allowCopy);
        tables.afterBatch(connection, batch.table(), () -> snapshotApplied(batch));
    }

    /**
     * Whether the batch shows the table's snapshot applied: it holds the snapshot's last row of the
     * table, or a change from the stream, which follows the whole snapshot.
     */
    static boolean snapshotApplied(TableBatch batch) {
        for (Change change : batch.inApplyOrder()) {
            if (change.showsSnapshotApplied()) {
                return true;
            }
        }
        return false;
    }

    private void write(Connection connection, TableBatch batch, AppliedRows applied, boolean allowCopy) throws SQLException {
        RecordShape shape = batch.shape();
        TableMetadata target = tables.prepare(connection, batch.table(), shape);
        Columns columns = Columns.of(target, shape);
        Writer writer = new Writer(connection, target, applied, allowCopy && useCopy);
        if (!shape.keyed()) {
            applyInOrder(writer, columns, batch.inOrder());
            return;
        }
        boolean bySourceKey = requireMatchingKey(target, shape);
        List<Change> upserts = batch.upserts();
        // COPY only where a row already there makes it fail: with rows replaced by a key that is not
        // the primary key, a replayed row with another time would land beside the row it replaces.
        if (writer.copy && batch.insertsOnly() && !bySourceKey && !copyConflicts.contains(target.table())) {
            copyOrUpsert(writer, columns, upserts, shape.keyNames());
            return;
        }
        List<Change> deletes = batch.deletes();
        if (!deletes.isEmpty()) {
            deleteByKey(writer, shape, deletes);
        }
        if (bySourceKey) {
            replaceBySourceKey(writer, shape, columns, upserts);
        } else {
            upsert(writer, columns, upserts, shape.keyNames());
        }
    }

    /**
     * Upserts into a table whose primary key is the record key plus more columns (a hypertable's
     * time column): the rows of those source keys are deleted, whatever their time, and the new
     * versions inserted, so a source key never has two versions and a row that moves in time
     * leaves its old chunk. An update that left TOAST values out cannot be written this way.
     */
    private static void replaceBySourceKey(Writer writer, RecordShape shape, Columns columns, List<Change> rows)
            throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        for (Change row : rows) {
            if (row.unavailable() != null && !row.unavailable().isEmpty()) {
                throw new ConnectException("Target table " + writer.target.table().quoted() + " has primary key ("
                        + String.join(", ", writer.target.primaryKey()) + "), more than the records' key ("
                        + String.join(", ", shape.keyNames()) + "), so the sink replaces rows by key; an update that "
                        + "left unchanged TOAST values out cannot be replaced without them: set REPLICA IDENTITY FULL "
                        + "on the source table, so updates carry every value");
            }
        }
        AppliedRows deleted = new AppliedRows();
        deleteByKey(new Writer(writer.connection, writer.target, deleted, false), shape, rows);
        write(writer, columns, rows, null);
    }

    // The savepoint keeps a failed COPY from failing the transaction, so the rows can be upserted instead.
    private void copyOrUpsert(Writer writer, Columns columns, List<Change> rows, List<String> keyNames) throws SQLException {
        Savepoint savepoint = writer.connection.setSavepoint();
        AppliedRows copied = new AppliedRows();
        try {
            Writer copying = new Writer(writer.connection, writer.target, copied, true);
            for (Map.Entry<BitSet, List<Change>> group : byUnavailableColumns(rows).entrySet()) {
                copy(copying, columns.without(group.getKey()), group.getValue());
            }
            writer.connection.releaseSavepoint(savepoint);
            writer.applied.addAll(copied);
            return;
        } catch (SQLException e) {
            if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                throw e;
            }
            writer.connection.rollback(savepoint);
        }
        copyConflicts.add(writer.target.table());
        log.info("Inserts into {} met rows that are already there; the task upserts into it from now on",
                writer.target.table().quoted());
        upsert(writer, columns, rows, keyNames);
    }

    private static void upsert(Writer writer, Columns columns, List<Change> rows, List<String> keyNames) throws SQLException {
        for (Map.Entry<BitSet, List<Change>> group : byUnavailableColumns(rows).entrySet()) {
            write(writer, columns.without(group.getKey()), group.getValue(), keyNames);
        }
    }

    /** Truncates the table; a table that does not exist yet has nothing to truncate. */
    public void truncate(Connection connection, TableId table) throws SQLException {
        if (tables.exists(connection, table)) {
            try (Statement s = connection.createStatement()) {
                s.execute(PostgresDialect.truncate(table));
            }
        }
    }

    /**
     * @return whether rows are replaced by the record key: the target's primary key is the record
     *     key plus further columns (the time column a hypertable's key must hold)
     * @throws ConnectException when the primary key does not hold the record key
     */
    private static boolean requireMatchingKey(TableMetadata target, RecordShape shape) {
        Set<String> primaryKey = new HashSet<>(target.primaryKey());
        Set<String> recordKey = new HashSet<>(shape.keyNames());
        if (primaryKey.size() > recordKey.size() && primaryKey.containsAll(recordKey)) {
            return true;
        }
        if (!primaryKey.equals(recordKey)) {
            throw new ConnectException("Target table " + target.table().quoted() + " has "
                    + (target.primaryKey().isEmpty() ? "no primary key" : "primary key (" + String.join(", ", target.primaryKey()) + ")")
                    + " but the records are keyed by (" + String.join(", ", shape.keyNames())
                    + "); upserts need a primary key on exactly the record key columns (or those and a "
                    + "hypertable's time column)");
        }
        return false;
    }

    private static void deleteByKey(Writer writer, RecordShape shape, List<Change> deletes) throws SQLException {
        Connection connection = writer.connection;
        TableMetadata target = writer.target;
        List<SqlColumn> keyColumns = new ArrayList<>();
        for (String name : shape.keyNames()) {
            keyColumns.add(new SqlColumn(name, target.column(name).castType()));
        }
        try (PreparedStatement s = connection.prepareStatement(PostgresDialect.deleteByKeys(target.table(), keyColumns))) {
            for (int k = 0; k < keyColumns.size(); k++) {
                String[] values = new String[deletes.size()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = deletes.get(i).key().text(k);
                }
                s.setArray(k + 1, connection.createArrayOf("text", values));
            }
            s.executeUpdate();
        }
        writer.applied.add(target.table(), AppliedRows.Kind.DELETE, deletes.size());
    }

    // Rows that lack some values (unchanged TOASTed columns) are written without those columns,
    // so the target keeps what it has; rows are grouped by which columns they lack.
    private static Map<BitSet, List<Change>> byUnavailableColumns(List<Change> changes) {
        Map<BitSet, List<Change>> groups = new LinkedHashMap<>();
        for (Change change : changes) {
            groups.computeIfAbsent(change.unavailable(), k -> new ArrayList<>()).add(change);
        }
        return groups;
    }

    private static void write(Writer writer, Columns columns, List<Change> rows, List<String> conflictColumns)
            throws SQLException {
        if (rows.isEmpty() || columns.sql.isEmpty()) {
            return;
        }
        Connection connection = writer.connection;
        TableMetadata target = writer.target;
        String sql;
        if (conflictColumns == null) {
            sql = PostgresDialect.insert(target.table(), columns.sql, columns.identityAlways);
        } else {
            List<String> updated = new ArrayList<>();
            for (int c = 0; c < columns.sql.size(); c++) {
                String name = columns.sql.get(c).name();
                if (!conflictColumns.contains(name) && !target.column(name).identityAlways()) {
                    updated.add(name);
                }
            }
            sql = PostgresDialect.upsert(target.table(), columns.sql, conflictColumns, updated, columns.identityAlways);
        }
        try (PreparedStatement s = connection.prepareStatement(sql)) {
            for (int c = 0; c < columns.positions.length; c++) {
                String[] values = new String[rows.size()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = rows.get(i).after()[columns.positions[c]];
                }
                s.setArray(c + 1, connection.createArrayOf("text", values));
            }
            s.executeUpdate();
        }
        writer.applied.add(target.table(), conflictColumns == null ? AppliedRows.Kind.INSERT : AppliedRows.Kind.UPSERT,
                rows.size());
    }

    private static void copy(Writer writer, Columns columns, List<Change> rows) throws SQLException {
        if (rows.isEmpty() || columns.sql.isEmpty()) {
            return;
        }
        CopyIn copy = writer.connection.unwrap(PGConnection.class).getCopyAPI()
                .copyIn(PostgresDialect.copyFrom(writer.target.table(), columns.sql));
        try {
            StringBuilder chunk = new StringBuilder(COPY_CHUNK_CHARS + 1024);
            for (Change row : rows) {
                CopyText.appendRow(chunk, row.after(), columns.positions);
                if (chunk.length() >= COPY_CHUNK_CHARS) {
                    writeChunk(copy, chunk);
                }
            }
            writeChunk(copy, chunk);
            copy.endCopy();
        } finally {
            if (copy.isActive()) {
                cancelQuietly(copy);
            }
        }
        writer.applied.add(writer.target.table(), AppliedRows.Kind.COPY, rows.size());
    }

    private static void writeChunk(CopyIn copy, StringBuilder chunk) throws SQLException {
        byte[] bytes = chunk.toString().getBytes(StandardCharsets.UTF_8);
        copy.writeToCopy(bytes, 0, bytes.length);
        chunk.setLength(0);
    }

    // The error that ended the COPY is the one worth reporting.
    private static void cancelQuietly(CopyIn copy) {
        try {
            copy.cancelCopy();
        } catch (SQLException e) {
            log.debug("Cancelling a failed COPY failed too (SQLState {})", e.getSQLState());
        }
    }

    // Without a key, a change is only defined relative to the ones before it: an update or delete
    // removes one row equal to its old image, then an update inserts the new image.
    private static void applyInOrder(Writer writer, Columns columns, List<Change> changes) throws SQLException {
        List<Change> inserts = new ArrayList<>();
        TableMetadata target = writer.target;
        try (PreparedStatement deleteOne = writer.connection.prepareStatement(PostgresDialect.deleteOneRow(target.table(), columns.sql))) {
            for (Change change : changes) {
                if (change.op() == Op.UPDATE || change.op() == Op.DELETE) {
                    insertAll(writer, columns, inserts);
                    for (int c = 0; c < columns.positions.length; c++) {
                        String value = change.before()[columns.positions[c]];
                        if (value == null) {
                            deleteOne.setNull(c + 1, Types.VARCHAR);
                        } else {
                            deleteOne.setString(c + 1, value);
                        }
                    }
                    deleteOne.executeUpdate();
                    writer.applied.add(target.table(), AppliedRows.Kind.DELETE, 1);
                }
                if (change.op().writesRow()) {
                    inserts.add(change);
                }
            }
        }
        insertAll(writer, columns, inserts);
    }

    private static void insertAll(Writer writer, Columns columns, List<Change> inserts) throws SQLException {
        for (Map.Entry<BitSet, List<Change>> rows : byUnavailableColumns(inserts).entrySet()) {
            if (writer.copy) {
                copy(writer, columns.without(rows.getKey()), rows.getValue());
            } else {
                write(writer, columns.without(rows.getKey()), rows.getValue(), null);
            }
        }
        inserts.clear();
    }

    // What every write of one batch needs.
    private record Writer(Connection connection, TableMetadata target, AppliedRows applied, boolean copy) {
    }

    // Generated columns are computed by the target and never written.
    private static final class Columns {
        final int[] positions;
        final List<SqlColumn> sql;
        final boolean identityAlways;

        private Columns(int[] positions, List<SqlColumn> sql, boolean identityAlways) {
            this.positions = positions;
            this.sql = sql;
            this.identityAlways = identityAlways;
        }

        static Columns of(TableMetadata target, RecordShape shape) {
            List<String> names = shape.columnNames();
            List<Integer> positions = new ArrayList<>();
            List<SqlColumn> sql = new ArrayList<>();
            boolean identityAlways = false;
            for (int i = 0; i < names.size(); i++) {
                TargetColumn column = target.column(names.get(i));
                if (column == null || column.generated()) {
                    continue;
                }
                positions.add(i);
                sql.add(new SqlColumn(column.name(), column.castType()));
                identityAlways |= column.identityAlways();
            }
            return new Columns(positions.stream().mapToInt(Integer::intValue).toArray(), sql, identityAlways);
        }

        Columns without(BitSet unavailable) {
            if (unavailable == null) {
                return this;
            }
            List<Integer> positions = new ArrayList<>();
            List<SqlColumn> kept = new ArrayList<>();
            for (int c = 0; c < this.positions.length; c++) {
                if (!unavailable.get(this.positions[c])) {
                    positions.add(this.positions[c]);
                    kept.add(sql.get(c));
                }
            }
            return new Columns(positions.stream().mapToInt(Integer::intValue).toArray(), kept, identityAlways);
        }
    }
}
