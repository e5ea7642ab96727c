package io.pg2ts.sink.apply;

import io.pg2ts.common.TableId;
import io.pg2ts.sink.record.Change;
import io.pg2ts.sink.record.ErrorContext;
import io.pg2ts.sink.record.Op;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Collects changes into one {@link TableBatch} per table and applies them through the
 * {@link ChangeApplier}, all on the caller's connection and transaction. A change of a table's
 * record schema, and a truncate, end that table's batch early, so every batch has one shape and
 * per-table order holds.
 */
public final class ChangeBuffer {

    private final ChangeApplier applier;
    private final Map<TableId, TableBatch> batches = new LinkedHashMap<>();
    private int received;
    private int applied;
    private int batchesApplied;

    public ChangeBuffer(ChangeApplier applier) {
        this.applier = applier;
    }

    public void add(Connection connection, Change change) throws BatchFailure {
        received++;
        TableId table = change.table();
        TableBatch batch = batches.get(table);
        if (change.op() == Op.TRUNCATE) {
            // What the table's batch holds would be truncated anyway.
            batches.remove(table);
            truncate(connection, change);
            return;
        }
        if (batch != null && !batch.accepts(change.shape())) {
            batches.remove(table);
            apply(connection, batch);
            batch = null;
        }
        if (batch == null) {
            batch = new TableBatch(table, change.shape());
            batches.put(table, batch);
        }
        batch.add(change);
    }

    /** Applies every batch; the caller commits. */
    public void flush(Connection connection) throws BatchFailure {
        for (TableBatch batch : batches.values()) {
            apply(connection, batch);
        }
        batches.clear();
    }

    private void apply(Connection connection, TableBatch batch) throws BatchFailure {
        try {
            applier.apply(connection, batch);
        } catch (SQLException | RuntimeException e) {
            throw new BatchFailure(batch.describe(), e);
        }
        applied += batch.size();
        batchesApplied++;
    }

    private void truncate(Connection connection, Change change) throws BatchFailure {
        try {
            applier.truncate(connection, change.table());
        } catch (SQLException | RuntimeException e) {
            throw new BatchFailure(ErrorContext.of(change.record(), change.table(), change.shape().keyNames()), e);
        }
        applied++;
    }

    /** Changes added so far. */
    public int received() {
        return received;
    }

    /** Row operations applied so far, after coalescing. */
    public int applied() {
        return applied;
    }

    public int batchesApplied() {
        return batchesApplied;
    }
}
