package io.pg2ts.cli.cutover;

import io.pg2ts.cli.connect.ConnectRestClient;
import io.pg2ts.cli.status.KafkaBacklog;
import io.pg2ts.common.TableId;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Waits until everything the source wrote before it went quiet is applied on the target: the
 * source connector has confirmed the slot up to the WAL position the source had when it went
 * quiet (so every change before it is in Kafka), and the sink has applied every record in Kafka
 * (its offsets stored on the target equal the partitions' end offsets).
 */
public final class Drain {

    private static final Duration POLL = Duration.ofSeconds(1);

    /** One reading: WAL bytes the slot still lacks to the quiet point, records not applied by the sink. */
    public record Reading(String quietLsn, String confirmedLsn, long slotBytesBehind, long sinkRecordsBehind) {

        public boolean drained() {
            return slotBytesBehind == 0 && sinkRecordsBehind == 0;
        }

        public String line() {
            return "slot " + (slotBytesBehind < 0 ? "missing" : slotBytesBehind == 0 ? "at the quiet point"
                    : slotBytesBehind + " B behind the quiet point " + quietLsn)
                    + ", sink " + (sinkRecordsBehind == 0 ? "has applied every record"
                    : sinkRecordsBehind + " records behind");
        }
    }

    private final Connection source;
    private final Connection target;
    private final ConnectRestClient connect;
    private final List<String> connectors;
    private final String slot;
    private final KafkaBacklog backlog;
    private final TableId offsetsTable;
    private final Pattern topics;

    /**
     * @param connectors the source and the sink connector, which must keep running (a failed one ends the wait)
     * @param offsetsTable the sink's {@code <offsets.schema>.sink_offsets}
     * @param topics the sink's topics
     */
    public Drain(Connection source, Connection target, ConnectRestClient connect, List<String> connectors, String slot,
            KafkaBacklog backlog, TableId offsetsTable, Pattern topics) {
        this.source = source;
        this.target = target;
        this.connect = connect;
        this.connectors = connectors;
        this.slot = slot;
        this.backlog = backlog;
        this.offsetsTable = offsetsTable;
        this.topics = topics;
    }

    /**
     * Marks the quiet point in the source's WAL and returns its position: a logical decoding
     * message (non-transactional, so decoded at once) that the slot's reader receives and confirms
     * like a change, after every transaction committed before it. Taking the WAL position alone
     * would not do: WAL the slot's decoding skips (other databases, tables outside the
     * publication) moves it past anything the connector ever sees, so the slot would never reach it.
     * The source connector drops the message itself ({@code message.prefix.exclude.list}).
     */
    public static String markQuietPoint(Connection source) throws SQLException {
        try (PreparedStatement s = source.prepareStatement(
                "SELECT pg_logical_emit_message(false, 'pg2ts.quiet-point', now()::text)::text");
                ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }

    /**
     * Polls until drained or the timeout passes, printing a line whenever the reading changes.
     *
     * @return the last reading, drained or not
     */
    public Reading await(String quietLsn, Duration timeout, PrintStream out) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        String printed = null;
        while (true) {
            for (String name : connectors) {
                ConnectRestClient.failIfFailed(name, connect.status(name));
            }
            Reading reading = read(quietLsn);
            if (!reading.line().equals(printed)) {
                out.println("  " + reading.line());
                printed = reading.line();
            }
            if (reading.drained() || Instant.now().isAfter(deadline)) {
                return reading;
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    Reading read(String quietLsn) throws Exception {
        String confirmed = null;
        long behind = -1;
        try (PreparedStatement s = source.prepareStatement("SELECT confirmed_flush_lsn::text, "
                + "greatest(0, ?::pg_lsn - confirmed_flush_lsn)::bigint FROM pg_replication_slots WHERE slot_name = ?")) {
            s.setString(1, quietLsn);
            s.setString(2, slot);
            try (ResultSet rs = s.executeQuery()) {
                if (rs.next() && rs.getString(1) != null) {
                    confirmed = rs.getString(1);
                    behind = rs.getLong(2);
                }
            }
        }
        return new Reading(quietLsn, confirmed, behind, backlog.total(target, offsetsTable, connectors.get(1), topics));
    }
}
