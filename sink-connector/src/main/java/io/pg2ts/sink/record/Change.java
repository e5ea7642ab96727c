package io.pg2ts.sink.record;

import io.pg2ts.common.TableId;
import java.util.BitSet;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * One parsed change event, its row images already in PostgreSQL text form, one entry per
 * column of {@link RecordShape#columns()} (null for SQL NULL).
 *
 * @param key the primary key, or null for a table without key
 * @param after the new row image; null for deletes and truncates
 * @param before the old row image, kept only where it is needed: deletes and updates of tables
 *               without key
 * @param unavailable columns of {@code after} whose value the source did not send (unchanged
 *                    TOASTed values), which must keep what the target has; null when none
 * @param sourceTsMs when the change was committed on the source ({@code source.ts_ms}), 0 when unknown
 * @param record the record the change came from, for error reports
 */
public record Change(Op op, TableId table, RecordShape shape, RowKey key, String[] after, String[] before,
                     BitSet unavailable, long sourceTsMs, SinkRecord record) {

    /** A copy whose unavailable columns are filled from {@code previous}, where that has them. */
    public Change fillUnavailableFrom(String[] previous, BitSet previousUnavailable) {
        if (unavailable == null || previous == null) {
            return this;
        }
        String[] filled = after.clone();
        BitSet stillUnavailable = new BitSet();
        for (int i = unavailable.nextSetBit(0); i >= 0; i = unavailable.nextSetBit(i + 1)) {
            if (previousUnavailable != null && previousUnavailable.get(i)) {
                stillUnavailable.set(i);
            } else {
                filled[i] = previous[i];
            }
        }
        return new Change(op, table, shape, key, filled, before,
                stillUnavailable.isEmpty() ? null : stillUnavailable, sourceTsMs, record);
    }

    /** Whether the change only adds a row: a create, or a snapshot read. */
    public boolean inserts() {
        return op == Op.CREATE || op == Op.READ;
    }

    /**
     * Whether the change shows its table's snapshot applied once it is: the snapshot's last row of
     * the table ({@code source.snapshot} {@code last_in_data_collection}, or {@code last} for the
     * last table), or a change from the stream, which follows the whole snapshot.
     */
    public boolean showsSnapshotApplied() {
        if (record == null || !(record.value() instanceof Struct value) || value.schema().field("source") == null) {
            return false;
        }
        Struct source = value.getStruct("source");
        Object snapshot = source == null || source.schema().field("snapshot") == null ? null : source.get("snapshot");
        return snapshot == null || "false".equals(snapshot) || "last".equals(snapshot)
                || "last_in_data_collection".equals(snapshot);
    }

    /** Roughly the memory the change's text takes, for bounding what a task buffers. */
    public long estimatedBytes() {
        return 64 + textBytes(after) + textBytes(before);
    }

    private static long textBytes(String[] row) {
        if (row == null) {
            return 0;
        }
        long bytes = 16L * row.length;
        for (String value : row) {
            if (value != null) {
                bytes += value.length();
            }
        }
        return bytes;
    }
}
