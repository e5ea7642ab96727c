package io.pg2ts.sink.apply;

/**
 * A record that could not be applied. The message says where it is (topic, partition, offset,
 * table, key columns); the cause says why.
 */
public final class BatchFailure extends Exception {

    public BatchFailure(String where, Exception cause) {
        super(where, cause);
    }
}
