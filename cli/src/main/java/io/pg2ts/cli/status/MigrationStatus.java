package io.pg2ts.cli.status;

import io.pg2ts.common.TableId;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One reading of how far a migration has come, from the source, the target's progress table
 * ({@code <offsets.schema>.sink_tables}), and optionally Kafka Connect and Kafka.
 *
 * @param readAt when the reading was taken (this machine's clock)
 * @param tables per migrated table, in source order
 * @param slot the replication slot, null when its name is not known or it does not exist
 * @param lagSeconds now minus the newest source commit time applied over all tables; null before
 *     the first change is applied. Grows while the source is idle, as nothing newer can be applied
 * @param kafkaBacklog per topic, records in Kafka the sink has not applied yet; null without Kafka
 * @param connectors states from Kafka Connect, null without Connect
 * @param caughtUp see {@link #caughtUp(SlotStatus, Map, List, long)}; null when the backlog is not known
 */
public record MigrationStatus(Instant readAt, List<TableStatus> tables, SlotStatus slot, Double lagSeconds,
                              Map<String, Long> kafkaBacklog, List<ConnectorState> connectors, Boolean caughtUp) {

    /**
     * One table.
     *
     * @param source the source table, null for a target table the sink wrote that is not among the
     *     source tables read
     * @param target the table the sink writes it to
     * @param sourceRows the planner's estimate ({@code reltuples}, summed over partitions), or the
     *     exact count when {@code sourceRowsExact}; null without a source table
     * @param snapshotRows snapshot rows (op {@code r}) applied
     * @param snapshotDone whether the snapshot is applied: the sink applied its last row or a change
     *     streamed after it, or the table is empty (exactly 0 rows) and nothing of it was applied
     * @param newestSourceTs the newest source commit time applied, null before the first change
     */
    public record TableStatus(TableId source, TableId target, Long sourceRows, boolean sourceRowsExact,
                              long snapshotRows, boolean snapshotDone, long inserted, long updated, long deleted,
                              long truncated, Instant newestSourceTs) {

        /** Snapshot rows applied of the source's rows, 0 to 100; 100 once done; null when unknown. */
        public Double snapshotPercent() {
            if (snapshotDone) {
                return 100.0;
            }
            if (sourceRows == null || sourceRows <= 0) {
                return null;
            }
            return Math.min(100.0, 100.0 * snapshotRows / sourceRows);
        }
    }

    /**
     * The source's replication slot.
     *
     * @param lagBytes {@code pg_current_wal_lsn() - confirmed_flush_lsn}: WAL the source connector
     *     has not confirmed; null while the slot has no confirmed position
     * @param walStatus {@code pg_replication_slots.wal_status}: reserved, extended, unreserved or lost
     */
    public record SlotStatus(String name, boolean active, String walStatus, String currentWalLsn,
                             String confirmedFlushLsn, Long lagBytes) {
    }

    /** A connector's state and its tasks' states, as Kafka Connect reports them. */
    public record ConnectorState(String name, String state, List<String> taskStates) {
    }

    /** Records in Kafka the sink has not applied, over all topics; null when not known. */
    public Long kafkaBacklogTotal() {
        return kafkaBacklog == null ? null : kafkaBacklog.values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * Whether the target holds everything the source committed, but for up to {@code maxLagBytes}
     * of WAL (the WAL of other databases and the server's own records, which the slot confirms
     * only with the next heartbeat): the slot exists and lags at most {@code maxLagBytes}, the sink
     * has applied every record in Kafka, and every table's snapshot is done. Null when the Kafka
     * backlog is not known.
     */
    public static Boolean caughtUp(SlotStatus slot, Map<String, Long> kafkaBacklog, List<TableStatus> tables,
            long maxLagBytes) {
        if (kafkaBacklog == null) {
            return null;
        }
        boolean slotCaughtUp = slot != null && slot.lagBytes() != null && slot.lagBytes() <= maxLagBytes;
        boolean applied = kafkaBacklog.values().stream().allMatch(backlog -> backlog == 0);
        boolean snapshots = tables.stream().allMatch(TableStatus::snapshotDone);
        return slotCaughtUp && applied && snapshots;
    }

    static Double lagSeconds(List<TableStatus> tables, Instant now) {
        Instant newest = null;
        for (TableStatus table : tables) {
            if (table.newestSourceTs() != null && (newest == null || table.newestSourceTs().isAfter(newest))) {
                newest = table.newestSourceTs();
            }
        }
        return newest == null ? null : Math.max(0, Duration.between(newest, now).toMillis()) / 1000.0;
    }
}
