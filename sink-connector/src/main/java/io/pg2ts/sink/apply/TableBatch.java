package io.pg2ts.sink.apply;

import io.pg2ts.common.TableId;
import io.pg2ts.sink.record.Change;
import io.pg2ts.sink.record.Op;
import io.pg2ts.sink.record.RecordShape;
import io.pg2ts.sink.record.RowKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The changes of one table with one record shape, coalesced as they arrive. For a table with a
 * key only the last change per key survives, and the batch is applied as deletes and upserts
 * sorted by key, which keeps index access local and lets concurrent tasks lock rows in the same
 * order. A table without key keeps every change, in order.
 */
public final class TableBatch implements Step {

    private final TableId table;
    private final RecordShape shape;
    // In arrival order: a snapshot arrives in key order, or nearly, which the sort then finds.
    private final Map<RowKey, Change> latest = new LinkedHashMap<>();
    private final List<Change> inOrder = new ArrayList<>();
    private int received;

    public TableBatch(TableId table, RecordShape shape) {
        this.table = table;
        this.shape = shape;
    }

    public TableId table() {
        return table;
    }

    public RecordShape shape() {
        return shape;
    }

    /** Whether changes of this shape can join the batch; a new record schema starts a new batch. */
    public boolean accepts(RecordShape other) {
        return shape.sameAs(other);
    }

    // To apply changes one by one.
    static TableBatch of(Change change) {
        TableBatch batch = new TableBatch(change.table(), change.shape());
        batch.add(change);
        return batch;
    }

    /** @return the earlier change of the same key that this one replaces, or null */
    public Change add(Change change) {
        received++;
        if (!shape.keyed()) {
            inOrder.add(change);
            return null;
        }
        Change previous = latest.get(change.key());
        if (previous != null && change.unavailable() != null && previous.after() != null) {
            // The earlier change in this batch has the values the later one could not send.
            change = change.fillUnavailableFrom(previous.after(), previous.unavailable());
        }
        latest.put(change.key(), change);
        return previous;
    }

    /** Keys whose last change is a delete, sorted by key. */
    public List<Change> deletes() {
        return sorted(Op.DELETE);
    }

    /** Rows whose last change writes them, sorted by key. */
    public List<Change> upserts() {
        return sorted(null);
    }

    private List<Change> sorted(Op only) {
        List<Change> result = new ArrayList<>();
        for (Change change : latest.values()) {
            if (only == null ? change.op().writesRow() : change.op() == only) {
                result.add(change);
            }
        }
        result.sort(Comparator.comparing(Change::key));
        return result;
    }

    /** Every change of a table without key, in arrival order. */
    public List<Change> inOrder() {
        return inOrder;
    }

    /** The changes as they are applied: deletes then upserts, by key; or, without key, in arrival order. */
    public List<Change> inApplyOrder() {
        if (!shape.keyed()) {
            return inOrder;
        }
        List<Change> changes = deletes();
        changes.addAll(upserts());
        return changes;
    }

    /** Whether every change that is left only adds a row, so the batch can be loaded with COPY. */
    public boolean insertsOnly() {
        for (Change change : shape.keyed() ? latest.values() : inOrder) {
            if (!change.inserts()) {
                return false;
            }
        }
        return true;
    }

    /** How many changes arrived. */
    public int received() {
        return received;
    }

    /** How many row operations are left after coalescing. */
    public int size() {
        return shape.keyed() ? latest.size() : inOrder.size();
    }
}
