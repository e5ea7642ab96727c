package io.pg2ts.sink;

import io.pg2ts.sink.apply.AppliedRows;
import io.pg2ts.sink.apply.BatchFailure;
import io.pg2ts.sink.apply.ChangeApplier;
import io.pg2ts.sink.apply.ChangeBuffer;
import io.pg2ts.sink.apply.Flusher;
import io.pg2ts.sink.apply.OffsetStore;
import io.pg2ts.sink.apply.PartitionOffsets;
import io.pg2ts.sink.apply.ProgressStore;
import io.pg2ts.sink.apply.SqlErrors;
import io.pg2ts.sink.record.Change;
import io.pg2ts.sink.record.EnvelopeParser;
import io.pg2ts.sink.record.InvalidRecordException;
import io.pg2ts.sink.schema.Catalog;
import io.pg2ts.sink.schema.TargetTables;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies Debezium change events to the target exactly once. Changes are buffered across
 * {@link #put} calls and flushed, when the buffer is full or has lingered long enough, in one
 * transaction that also stores the next Kafka offset of every partition it covers, and the
 * changes applied per table ({@link ProgressStore}). On open the
 * task seeks to the stored offsets, records below a partition's position are skipped, and
 * {@link #preCommit} hands Connect only offsets whose rows are committed.
 */
public final class TimescaleSinkTask extends SinkTask {

    private static final Logger log = LoggerFactory.getLogger(TimescaleSinkTask.class);

    private TimescaleSinkConfig config;
    private String applicationName;
    private EnvelopeParser parser;
    private Catalog catalog;
    private OffsetStore offsetStore;
    private Flusher flusher;
    private TargetTables targetTables;
    private ErrantRecordReporter reporter;
    private SinkMetrics metrics;
    private final ChangeBuffer buffer = new ChangeBuffer();
    private final PartitionOffsets partitions = new PartitionOffsets();
    private TaskConnection connection;
    private int failuresInARow;
    // When the first record since the last flush arrived (System.nanoTime), or -1.
    private long unflushedSince = -1;
    // A flush whose commit failed on the way: it may have gone through.
    private Attempt inDoubt;
    // What ended the task; thrown again should Connect call put once more.
    private ConnectException failure;

    @Override
    public String version() {
        return Version.VERSION;
    }

    @Override
    public void start(Map<String, String> props) {
        TimescaleSinkConfig parsed = new TimescaleSinkConfig(props);
        String connector = parsed.connectorName();
        if (connector == null) {
            throw new ConnectException("The task configuration has no connector name ('"
                    + TimescaleSinkConfig.CONNECTOR_NAME_PROPERTY + "'), which keys the offsets stored on the target; "
                    + "Kafka Connect always sets it, so run the task through Connect");
        }
        config = parsed;
        applicationName = "pg2ts-sink/" + connector + "/" + config.taskId();
        parser = new EnvelopeParser(config.tableNameFormat());
        catalog = new Catalog();
        offsetStore = new OffsetStore(config.offsetsTable(), connector);
        reporter = config.toleratesAllErrors() && context != null ? context.errantRecordReporter() : null;
        targetTables = new TargetTables(catalog, config.autoCreate(), config.autoEvolve(),
                config.hypertables(), config.hypertablesMigrateData(), config.hypertablesAuto(),
                config.hypertablesAutoTimeColumns());
        ChangeApplier applier = new ChangeApplier(targetTables, config.applyCopy());
        ProgressStore progressStore = new ProgressStore(config.offsetsTable().schema(), connector, config.taskId());
        flusher = new Flusher(applier, catalog, offsetStore, progressStore, reporter);
        metrics = new SinkMetrics(connector, config.taskId());
        connection = new TaskConnection(config, applicationName, offsetStore, progressStore);
        log.info("Started pg2ts sink task {} writing to {} (table.name.format {}, offsets in {})", applicationName,
                TargetConnection.hostAndPort(config.connectionUrl()), config.tableNameFormat(), config.offsetsTable());
    }

    @Override
    public void open(Collection<TopicPartition> opened) {
        try {
            resolve(opened);
        } catch (SQLException | RuntimeException e) {
            // They are read again before the partitions' first records are applied.
            rollbackQuietly();
            connection.closeQuietly();
            log.warn("Could not read the stored offsets of {} partitions now ({}); will read them with their first records",
                    opened.size(), reason(e));
        }
    }

    // Reads the stored offsets of partitions not read yet, and seeks to them.
    private void resolve(Collection<TopicPartition> candidates) throws SQLException {
        Set<TopicPartition> unresolved = partitions.unresolved(candidates);
        if (unresolved.isEmpty()) {
            return;
        }
        Connection c = connection.get();
        Map<TopicPartition, Long> stored = offsetStore.read(c, unresolved);
        c.commit();
        partitions.resolved(unresolved, stored);
        stored.forEach(context::offset);
        log.info("Opened {} partitions; resuming from the offsets stored in {}: {}; the other {} from Connect's position",
                unresolved.size(), config.offsetsTable(), describe(stored), unresolved.size() - stored.size());
    }

    // TopicPartition is not Comparable: order by its text for a stable log line.
    private static String describe(Map<TopicPartition, Long> offsets) {
        Map<String, Long> sorted = new TreeMap<>();
        offsets.forEach((partition, offset) -> sorted.put(partition.toString(), offset));
        return sorted.toString();
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        if (failure != null) {
            throw failure;
        }
        try {
            resolveInDoubt();
            resolve(partitionsOf(records));
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly();
            throw retryOrFail("read the stored offsets", e);
        }
        for (SinkRecord record : records) {
            TopicPartition partition = new TopicPartition(record.originalTopic(), record.originalKafkaPartition());
            long offset = record.originalKafkaOffset();
            if (!partitions.isNew(partition, offset)) {
                continue;
            }
            Change change = parse(record);
            if (change != null) {
                buffer.add(change);
            }
            partitions.advance(partition, offset);
            if (unflushedSince < 0) {
                unflushedSince = System.nanoTime();
            }
            if (buffer.rows() >= config.batchMaxRows() || buffer.bytes() >= config.batchMaxBytes()) {
                flushOrThrow();
            }
        }
        if (unflushedSince >= 0) {
            long lingerLeft = config.batchLinger().toNanos() - (System.nanoTime() - unflushedSince);
            if (failuresInARow > 0 || lingerLeft <= 0) {
                flushOrThrow();
            } else {
                // Connect calls put again, with no records if none came, once its poll times out.
                context.timeout(Math.max(1, lingerLeft / 1_000_000));
            }
        }
    }

    private static Set<TopicPartition> partitionsOf(Collection<SinkRecord> records) {
        Set<TopicPartition> result = new LinkedHashSet<>();
        for (SinkRecord record : records) {
            result.add(new TopicPartition(record.originalTopic(), record.originalKafkaPartition()));
        }
        return result;
    }

    private Change parse(SinkRecord record) {
        try {
            return parser.parse(record);
        } catch (InvalidRecordException e) {
            if (reporter == null) {
                failure = e;
                throw e;
            }
            log.warn("Reporting a record this sink cannot apply to the dead letter queue, as errors.tolerance=all: {}",
                    e.getMessage());
            buffer.reported(reporter.report(record, e));
            return null;
        }
    }

    private void flushOrThrow() {
        try {
            flush();
        } catch (BatchFailure e) {
            throw badRecord(e);
        } catch (SQLException | RuntimeException e) {
            throw retryOrFail("apply a batch of " + buffer.rows() + " changes", e);
        }
    }

    // Applies the buffer and stores the offsets it covers, in one transaction. On failure the
    // transaction is rolled back and the buffer kept.
    private void flush() throws SQLException, BatchFailure {
        resolveInDoubt();
        Map<TopicPartition, Long> nextOffsets = partitions.uncommitted();
        if (nextOffsets.isEmpty()) {
            // Whatever is buffered lies below the committed offsets, so it is applied already.
            buffer.clear();
            unflushedSince = -1;
            return;
        }
        long started = System.nanoTime();
        Connection c = connection.get();
        AppliedRows applied;
        long nanos;
        try {
            applied = flusher.write(c, buffer, nextOffsets);
        } catch (SQLException | BatchFailure | RuntimeException e) {
            rollbackQuietly();
            throw e;
        }
        try {
            c.commit();
            nanos = System.nanoTime() - started;
        } catch (SQLException e) {
            if (SqlErrors.isTransient(e)) {
                inDoubt = new Attempt(nextOffsets, applied, System.nanoTime() - started);
            }
            rollbackQuietly();
            throw e;
        }
        committed(new Attempt(nextOffsets, applied, nanos));
    }

    private record Attempt(Map<TopicPartition, Long> nextOffsets, AppliedRows applied, long nanos) {
    }

    private void committed(Attempt flush) {
        partitions.committed(flush.nextOffsets());
        metrics.flushed(flush.applied(), buffer.rows(), flush.nanos(), buffer.newestSourceTsMs());
        metrics.hypertables(targetTables::hypertableFacts);
        log.debug("Flushed {} changes to {} tables as {} row writes in {} ms; stored the offsets of {} partitions",
                buffer.rows(), flush.applied().tables(), flush.applied().total(), flush.nanos() / 1_000_000,
                flush.nextOffsets().size());
        buffer.clear();
        unflushedSince = -1;
        failuresInARow = 0;
    }

    // After a commit that failed on the way, the stored offsets tell whether it went through.
    private void resolveInDoubt() throws SQLException {
        if (inDoubt == null) {
            return;
        }
        Connection c = connection.get();
        Map<TopicPartition, Long> stored = offsetStore.read(c, inDoubt.nextOffsets().keySet());
        c.commit();
        if (stored.equals(inDoubt.nextOffsets())) {
            log.info("The last flush was committed, though the acknowledgement of its commit was lost");
            committed(inDoubt);
        }
        inDoubt = null;
    }

    private ConnectException badRecord(BatchFailure e) {
        failure = new ConnectException("Could not apply " + e.getMessage() + ": " + reason((Exception) e.getCause()),
                e.getCause());
        return failure;
    }

    // A transient failure is retried on a new connection, up to max.retries times in a row, with
    // the buffer kept: Connect delivers the same records again, which are skipped as seen.
    private RuntimeException retryOrFail(String action, Exception cause) {
        String reason = reason(cause);
        if (!SqlErrors.isTransient(cause)) {
            failure = cause instanceof ConnectException connect && !(cause instanceof RetriableException)
                    ? connect : new ConnectException("Could not " + action + ": " + reason, cause);
            return failure;
        }
        connection.closeQuietly();
        if (failuresInARow >= config.maxRetries()) {
            failure = new ConnectException("Could not " + action + " after " + config.maxRetries()
                    + " retries (max.retries): " + reason, cause);
            return failure;
        }
        failuresInARow++;
        long backoff = config.retryBackoff().toMillis();
        log.warn("Transient failure, could not {}: {}; retry {} of {} in {} ms", action, reason, failuresInARow,
                config.maxRetries(), backoff);
        context.timeout(backoff);
        return new RetriableException("Transient failure, could not " + action + ": " + reason, cause);
    }

    // SQLException messages can quote values, so only the SQLState goes into our message; the
    // cause is attached for whoever reads the stack trace.
    private static String reason(Exception cause) {
        if (cause instanceof SQLException sql) {
            return "SQL error, SQLState " + sql.getSQLState();
        }
        if (cause instanceof ConnectException || cause instanceof IllegalArgumentException) {
            return cause.getMessage();
        }
        return cause.getClass().getName();
    }

    /** Flushes what is buffered, then hands Connect the offsets committed on the target. */
    @Override
    public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        flushQuietly("before Connect commits offsets");
        Map<TopicPartition, OffsetAndMetadata> result = new HashMap<>();
        partitions.committedOffsets().forEach((partition, next) -> result.put(partition, new OffsetAndMetadata(next)));
        return result;
    }

    // Never throws past Connect: a transient failure leaves the buffer for the next attempt, any
    // other failure ends the task at its next put.
    private boolean flushQuietly(String when) {
        if (failure != null) {
            return false;
        }
        try {
            flush();
            return true;
        } catch (BatchFailure e) {
            badRecord(e);
        } catch (SQLException | RuntimeException e) {
            retryOrFail("apply a batch of " + buffer.rows() + " changes", e);
        }
        log.warn("Could not flush {}: {}", when, failure != null ? failure.getMessage() : "transient failure, kept for a retry");
        return false;
    }

    /**
     * Flushes everything, then forgets the closed partitions. When the flush fails, the buffer is
     * dropped, as it may hold changes of partitions another task now owns, and the partitions that
     * stay are read again from their committed offsets.
     */
    @Override
    public void close(Collection<TopicPartition> closed) {
        boolean flushed = flushQuietly("on closing partitions");
        partitions.forget(closed);
        if (!flushed) {
            buffer.clear();
            unflushedSince = -1;
            inDoubt = null;
            partitions.rewind().forEach(context::offset);
        }
        log.info("Closed {} partitions{}", closed.size(), flushed ? "" : "; dropped what was buffered");
    }

    @Override
    public void stop() {
        if (config == null) {
            return;
        }
        if (unflushedSince >= 0) {
            flushQuietly("on stop");
        }
        rollbackQuietly();
        connection.closeQuietly();
        metrics.close();
        log.info("Stopped pg2ts sink task {}", applicationName);
    }

    private void rollbackQuietly() {
        catalog.clear();
        connection.rollbackQuietly();
    }
}
