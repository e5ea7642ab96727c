package io.pg2ts.sink.record;

import io.pg2ts.common.TableId;
import java.util.BitSet;
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
 * @param record the record the change came from, for error reports
 */
public record Change(Op op, TableId table, RecordShape shape, RowKey key, String[] after, String[] before,
                     BitSet unavailable, SinkRecord record) {

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
                stillUnavailable.isEmpty() ? null : stillUnavailable, record);
    }
}
