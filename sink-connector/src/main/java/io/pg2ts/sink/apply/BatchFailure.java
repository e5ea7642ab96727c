package io.pg2ts.sink.apply;

/**
 * A batch that could not be applied. The message says where the batch came from (topic,
 * partition, offsets, table, key columns); the cause says why.
 */
public final class BatchFailure extends Exception {

    public BatchFailure(String where, Exception cause) {
        super(where, cause);
    }
}
