package io.pg2ts.sink.apply;

import io.pg2ts.common.TableId;
import io.pg2ts.sink.record.Change;
import io.pg2ts.sink.record.Op;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;

/**
 * The changes a task holds between flushes, across {@code put} calls: one open {@link TableBatch}
 * per table, coalesced as changes arrive. A change of a table's record schema closes its batch and
 * opens a new one after it; a truncate drops the table's open batch, whose rows it would remove
 * anyway. Applying the steps in order therefore keeps the order of each table's changes.
 */
public final class ChangeBuffer {

    private final List<Step> steps = new ArrayList<>();
    private final Map<TableId, TableBatch> open = new HashMap<>();
    private final List<Future<Void>> reports = new ArrayList<>();
    private final ChangeCounts counts = new ChangeCounts();
    private int rows;
    private long bytes;
    private long newestSourceTsMs;

    public void add(Change change) {
        TableId table = change.table();
        TableBatch batch = open.get(table);
        newestSourceTsMs = Math.max(newestSourceTsMs, change.sourceTsMs());
        counts.add(change);
        if (change.op() == Op.TRUNCATE) {
            if (batch != null) {
                steps.remove(batch);
                open.remove(table);
                forget(batch.inApplyOrder());
            }
            steps.add(new Step.Truncate(change));
            rows++;
            return;
        }
        if (batch == null || !batch.accepts(change.shape())) {
            batch = new TableBatch(table, change.shape());
            open.put(table, batch);
            steps.add(batch);
        }
        Change replaced = batch.add(change);
        if (replaced != null) {
            forget(List.of(replaced));
        }
        rows++;
        bytes += change.estimatedBytes();
    }

    private void forget(List<Change> changes) {
        for (Change change : changes) {
            rows--;
            bytes -= change.estimatedBytes();
        }
    }

    /**
     * A record reported to the dead letter queue; the flush that commits its offset waits for the
     * report first, so a crash cannot lose the record.
     */
    public void reported(Future<Void> report) {
        reports.add(report);
    }

    List<Step> steps() {
        return steps;
    }

    /** Every change added since the last {@link #clear()}, coalesced or not, per table and operation. */
    ChangeCounts counts() {
        return counts;
    }

    List<Future<Void>> reports() {
        return reports;
    }

    /** Changes held, after coalescing. */
    public int rows() {
        return rows;
    }

    /** Roughly the memory the held changes take. */
    public long bytes() {
        return bytes;
    }

    /** The newest source commit time among the changes added since the last {@link #clear()}, 0 when none. */
    public long newestSourceTsMs() {
        return newestSourceTsMs;
    }

    public void clear() {
        steps.clear();
        open.clear();
        reports.clear();
        counts.clear();
        rows = 0;
        bytes = 0;
        newestSourceTsMs = 0;
    }
}
