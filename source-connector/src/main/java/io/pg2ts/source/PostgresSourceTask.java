package io.pg2ts.source;

import io.debezium.config.Configuration;
import io.debezium.connector.postgresql.PostgresConnectorTask;
import io.debezium.connector.postgresql.PostgresOffsetContext;
import io.debezium.connector.postgresql.PostgresPartition;
import io.debezium.pipeline.ChangeEventSourceCoordinator;
import io.pg2ts.common.TableId;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.connect.errors.ConnectException;
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
 *
 * <p>Once Debezium's task has started, {@link InlineLagMeasurement} moves its per-change lag
 * measurement from a thread hand-off into the streaming thread.
 */
public class PostgresSourceTask extends PostgresConnectorTask {

    /** The task property carrying the connector's table.include.list, in pg2ts's form. */
    static final String TABLE_INCLUDE_PROPERTY = "pg2ts.table.include.list";

    /** The task property carrying {@link PostgresSourceConfig#maxUnacknowledgedRecords()}. */
    static final String MAX_UNACKNOWLEDGED_PROPERTY = "pg2ts.max.unacknowledged.records";

    private static final Logger LOG = LoggerFactory.getLogger(PostgresSourceTask.class);
    private static final long WAIT_MS = 100;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition acknowledged = lock.newCondition();
    private long unacknowledged;
    private int maxUnacknowledged = PostgresSourceConfig.MAX_UNACKNOWLEDGED_RECORDS_DEFAULT;
    private volatile boolean lagMeasuredInline;

    @Override
    public ChangeEventSourceCoordinator<PostgresPartition, PostgresOffsetContext> start(Configuration config) {
        String bound = config.getString(MAX_UNACKNOWLEDGED_PROPERTY);
        if (bound != null) {
            maxUnacknowledged = Integer.parseInt(bound);
        }
        LOG.info("pg2ts source task: at most {} records unacknowledged by Kafka", maxUnacknowledged);
        ChangeEventSourceCoordinator<PostgresPartition, PostgresOffsetContext> coordinator =
                super.start(withSnapshotSelects(config));
        try {
            lagMeasuredInline = InlineLagMeasurement.install(coordinator);
        } catch (LinkageError e) {
            // InlineLagMeasurement names Debezium classes another Debezium version may not have.
            LOG.info("pg2ts source task: Debezium's lag-behind-source measurement stays on its own thread ({})",
                    e.toString());
        }
        return coordinator;
    }

    /** The config with {@link SnapshotSelects}' overrides for the captured tables, read from the source's catalog. */
    private static Configuration withSnapshotSelects(Configuration config) {
        Map<String, String> props = config.asMap();
        String include = props.getOrDefault(TABLE_INCLUDE_PROPERTY, "");
        List<TableId> tables = include.isBlank() ? List.of()
                : Arrays.stream(include.split(",")).map(String::strip).map(TableId::parse).toList();
        Map<String, String> tls = new HashMap<>();
        props.forEach((key, value) -> {
            if (key.startsWith("database.ssl") && !key.equals("database.sslmode")) {
                tls.put(key.substring("database.".length()), value);
            }
        });
        Map<String, String> selects;
        try (Connection connection = SourceDatabaseCheck.connect(props.get("database.hostname"),
                Integer.parseInt(props.getOrDefault("database.port", "5432")), props.get("database.dbname"),
                props.get("database.user"), props.get("database.password"), props.get("database.sslmode"), tls,
                "pg2ts source")) {
            selects = SnapshotSelects.properties(connection, tables, props);
        } catch (SQLException e) {
            throw new ConnectException("pg2ts source: could not read the column types of the captured tables from "
                    + props.get("database.dbname") + " on " + props.get("database.hostname") + ": " + e.getMessage()
                    + " (SQLState " + e.getSQLState() + ")", e);
        }
        if (selects.isEmpty()) {
            return config;
        }
        LOG.info("pg2ts source task: the snapshot reads {} table(s) with columns as PostgreSQL text: {}",
                selects.size() - 1, selects.get(SnapshotSelects.OVERRIDES));
        Configuration.Builder builder = config.edit();
        selects.forEach(builder::with);
        return builder.build();
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

    /** True when {@link InlineLagMeasurement} took over Debezium's lag measurement; for tests. */
    boolean lagMeasuredInline() {
        return lagMeasuredInline;
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
