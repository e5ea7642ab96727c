package io.pg2ts.source;

import io.debezium.config.Configuration;
import io.debezium.connector.postgresql.PostgresConnectorTask;
import io.debezium.connector.postgresql.PostgresOffsetContext;
import io.debezium.connector.postgresql.PostgresPartition;
import io.debezium.pipeline.ChangeEventSourceCoordinator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Debezium's PostgreSQL task with a bound on the records Kafka has not yet acknowledged.
 *
 * <p>Kafka Connect keeps every record a source task returns in the worker's heap until the
 * producer's callback acknowledges it ({@link #commitRecord}). The producer's {@code buffer.memory}
 * bounds the serialized bytes in flight, not the records: with a compact wire format a record is
 * about 200 bytes on the wire and a few kB on the heap, so 32 MB of buffer held 60,000 records and
 * filled a 512 MB worker. Here {@link #doPoll()} hands out no more records while
 * {@code max.unacknowledged.records} are outstanding; it waits briefly for acknowledgements and
 * returns nothing, so Connect's loop (offset commits, transaction boundaries, stop) keeps running.
 *
 * <p>Connect calls {@code commitRecord} once for every record {@code poll} returned: acknowledged,
 * dropped by a transformation, or skipped under {@code errors.tolerance=all}.
 */
public class PostgresSourceTask extends PostgresConnectorTask {

    /** The task property carrying {@link PostgresSourceConfig#maxUnacknowledgedRecords()}. */
    static final String MAX_UNACKNOWLEDGED_PROPERTY = "pg2ts.max.unacknowledged.records";

    private static final Logger LOG = LoggerFactory.getLogger(PostgresSourceTask.class);
    private static final long WAIT_MS = 100;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition acknowledged = lock.newCondition();
    private long unacknowledged;
    private int maxUnacknowledged = PostgresSourceConfig.MAX_UNACKNOWLEDGED_RECORDS_DEFAULT;

    @Override
    public ChangeEventSourceCoordinator<PostgresPartition, PostgresOffsetContext> start(Configuration config) {
        String bound = config.getString(MAX_UNACKNOWLEDGED_PROPERTY);
        if (bound != null) {
            maxUnacknowledged = Integer.parseInt(bound);
        }
        LOG.info("pg2ts source task: at most {} records unacknowledged by Kafka", maxUnacknowledged);
        return super.start(config);
    }

    @Override
    public List<SourceRecord> doPoll() throws InterruptedException {
        lock.lock();
        try {
            if (unacknowledged >= maxUnacknowledged) {
                acknowledged.await(WAIT_MS, TimeUnit.MILLISECONDS);
                if (unacknowledged >= maxUnacknowledged) {
                    return List.of();
                }
            }
        } finally {
            lock.unlock();
        }
        List<SourceRecord> records = super.doPoll();
        if (records != null && !records.isEmpty()) {
            lock.lock();
            try {
                unacknowledged += records.size();
            } finally {
                lock.unlock();
            }
        }
        return records;
    }

    @Override
    public void commitRecord(SourceRecord record, RecordMetadata metadata) throws InterruptedException {
        try {
            super.commitRecord(record, metadata);
        } finally {
            lock.lock();
            try {
                unacknowledged--;
                acknowledged.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /** Records returned by {@link #doPoll()} and not yet acknowledged; for tests and logs. */
    long unacknowledged() {
        lock.lock();
        try {
            return unacknowledged;
        } finally {
            lock.unlock();
        }
    }
}
