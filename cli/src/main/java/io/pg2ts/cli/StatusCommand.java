package io.pg2ts.cli;

import io.pg2ts.cli.connect.ConnectRestClient;
import io.pg2ts.cli.connect.PostgresEndpoint;
import io.pg2ts.cli.status.StatusDisplay;
import io.pg2ts.cli.status.StatusReader;
import io.pg2ts.common.TableId;
import java.io.PrintWriter;
import java.net.URI;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Shows how far a migration has come: snapshot, changes applied, lag.",
            "Per table: the source's rows (the planner's estimate, "
                + "marked ~, or counted when below 100,000 or never analyzed), snapshot rows applied and their percent "
                + "(done once the sink applied the table's last snapshot row or a streamed change), and the inserts (+), "
                + "updates (~) and deletes (-) applied, from the sink's progress table <offsets.schema>.sink_tables on "
                + "the target (target tables are never counted). Overall: how many bytes of WAL the replication slot "
                + "has not confirmed (pg_current_wal_lsn() - confirmed_flush_lsn), how long ago the newest applied "
                + "change was committed on the source (this grows while the source is idle), with --kafka the records "
                + "in Kafka the sink has not applied, and with --connect the connectors' and tasks' states.",
            "Caught up means: the slot lags at most --max-lag-bytes, the sink's Kafka backlog is 0 and every table's "
                + "snapshot is done; it needs --kafka, else it is unknown.",
            "On a terminal the display is redrawn every --interval until interrupted; otherwise one reading is "
                + "printed as plain lines, or with --json as one JSON object (fields: read_at, tables[table, "
                + "target_table, source_rows, source_rows_exact, snapshot_rows, snapshot_percent, snapshot_done, "
                + "inserted, updated, deleted, truncated, newest_source_ts], slot{name, active, wal_status, "
                + "current_wal_lsn, confirmed_flush_lsn, lag_bytes}, lag_seconds, kafka_backlog{topic: records}, "
                + "kafka_backlog_total, connectors[name, state, tasks], caught_up; null when unknown). "
                + "--watch and --once choose explicitly.",
            "Credentials come from the URLs (?user=...&password=...) or PGUSER/PGPASSWORD."})
final class StatusCommand implements Callable<Integer> {

    @Option(names = "--source", required = true, paramLabel = "JDBC_URL", description = "Source database.")
    String source;

    @Option(names = "--target", required = true, paramLabel = "JDBC_URL", description = "Target database.")
    String target;

    @Option(names = "--connect", paramLabel = "URL",
            description = "REST URL of the Kafka Connect cluster: connector states, and the slot, tables and topics "
                    + "from the connectors' task configs.")
    URI connect;

    @Mixin
    ConnectorNames connectors;

    @Option(names = "--slot", paramLabel = "NAME",
            description = "Replication slot on the source (default with --connect: the source task's slot.name).")
    String slot;

    @Option(names = "--table", paramLabel = "SCHEMA.TABLE", split = ",",
            description = "Source tables to show (default: the source connector's include list with --connect, "
                    + "else every table of the source outside system schemas).")
    List<String> tables;

    @Option(names = "--offsets-schema", defaultValue = "pg2ts", paramLabel = "SCHEMA",
            description = "The sink's offsets.schema, holding sink_tables and sink_offsets (default: ${DEFAULT-VALUE}).")
    String offsetsSchema;

    @Option(names = "--kafka", paramLabel = "HOST:PORT[,...]",
            description = "Kafka brokers, to show the records the sink has not applied yet (Kafka's end offsets minus "
                    + "the offsets stored in sink_offsets).")
    String kafka;

    @Option(names = "--max-lag-bytes", defaultValue = "65536", paramLabel = "BYTES",
            description = "Slot lag still counted as caught up: WAL of other databases and the server's own records, "
                    + "which the slot confirms with the next heartbeat (default: ${DEFAULT-VALUE}).")
    long maxLagBytes;

    @Option(names = "--json", description = "One JSON object per reading.")
    boolean json;

    @Option(names = "--watch", description = "Repeat every --interval until interrupted (default on a terminal).")
    boolean watch;

    @Option(names = "--once", description = "One reading, then exit (default when not on a terminal, or with --json).")
    boolean once;

    @Option(names = "--interval", defaultValue = "PT2S", paramLabel = "DURATION",
            description = "Time between readings, ISO-8601 (default: ${DEFAULT-VALUE}).")
    Duration interval;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (watch && once) {
            throw new IllegalArgumentException("--watch and --once exclude each other");
        }
        PrintWriter out = spec.commandLine().getOut();
        boolean terminal = System.console() != null;
        StatusDisplay display = new StatusDisplay(out, json ? StatusDisplay.Mode.JSON
                : terminal ? StatusDisplay.Mode.LIVE : StatusDisplay.Mode.LINES);
        boolean repeat = watch || (!once && !json && terminal);
        StatusReader.Settings settings = new StatusReader.Settings(connectors.source, connectors.sink, offsetsSchema, slot,
                tables == null ? List.of() : tables.stream().map(TableId::parse).toList(),
                connect == null ? null : new ConnectRestClient(connect), kafka, maxLagBytes);
        try (StatusReader reader = new StatusReader(
                PostgresEndpoint.fromUrl(source),
                PostgresEndpoint.fromUrl(target), settings)) {
            if (!repeat) {
                display.show(reader.read());
                return 0;
            }
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    display.show(reader.read());
                } catch (SQLException e) {
                    // A database restarting is no reason to stop watching; the next reading connects again.
                    out.println("could not read the status (SQLState " + e.getSQLState() + "); trying again");
                    out.flush();
                }
                Thread.sleep(interval.toMillis());
            }
            return 0;
        }
    }
}
