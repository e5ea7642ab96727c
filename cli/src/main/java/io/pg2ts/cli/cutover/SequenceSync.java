package io.pg2ts.cli.cutover;

import io.pg2ts.common.TableId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Sets every sequence on the target to its value on the source. Logical replication carries rows,
 * never sequence positions, so without this the application's first insert after cutover takes a
 * value the source handed out long ago and fails on a duplicate key.
 */
public final class SequenceSync {

    /**
     * What happened to one source sequence: {@code value} is what the target's sequence was set to
     * (the next value follows it), null when the source never used it.
     */
    public record Synced(TableId sequence, Long value, long margin, String problem) {

        public String line() {
            if (problem != null) {
                return sequence + ": " + problem;
            }
            return sequence + ": " + (value == null ? "never used on the source, left at its start"
                    : "set to " + value + ", the source's position" + (margin == 0 ? "" : " plus the margin"));
        }
    }

    private SequenceSync() {
    }

    /**
     * Reads every sequence of the source outside system schemas and sets the target's sequence of
     * the same name to it, plus {@code margin} when the source has used it.
     *
     * @param margin values to skip on the target beyond the source's position, for writes the
     *     source may still take after the reading (0 when the source is quiet)
     */
    public static List<Synced> sync(Connection source, Connection target, long margin) throws SQLException {
        List<Synced> results = new ArrayList<>();
        for (SourceSequence s : sequences(source)) {
            if (!exists(target, s.name())) {
                results.add(new Synced(s.name(), s.lastValue(), margin,
                        "MISSING on the target: create it (pg2ts schema copies sequences) and run cutover again"));
                continue;
            }
            if (s.lastValue() == null) {
                results.add(new Synced(s.name(), null, margin, null));
                continue;
            }
            // The margin goes the way the sequence does: down for a descending one.
            long value = Math.addExact(s.lastValue(), s.increment() < 0 ? -margin : margin);
            try (PreparedStatement set = target.prepareStatement("SELECT setval(?::regclass, ?, true)")) {
                set.setString(1, s.name().quoted());
                set.setLong(2, value);
                set.execute();
            } catch (SQLException e) {
                // A target sequence with a lower maximum or another type: say which, keep going.
                results.add(new Synced(s.name(), value, margin, "could not be set to " + value + " on the target: "
                        + e.getMessage()));
                continue;
            }
            results.add(new Synced(s.name(), value, margin, null));
        }
        return results;
    }

    private record SourceSequence(TableId name, Long lastValue, long increment) {
    }

    // pg_sequences.last_value is null for a sequence never used (or one the user may not read), so
    // the sequence itself is read, which also gives is_called.
    private static List<SourceSequence> sequences(Connection source) throws SQLException {
        List<TableId> names = new ArrayList<>();
        List<Long> increments = new ArrayList<>();
        String sql = "SELECT n.nspname, c.relname, q.seqincrement FROM pg_class c "
                + "JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_sequence q ON q.seqrelid = c.oid "
                + "WHERE c.relkind = 'S' AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg2ts') "
                + "AND n.nspname NOT LIKE 'pg\\_%' AND n.nspname NOT LIKE '\\_timescaledb%' "
                + "AND n.nspname NOT LIKE 'timescaledb\\_%' ORDER BY 1, 2";
        try (PreparedStatement s = source.prepareStatement(sql); ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                names.add(new TableId(rs.getString(1), rs.getString(2)));
                increments.add(rs.getLong(3));
            }
        }
        List<SourceSequence> sequences = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            TableId name = names.get(i);
            try (PreparedStatement s = source.prepareStatement("SELECT last_value, is_called FROM " + name.quoted());
                    ResultSet rs = s.executeQuery()) {
                rs.next();
                sequences.add(new SourceSequence(name, rs.getBoolean(2) ? rs.getLong(1) : null, increments.get(i)));
            }
        }
        return sequences;
    }

    private static boolean exists(Connection target, TableId sequence) throws SQLException {
        try (PreparedStatement s = target.prepareStatement(
                "SELECT c.relkind = 'S' FROM pg_class c WHERE c.oid = to_regclass(?)")) {
            s.setString(1, sequence.quoted());
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }
}
