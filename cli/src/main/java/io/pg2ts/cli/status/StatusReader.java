package io.pg2ts.cli.status;

import com.fasterxml.jackson.databind.JsonNode;
import io.pg2ts.cli.connect.ConnectRestClient;
import io.pg2ts.cli.connect.PostgresEndpoint;
import io.pg2ts.cli.migrate.MigrationMonitor;
import io.pg2ts.cli.status.MigrationStatus.ConnectorState;
import io.pg2ts.cli.status.MigrationStatus.SlotStatus;
import io.pg2ts.cli.status.MigrationStatus.TableStatus;
import io.pg2ts.common.TableId;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads a {@link MigrationStatus}: source row estimates and the slot from the source, the changes
 * the sink applied from its progress table on the target (no count of target rows), connector
 * states from Kafka Connect and the sink's backlog from Kafka when given. Keeps its connections
 * between readings and opens them again after a failure; not thread-safe.
 */
public final class StatusReader implements AutoCloseable {

    /** Below this many rows by the planner's estimate, source rows are counted exactly. */
    static final long EXACT_COUNT_LIMIT = 100_000;

    /**
     * What to read.
     *
     * @param sourceConnector the source connector's name in Connect, for its state, slot name,
     *     include list and topic prefix
     * @param sinkConnector the sink connector's name: in Connect, and the {@code connector} column of
     *     the progress and offsets tables
     * @param offsetsSchema the sink's {@code offsets.schema}
     * @param slot the replication slot; null to take it from the source connector's task config
     * @param tables source tables; empty for the source connector's include list, or every table
     * @param connect Kafka Connect, or null
     * @param kafka Kafka's bootstrap servers for the backlog, or null
     * @param maxLagBytes slot lag still counted as caught up
     */
    public record Settings(String sourceConnector, String sinkConnector, String offsetsSchema, String slot,
                           List<TableId> tables, ConnectRestClient connect, String kafka, long maxLagBytes) {
    }

    private final PostgresEndpoint source;
    private final PostgresEndpoint target;
    private final Settings settings;
    private final SourceQueries sourceQueries = new SourceQueries();
    private Connection sourceDb;
    private Connection targetDb;
    private KafkaBacklog backlog;
    private ConnectorSetup setup;

    public StatusReader(PostgresEndpoint source, PostgresEndpoint target, Settings settings) {
        this.source = source;
        this.target = target;
        this.settings = settings;
    }

    public MigrationStatus read() throws Exception {
        try {
            return readOnce();
        } catch (SQLException e) {
            // A connection lost between readings: once more on new ones.
            closeConnections();
            return readOnce();
        }
    }

    private MigrationStatus readOnce() throws Exception {
        ConnectorSetup connectors = setup();
        Connection s = sourceDb();
        Connection t = targetDb();
        List<TableId> sourceTables = sourceTables(s, connectors);
        Map<TableId, SourceQueries.Rows> rows = sourceQueries.rows(s, sourceTables, EXACT_COUNT_LIMIT);
        Map<TableId, ProgressQueries.Applied> applied = ProgressQueries.applied(t,
                new TableId(settings.offsetsSchema(), "sink_tables"), settings.sinkConnector());
        List<TableStatus> tables = new ArrayList<>();
        for (TableId table : sourceTables) {
            TableId targetTable = connectors.targetOf(table);
            ProgressQueries.Applied a = applied.remove(targetTable);
            SourceQueries.Rows r = rows.get(table);
            tables.add(status(table, targetTable, r, a));
        }
        applied.forEach((targetTable, a) -> tables.add(status(null, targetTable, null, a)));
        String slotName = settings.slot() != null ? settings.slot() : connectors.slotName();
        SlotStatus slot = slotName == null ? null : sourceQueries.slot(s, slotName);
        Map<String, Long> kafkaBacklog = settings.kafka() == null ? null
                : backlog().read(ProgressQueries.storedOffsets(t, new TableId(settings.offsetsSchema(), "sink_offsets"),
                        settings.sinkConnector()), connectors.topicPattern());
        Instant now = Instant.now();
        return new MigrationStatus(now, tables, slot, MigrationStatus.lagSeconds(tables, now), kafkaBacklog,
                connectorStates(), MigrationStatus.caughtUp(slot, kafkaBacklog, tables, settings.maxLagBytes()));
    }

    private static TableStatus status(TableId source, TableId target, SourceQueries.Rows rows, ProgressQueries.Applied a) {
        ProgressQueries.Applied applied = a == null ? ProgressQueries.Applied.NONE : a;
        boolean emptyAndUntouched = rows != null && rows.exact() && rows.rows() == 0 && a == null;
        return new TableStatus(source, target, rows == null ? null : rows.rows(), rows != null && rows.exact(),
                applied.snapshotRows(), applied.snapshotDone() || emptyAndUntouched, applied.inserted(),
                applied.updated(), applied.deleted(), applied.truncated(), applied.newestSourceTs());
    }

    private List<TableId> sourceTables(Connection s, ConnectorSetup connectors) throws SQLException {
        if (!settings.tables().isEmpty()) {
            return settings.tables();
        }
        return connectors.includeList().isEmpty() ? MigrationMonitor.userTables(s) : connectors.includeList();
    }

    private List<ConnectorState> connectorStates() throws Exception {
        if (settings.connect() == null) {
            return null;
        }
        List<ConnectorState> states = new ArrayList<>();
        for (String name : List.of(settings.sourceConnector(), settings.sinkConnector())) {
            JsonNode status;
            try {
                status = settings.connect().status(name);
            } catch (ConnectRestClient.ConnectRestException e) {
                if (e.status() != 404) {
                    throw e;
                }
                states.add(new ConnectorState(name, "NOT_FOUND", List.of()));
                continue;
            }
            List<String> tasks = new ArrayList<>();
            status.path("tasks").forEach(task -> tasks.add(task.path("state").asText()));
            states.add(new ConnectorState(name, status.path("connector").path("state").asText(), tasks));
        }
        return states;
    }

    // What the connectors' configs say; read from Connect until both connectors are found there.
    private ConnectorSetup setup() throws Exception {
        if (setup != null && setup.complete()) {
            return setup;
        }
        setup = settings.connect() == null ? ConnectorSetup.NONE
                : ConnectorSetup.read(settings.connect(), settings.sourceConnector(), settings.sinkConnector());
        return setup;
    }

    private KafkaBacklog backlog() {
        if (backlog == null) {
            backlog = new KafkaBacklog(settings.kafka());
        }
        return backlog;
    }

    private Connection sourceDb() throws SQLException {
        if (sourceDb == null) {
            sourceDb = open(source, "pg2ts-status");
        }
        return sourceDb;
    }

    private Connection targetDb() throws SQLException {
        if (targetDb == null) {
            targetDb = open(target, "pg2ts-status");
        }
        return targetDb;
    }

    private static Connection open(PostgresEndpoint endpoint, String applicationName) throws SQLException {
        return endpoint.connect(applicationName);
    }

    private void closeConnections() {
        for (Connection c : new Connection[] {sourceDb, targetDb}) {
            if (c != null) {
                try {
                    c.close();
                } catch (SQLException ignored) {
                    // Gone already.
                }
            }
        }
        sourceDb = null;
        targetDb = null;
    }

    @Override
    public void close() {
        closeConnections();
        if (backlog != null) {
            backlog.close();
        }
    }
}
