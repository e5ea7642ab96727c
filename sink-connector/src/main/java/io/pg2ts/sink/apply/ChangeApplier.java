package io.pg2ts.sink.apply;

import io.pg2ts.common.TableId;
import io.pg2ts.sink.record.Change;
import io.pg2ts.sink.record.Op;
import io.pg2ts.sink.record.RecordShape;
import io.pg2ts.sink.schema.TableMetadata;
import io.pg2ts.sink.schema.TargetColumn;
import io.pg2ts.sink.schema.TargetTables;
import io.pg2ts.sink.sql.PostgresDialect;
import io.pg2ts.sink.sql.SqlColumn;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.errors.ConnectException;

/**
 * Writes a {@link TableBatch} to its target table with one statement per kind of change: all
 * deletes as one {@code DELETE … USING unnest(…)}, all upserts as one {@code INSERT … SELECT …
 * FROM unnest(…) ON CONFLICT}, each column bound as one {@code text[]}. Tables without key get
 * their changes one by one, in order.
 */
public final class ChangeApplier {

    private final TargetTables tables;

    public ChangeApplier(TargetTables tables) {
        this.tables = tables;
    }

    public void apply(Connection connection, TableBatch batch) throws SQLException {
        RecordShape shape = batch.shape();
        TableMetadata target = tables.prepare(connection, batch.table(), shape);
        Columns columns = Columns.of(target, shape);
        if (shape.keyed()) {
            requireMatchingKey(target, shape);
            List<Change> deletes = batch.deletes();
            if (!deletes.isEmpty()) {
                deleteByKey(connection, target, shape, deletes);
            }
            for (Map.Entry<BitSet, List<Change>> rows : byUnavailableColumns(batch.upserts()).entrySet()) {
                write(connection, target, columns.without(rows.getKey()), rows.getValue(), shape.keyNames());
            }
        } else {
            applyInOrder(connection, target, columns, batch.inOrder());
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

    private static void requireMatchingKey(TableMetadata target, RecordShape shape) {
        if (!new HashSet<>(target.primaryKey()).equals(new HashSet<>(shape.keyNames()))) {
            throw new ConnectException("Target table " + target.table().quoted() + " has "
                    + (target.primaryKey().isEmpty() ? "no primary key" : "primary key (" + String.join(", ", target.primaryKey()) + ")")
                    + " but the records are keyed by (" + String.join(", ", shape.keyNames())
                    + "); upserts need a primary key on exactly the record key columns");
        }
    }

    private static void deleteByKey(Connection connection, TableMetadata target, RecordShape shape, List<Change> deletes)
            throws SQLException {
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

    private static void write(Connection connection, TableMetadata target, Columns columns, List<Change> rows,
                              List<String> conflictColumns) throws SQLException {
        if (rows.isEmpty() || columns.sql.isEmpty()) {
            return;
        }
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
    }

    // Without a key, a change is only defined relative to the ones before it: an update or delete
    // removes one row equal to its old image, then an update inserts the new image.
    private static void applyInOrder(Connection connection, TableMetadata target, Columns columns, List<Change> changes)
            throws SQLException {
        List<Change> inserts = new ArrayList<>();
        try (PreparedStatement deleteOne = connection.prepareStatement(PostgresDialect.deleteOneRow(target.table(), columns.sql))) {
            for (Change change : changes) {
                if (change.op() == Op.UPDATE || change.op() == Op.DELETE) {
                    insertAll(connection, target, columns, inserts);
                    for (int c = 0; c < columns.positions.length; c++) {
                        String value = change.before()[columns.positions[c]];
                        if (value == null) {
                            deleteOne.setNull(c + 1, Types.VARCHAR);
                        } else {
                            deleteOne.setString(c + 1, value);
                        }
                    }
                    deleteOne.executeUpdate();
                }
                if (change.op().writesRow()) {
                    inserts.add(change);
                }
            }
        }
        insertAll(connection, target, columns, inserts);
    }

    private static void insertAll(Connection connection, TableMetadata target, Columns columns, List<Change> inserts)
            throws SQLException {
        for (Map.Entry<BitSet, List<Change>> rows : byUnavailableColumns(inserts).entrySet()) {
            write(connection, target, columns.without(rows.getKey()), rows.getValue(), null);
        }
        inserts.clear();
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
