package io.pg2ts.sink.apply;

import io.pg2ts.common.TableId;
import io.pg2ts.sink.record.Change;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The changes a flush applies, per target table: how many of each operation, whether one shows
 * the table's snapshot applied, and the newest source commit time. Counted as changes arrive,
 * before coalescing, so they are the source's changes, not the statements that wrote them.
 */
public final class ChangeCounts {

    /** One table's counts. */
    static final class Counts {
        long snapshotRows;
        long inserted;
        long updated;
        long deleted;
        long truncated;
        boolean snapshotDone;
        long newestSourceTsMs;

        Counts copy() {
            Counts copy = new Counts();
            copy.snapshotRows = snapshotRows;
            copy.inserted = inserted;
            copy.updated = updated;
            copy.deleted = deleted;
            copy.truncated = truncated;
            copy.snapshotDone = snapshotDone;
            copy.newestSourceTsMs = newestSourceTsMs;
            return copy;
        }
    }

    // A hash lookup per change; sorted only once per flush, by tables().
    private final Map<TableId, Counts> tables = new HashMap<>();

    void add(Change change) {
        Counts counts = tables.computeIfAbsent(change.table(), t -> new Counts());
        count(counts, change, 1);
        if (!counts.snapshotDone && change.showsSnapshotApplied()) {
            counts.snapshotDone = true;
        }
        counts.newestSourceTsMs = Math.max(counts.newestSourceTsMs, change.sourceTsMs());
    }

    /** Takes back a change that was not applied (reported to the dead letter queue). */
    void remove(Change change) {
        Counts counts = tables.get(change.table());
        if (counts != null) {
            count(counts, change, -1);
        }
    }

    private static void count(Counts counts, Change change, int by) {
        switch (change.op()) {
            case READ -> counts.snapshotRows += by;
            case CREATE -> counts.inserted += by;
            case UPDATE -> counts.updated += by;
            case DELETE -> counts.deleted += by;
            case TRUNCATE -> counts.truncated += by;
        }
    }

    /** Sorted by table, so concurrent flushes write the progress rows in one order. */
    Map<TableId, Counts> tables() {
        return new TreeMap<>(tables);
    }

    boolean isEmpty() {
        return tables.isEmpty();
    }

    ChangeCounts copy() {
        ChangeCounts copy = new ChangeCounts();
        tables.forEach((table, counts) -> copy.tables.put(table, counts.copy()));
        return copy;
    }

    void clear() {
        tables.clear();
    }
}
