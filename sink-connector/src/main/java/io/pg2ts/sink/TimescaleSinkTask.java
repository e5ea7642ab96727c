package io.pg2ts.sink;

import io.pg2ts.sink.apply.BatchFailure;
import io.pg2ts.sink.apply.ChangeApplier;
import io.pg2ts.sink.apply.ChangeBuffer;
import io.pg2ts.sink.apply.SqlErrors;
import io.pg2ts.sink.record.Change;
import io.pg2ts.sink.record.EnvelopeParser;
import io.pg2ts.sink.record.InvalidRecordException;
import io.pg2ts.sink.schema.Catalog;
import io.pg2ts.sink.schema.TargetTables;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies Debezium change events to the target: every {@link #put} is parsed, coalesced per
 * table and key, and written in one transaction that is committed before {@code put} returns,
 * so the offsets Connect commits afterwards are always covered by committed rows.
 */
public final class TimescaleSinkTask extends SinkTask {

    private static final Logger log = LoggerFactory.getLogger(TimescaleSinkTask.class);

    private TimescaleSinkConfig config;
    private EnvelopeParser parser;
    private Catalog catalog;
    private ChangeApplier applier;
    private ErrantRecordReporter reporter;
    private Connection connection;
    private int failuresInARow;

    @Override
    public String version() {
        return Version.VERSION;
    }

    @Override
    public void start(Map<String, String> props) {
        config = new TimescaleSinkConfig(props);
        parser = new EnvelopeParser(config.tableNameFormat());
        catalog = new Catalog();
        applier = new ChangeApplier(new TargetTables(catalog, config.autoCreate(), config.autoEvolve()));
        reporter = config.toleratesAllErrors() && context != null ? context.errantRecordReporter() : null;
        failuresInARow = 0;
        log.info("Started pg2ts sink task writing to {} with {} assigned partitions (table.name.format {})",
                TargetConnection.hostAndPort(config.connectionUrl()),
                context == null ? 0 : context.assignment().size(), config.tableNameFormat());
    }

    @Override
    public void open(Collection<TopicPartition> partitions) {
        log.info("Assigned {} partitions; the task now has {}", partitions.size(), context.assignment().size());
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        if (records.isEmpty()) {
            return;
        }
        long started = System.nanoTime();
        List<Change> changes = parse(records);
        if (changes.isEmpty()) {
            return;
        }
        ChangeBuffer buffer = new ChangeBuffer(applier);
        try {
            Connection c = connection();
            for (Change change : changes) {
                buffer.add(c, change);
            }
            buffer.flush(c);
            c.commit();
        } catch (BatchFailure e) {
            throw failure(e.getMessage(), (Exception) e.getCause());
        } catch (SQLException e) {
            throw failure(records.size() + " records (connect or commit)", e);
        }
        failuresInARow = 0;
        if (log.isDebugEnabled()) {
            log.debug("Applied {} records as {} changes, {} row operations in {} batches, in {} ms",
                    records.size(), buffer.received(), buffer.applied(), buffer.batchesApplied(),
                    (System.nanoTime() - started) / 1_000_000);
        }
    }

    private List<Change> parse(Collection<SinkRecord> records) {
        List<Change> changes = new ArrayList<>(records.size());
        for (SinkRecord record : records) {
            Change change;
            try {
                change = parser.parse(record);
            } catch (InvalidRecordException e) {
                if (reporter == null) {
                    throw e;
                }
                log.warn("Reporting a record this sink cannot apply, as errors.tolerance=all: {}", e.getMessage());
                reporter.report(record, e);
                continue;
            }
            if (change != null) {
                changes.add(change);
            }
        }
        return changes;
    }

    // Rolls back, then decides: a transient failure is retried on a new connection, up to
    // max.retries times in a row; anything else fails the task.
    private RuntimeException failure(String where, Exception cause) {
        rollbackQuietly();
        catalog.clear();
        String reason = reason(cause);
        if (!SqlErrors.isTransient(cause)) {
            return new ConnectException("Could not apply " + where + ": " + reason, cause);
        }
        closeQuietly();
        if (failuresInARow >= config.maxRetries()) {
            return new ConnectException("Could not apply " + where + " after " + config.maxRetries()
                    + " retries (max.retries): " + reason, cause);
        }
        failuresInARow++;
        long backoff = config.retryBackoff().toMillis();
        log.warn("Transient failure applying {}: {}; retry {} of {} in {} ms", where, reason, failuresInARow,
                config.maxRetries(), backoff);
        context.timeout(backoff);
        return new RetriableException("Transient failure applying " + where + ": " + reason, cause);
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

    private Connection connection() throws SQLException {
        if (connection == null) {
            Connection c = TargetConnection.open(config.connectionUrl(), config.connectionUser(),
                    config.connectionPassword().value());
            c.setAutoCommit(false);
            connection = c;
        }
        return connection;
    }

    private void rollbackQuietly() {
        if (connection == null) {
            return;
        }
        try {
            connection.rollback();
        } catch (SQLException e) {
            log.debug("Rollback failed, the connection is probably gone (SQLState {})", e.getSQLState());
        }
    }

    private void closeQuietly() {
        if (connection == null) {
            return;
        }
        try {
            connection.close();
        } catch (SQLException e) {
            log.debug("Closing the connection failed (SQLState {})", e.getSQLState());
        }
        connection = null;
    }

    @Override
    public void close(Collection<TopicPartition> partitions) {
        log.info("Revoked {} partitions", partitions.size());
    }

    @Override
    public void stop() {
        rollbackQuietly();
        closeQuietly();
        log.info("Stopped pg2ts sink task");
    }
}
