package io.pg2ts.cli.status;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pg2ts.cli.status.MigrationStatus.ConnectorState;
import io.pg2ts.cli.status.MigrationStatus.SlotStatus;
import io.pg2ts.cli.status.MigrationStatus.TableStatus;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Shows readings: as text lines, redrawn in place on a terminal, or as one JSON object per reading.
 *
 * <p>JSON fields: {@code read_at}; {@code tables}, each with {@code table} (source), {@code target_table},
 * {@code source_rows}, {@code source_rows_exact}, {@code snapshot_rows}, {@code snapshot_percent},
 * {@code snapshot_done}, {@code inserted}, {@code updated}, {@code deleted}, {@code truncated},
 * {@code newest_source_ts}; {@code slot} with {@code name}, {@code active}, {@code wal_status},
 * {@code current_wal_lsn}, {@code confirmed_flush_lsn}, {@code lag_bytes}; {@code lag_seconds};
 * {@code kafka_backlog} (per topic) and {@code kafka_backlog_total}; {@code connectors}, each with
 * {@code name}, {@code state}, {@code tasks}; {@code caught_up}. Unknown values are null.
 */
public final class StatusDisplay {

    /** How readings are shown. */
    public enum Mode { JSON, LINES, LIVE }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final PrintWriter out;
    private final Mode mode;
    private int linesShown;

    public StatusDisplay(PrintWriter out, Mode mode) {
        this.out = out;
        this.mode = mode;
    }

    /** Live on a terminal, lines otherwise. */
    public static StatusDisplay forConsole(PrintWriter out) {
        return new StatusDisplay(out, System.console() != null ? Mode.LIVE : Mode.LINES);
    }

    public void show(MigrationStatus status) {
        if (mode == Mode.JSON) {
            out.println(json(status));
            out.flush();
            return;
        }
        List<String> lines = lines(status);
        StringBuilder text = new StringBuilder();
        if (mode == Mode.LIVE && linesShown > 0) {
            // Up to the first line of the last reading, then each line cleared before it is written.
            text.append("\u001b[").append(linesShown).append('A');
        }
        for (String line : lines) {
            text.append(mode == Mode.LIVE ? "\u001b[2K" : "").append(line).append(System.lineSeparator());
        }
        if (mode == Mode.LIVE) {
            // Clear what is left of a longer last reading.
            text.append("\u001b[J");
        }
        out.print(text);
        out.flush();
        linesShown = lines.size();
    }

    /** The reading as one line of JSON. */
    public static String json(MigrationStatus status) {
        ObjectNode root = JSON.createObjectNode();
        root.put("read_at", status.readAt().toString());
        ArrayNode tables = root.putArray("tables");
        for (TableStatus t : status.tables()) {
            ObjectNode table = tables.addObject();
            table.put("table", t.source() == null ? null : t.source().toString());
            table.put("target_table", t.target().toString());
            table.put("source_rows", t.sourceRows());
            table.put("source_rows_exact", t.sourceRowsExact());
            table.put("snapshot_rows", t.snapshotRows());
            Double percent = t.snapshotPercent();
            table.put("snapshot_percent", percent == null ? null : Math.round(percent * 10) / 10.0);
            table.put("snapshot_done", t.snapshotDone());
            table.put("inserted", t.inserted());
            table.put("updated", t.updated());
            table.put("deleted", t.deleted());
            table.put("truncated", t.truncated());
            table.put("newest_source_ts", t.newestSourceTs() == null ? null : t.newestSourceTs().toString());
        }
        SlotStatus s = status.slot();
        if (s == null) {
            root.putNull("slot");
        } else {
            ObjectNode slot = root.putObject("slot");
            slot.put("name", s.name());
            slot.put("active", s.active());
            slot.put("wal_status", s.walStatus());
            slot.put("current_wal_lsn", s.currentWalLsn());
            slot.put("confirmed_flush_lsn", s.confirmedFlushLsn());
            slot.put("lag_bytes", s.lagBytes());
        }
        root.put("lag_seconds", status.lagSeconds());
        if (status.kafkaBacklog() == null) {
            root.putNull("kafka_backlog");
        } else {
            ObjectNode backlog = root.putObject("kafka_backlog");
            status.kafkaBacklog().forEach(backlog::put);
        }
        root.put("kafka_backlog_total", status.kafkaBacklogTotal());
        if (status.connectors() == null) {
            root.putNull("connectors");
        } else {
            ArrayNode connectors = root.putArray("connectors");
            for (ConnectorState c : status.connectors()) {
                ObjectNode connector = connectors.addObject();
                connector.put("name", c.name());
                connector.put("state", c.state());
                ArrayNode tasks = connector.putArray("tasks");
                c.taskStates().forEach(tasks::add);
            }
        }
        root.put("caught_up", status.caughtUp());
        return root.toString();
    }

    /** The reading as text: a summary line, then a line per table. */
    public static List<String> lines(MigrationStatus status) {
        List<String> lines = new ArrayList<>();
        StringBuilder summary = new StringBuilder(status.readAt().toString());
        SlotStatus slot = status.slot();
        summary.append("  slot ").append(slot == null ? "unknown" : slot.name() + " "
                + (slot.lagBytes() == null ? "-" : bytes(slot.lagBytes())) + " behind" + (slot.active() ? "" : " (inactive)")
                + ("lost".equals(slot.walStatus()) ? " WAL LOST" : ""));
        summary.append("  applied up to ").append(status.lagSeconds() == null ? "-"
                : String.format(Locale.ROOT, "%.1f s ago", status.lagSeconds()));
        if (status.kafkaBacklogTotal() != null) {
            summary.append(String.format(Locale.ROOT, "  backlog %,d records", status.kafkaBacklogTotal()));
        }
        summary.append("  caught up: ").append(status.caughtUp() == null ? "unknown (needs --kafka)"
                : status.caughtUp() ? "yes" : "no");
        lines.add(summary.toString());
        if (status.connectors() != null) {
            StringBuilder states = new StringBuilder(" ");
            for (ConnectorState c : status.connectors()) {
                states.append(' ').append(c.name()).append(' ').append(c.state());
                if (!c.taskStates().isEmpty()) {
                    states.append(" (tasks ").append(String.join(", ", c.taskStates())).append(')');
                }
            }
            lines.add(states.toString());
        }
        int width = status.tables().stream().mapToInt(t -> name(t).length()).max().orElse(0);
        for (TableStatus t : status.tables()) {
            Double percent = t.snapshotPercent();
            String snapshot = t.snapshotDone() ? "done"
                    : percent == null ? "-" : String.format(Locale.ROOT, "%5.1f%%", percent);
            String source = t.sourceRows() == null ? "?" : (t.sourceRowsExact() ? "" : "~")
                    + String.format(Locale.ROOT, "%,d", t.sourceRows());
            lines.add(String.format(Locale.ROOT, "  %-" + width + "s  snapshot %,d/%s %s  +%,d ~%,d -%,d%s",
                    name(t), t.snapshotRows(), source, snapshot, t.inserted(), t.updated(), t.deleted(),
                    t.truncated() > 0 ? String.format(Locale.ROOT, " truncated %,d", t.truncated()) : ""));
        }
        return lines;
    }

    private static String name(TableStatus t) {
        if (t.source() == null) {
            return t.target() + " (target only)";
        }
        return t.source().equals(t.target()) ? t.source().toString() : t.source() + " -> " + t.target();
    }

    private static String bytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}
