package io.pg2ts.sink.schema;

import io.pg2ts.common.TableId;

/**
 * What the target says of one hypertable the sink writes to, read when the sink first prepares
 * the table and after each of its batches: for metrics and logs.
 *
 * @param chunkIntervalMs the time dimension's chunk interval, or -1 when not a time interval
 * @param chunksAtStart chunks the table had when this task first wrote to it
 * @param chunks chunks it has now
 * @param compressed whether compression is enabled on it
 */
public record HypertableFacts(TableId table, long chunkIntervalMs, long chunksAtStart, long chunks, boolean compressed) {

    /** Chunks created since this task first wrote to the table. */
    public long chunksCreated() {
        return Math.max(0, chunks - chunksAtStart);
    }
}
