package io.pg2ts.sink.apply;

import io.pg2ts.sink.record.Change;
import io.pg2ts.sink.record.ErrorContext;
import io.pg2ts.sink.schema.Catalog;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes what a {@link ChangeBuffer} holds, and the offsets it covers, on the caller's transaction;
 * the caller commits. Each step runs in a savepoint. When a step fails for a reason that is not
 * transient, it is rolled back and its changes are applied one by one, each in a savepoint of its
 * own, to find the records that cannot be applied: they go to the dead letter queue when a reporter
 * is given ({@code errors.tolerance=all}), and the rest of the batch is applied; otherwise the
 * first of them fails the flush.
 */
public final class Flusher {

    private static final Logger log = LoggerFactory.getLogger(Flusher.class);

    private final ChangeApplier applier;
    private final Catalog catalog;
    private final OffsetStore offsets;
    private final ProgressStore progress;
    private final ErrantRecordReporter reporter;

    /** @param reporter null when bad records must fail the task */
    public Flusher(ChangeApplier applier, Catalog catalog, OffsetStore offsets, ProgressStore progress,
            ErrantRecordReporter reporter) {
        this.applier = applier;
        this.catalog = catalog;
        this.offsets = offsets;
        this.progress = progress;
        this.reporter = reporter;
    }

    /**
     * Applies the buffer, stores {@code nextOffsets} and adds the applied changes to the stored
     * progress, and waits until every record reported to the
     * dead letter queue is written there, so the commit that follows cannot lose one.
     *
     * @return the rows written
     * @throws BatchFailure a record that cannot be applied, when there is no reporter
     */
    public AppliedRows write(Connection connection, ChangeBuffer buffer, Map<TopicPartition, Long> nextOffsets)
            throws SQLException, BatchFailure {
        AppliedRows applied = new AppliedRows();
        List<Future<Void>> reports = new ArrayList<>(buffer.reports());
        // A copy: a flush that fails is tried again with the same buffer.
        ChangeCounts counts = buffer.counts().copy();
        for (Step step : buffer.steps()) {
            Savepoint savepoint = connection.setSavepoint();
            AppliedRows rows = new AppliedRows();
            try {
                run(connection, step, rows, true);
                connection.releaseSavepoint(savepoint);
                applied.addAll(rows);
            } catch (SQLException | RuntimeException e) {
                if (SqlErrors.isTransient(e)) {
                    throw e;
                }
                rollbackTo(connection, savepoint);
                applyOneByOne(connection, step, applied, reports, counts);
            }
        }
        offsets.write(connection, nextOffsets);
        progress.write(connection, counts);
        await(reports);
        return applied;
    }

    private void run(Connection connection, Step step, AppliedRows rows, boolean allowCopy) throws SQLException {
        if (step instanceof TableBatch batch) {
            applier.apply(connection, batch, rows, allowCopy);
        } else {
            applier.truncate(connection, ((Step.Truncate) step).change().table());
        }
    }

    private void applyOneByOne(Connection connection, Step step, AppliedRows applied, List<Future<Void>> reports,
            ChangeCounts counts) throws SQLException, BatchFailure {
        List<Change> changes = step instanceof TableBatch batch ? batch.inApplyOrder() : List.of(((Step.Truncate) step).change());
        for (Change change : changes) {
            Savepoint savepoint = connection.setSavepoint();
            AppliedRows rows = new AppliedRows();
            try {
                run(connection, step instanceof TableBatch ? TableBatch.of(change) : step, rows, false);
                connection.releaseSavepoint(savepoint);
                applied.addAll(rows);
            } catch (SQLException | RuntimeException e) {
                if (SqlErrors.isTransient(e)) {
                    throw e;
                }
                rollbackTo(connection, savepoint);
                String where = ErrorContext.of(change.record(), change.table(), change.shape().keyNames());
                if (reporter == null) {
                    throw new BatchFailure(where, e);
                }
                log.warn("Reporting a {} that cannot be applied ({}) to the dead letter queue, as errors.tolerance=all",
                        where, state(e));
                // The server's message may quote values; it goes with the record, which holds them anyway.
                reports.add(reporter.report(change.record(), new ConnectException(where + ": " + state(e) + serverMessage(e), e)));
                counts.remove(change);
            }
        }
    }

    // A rollback to a savepoint may undo DDL, which the catalog may have cached.
    private void rollbackTo(Connection connection, Savepoint savepoint) throws SQLException {
        connection.rollback(savepoint);
        catalog.clear();
    }

    private static String state(Exception e) {
        if (e instanceof SQLException sql) {
            return "SQLState " + sql.getSQLState();
        }
        return e instanceof ConnectException || e instanceof IllegalArgumentException ? e.getMessage() : e.getClass().getName();
    }

    private static String serverMessage(Exception e) {
        if (e instanceof PSQLException psql) {
            ServerErrorMessage server = psql.getServerErrorMessage();
            if (server != null && server.getMessage() != null) {
                return ": " + server.getMessage();
            }
        }
        return "";
    }

    private static void await(List<Future<Void>> reports) {
        for (Future<Void> report : reports) {
            try {
                report.get();
            } catch (ExecutionException e) {
                throw new ConnectException("Could not write a record to the dead letter queue", e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ConnectException("Interrupted while waiting for the dead letter queue", e);
            }
        }
    }
}
