package io.pg2ts.cli;

import io.pg2ts.cli.connect.ConnectRestClient;
import io.pg2ts.cli.connect.PostgresEndpoint;
import io.pg2ts.cli.cutover.Drain;
import io.pg2ts.cli.cutover.SequenceSync;
import io.pg2ts.cli.migrate.MigrationMonitor;
import io.pg2ts.cli.schema.DeferredSchema;
import io.pg2ts.cli.status.ConnectorSetup;
import io.pg2ts.cli.status.KafkaBacklog;
import io.pg2ts.common.TableId;
import java.io.PrintStream;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "cutover", mixinStandardHelpOptions = true,
        description = {"Ends a migration once the application has stopped writing to the source.",
            "Run it right after the application's writes to the source are stopped. It marks the quiet point in "
                + "the source's WAL with a logical decoding message (pg_logical_emit_message, which the source "
                + "connector skips) and waits (--timeout) until the source connector has confirmed the slot past it and the sink has applied every record in Kafka (the offsets it stores on the "
                + "target equal the topics' end offsets); then stops both connectors (unless --keep-connectors), "
                + "creates what pg2ts schema --defer-indexes left (if anything), sets every target sequence to the source's value plus --sequence-margin, compares every table "
                + "as pg2ts verify does, and prints the cutover window from the quiet point to the verified target.",
            "When the drain times out nothing is changed and the connectors keep running: run cutover again. "
                + "Credentials come from the URLs (?user=...&password=...) or PGUSER/PGPASSWORD. "
                + "Exit status 0 when drained, sequences set and every table verified; 1 otherwise; 2 on an error."})
final class CutoverCommand implements Callable<Integer> {

    @Option(names = "--source", required = true, paramLabel = "JDBC_URL", description = "Source database.")
    String source;

    @Option(names = "--target", required = true, paramLabel = "JDBC_URL", description = "Target database.")
    String target;

    @Option(names = "--connect", required = true, paramLabel = "URL", description = "REST URL of the Kafka Connect cluster running the connectors.")
    URI connect;

    @Option(names = "--kafka", required = true, paramLabel = "HOST:PORT[,...]",
            description = "Kafka brokers of that cluster, to read the end offsets of the sink's topics.")
    String kafka;

    @Mixin
    ConnectorNames connectors;

    @Option(names = "--timeout", defaultValue = "PT10M", paramLabel = "DURATION",
            description = "How long to wait for the connectors to drain, ISO-8601 (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--sequence-margin", defaultValue = "0", paramLabel = "N",
            description = "Values each target sequence skips beyond the source's (default: ${DEFAULT-VALUE}; raise it "
                    + "when the source may still take writes, e.g. from a job you could not stop).")
    long sequenceMargin;

    @Option(names = "--keep-connectors", description = "Leave both connectors running after the drain (by default they are "
            + "stopped, so that nothing written to the source later can reach the target the application now uses).")
    boolean keepConnectors;

    @Option(names = "--jobs", defaultValue = "2", paramLabel = "N", description = "Tables verified at once (default: ${DEFAULT-VALUE}).")
    int jobs;

    @Override
    public Integer call() throws Exception {
        PostgresEndpoint sourceEndpoint = PostgresEndpoint.fromUrl(source);
        PostgresEndpoint targetEndpoint = PostgresEndpoint.fromUrl(target);
        return cutover(new ConnectRestClient(connect), kafka, sourceEndpoint, targetEndpoint, System.out);
    }

    int cutover(ConnectRestClient rest, String kafkaServers, PostgresEndpoint sourceEndpoint,
            PostgresEndpoint targetEndpoint, PrintStream out) throws Exception {
        Instant quiet = Instant.now();
        Map<String, String> sinkConfig = rest.config(connectors.sink);
        ConnectorSetup setup = ConnectorSetup.read(rest, connectors.source, connectors.sink);
        String slot = setup.slotName();
        if (slot == null || setup.topicPattern() == null) {
            throw new IllegalStateException("connectors " + connectors.source + " and " + connectors.sink + " must both run "
                    + "with their tasks: name them with --source-connector and --sink-connector, or resume them when "
                    + "stopped (PUT /connectors/NAME/resume) and run cutover again");
        }
        TableId offsetsTable = new TableId(sinkConfig.getOrDefault("offsets.schema", "pg2ts").strip(), "sink_offsets");
        List<TableId> tables;
        Drain.Reading drained;
        Instant drainedAt;
        try (Connection sourceDb = open(sourceEndpoint); Connection targetDb = open(targetEndpoint);
                KafkaBacklog backlog = new KafkaBacklog(kafkaServers)) {
            tables = setup.includeList().isEmpty() ? MigrationMonitor.userTables(sourceDb) : setup.includeList();
            String quietLsn = Drain.markQuietPoint(sourceDb);
            out.println("source quiet at WAL " + quietLsn + " (" + quiet + "); waiting for " + connectors.source + " and "
                    + connectors.sink + " to drain, at most " + timeout);
            drained = new Drain(sourceDb, targetDb, rest, List.of(connectors.source, connectors.sink), slot, backlog,
                    offsetsTable, setup.topicPattern())
                    .await(quietLsn, timeout, out);
            drainedAt = Instant.now();
            if (!drained.drained()) {
                out.println("NOT drained within " + timeout + ": " + drained.line() + ". Nothing was changed and the "
                        + "connectors keep running; check that the application has stopped writing, then run cutover again.");
                return 1;
            }
            out.printf("drained in %s%n", seconds(Duration.between(quiet, drainedAt)));
            if (!keepConnectors) {
                for (String name : List.of(connectors.source, connectors.sink)) {
                    rest.stop(name);
                    rest.awaitStopped(name, Duration.ofMinutes(2));
                }
                out.println("stopped " + connectors.source + " and " + connectors.sink
                        + " (their configs and offsets stay; pg2ts cleanup removes them and the slot)");
            }
            if (DeferredSchema.pending(targetDb) > 0) {
                out.println("creating what pg2ts schema --defer-indexes left for after the snapshot");
                DeferredSchema.Finished finished = DeferredSchema.finish(targetDb);
                finished.created().forEach(entry -> out.println("  created " + entry.describe()));
                out.println(finished.summary());
            }
            List<SequenceSync.Synced> sequences = SequenceSync.sync(sourceDb, targetDb, sequenceMargin);
            long failed = sequences.stream().filter(s -> s.problem() != null).count();
            long unused = sequences.stream().filter(s -> s.problem() == null && s.value() == null).count();
            out.printf("sequences: %d set%s%s%n", sequences.size() - failed - unused,
                    unused == 0 ? "" : ", " + unused + " never used on the source left as they are",
                    failed == 0 ? "" : ", " + failed + " FAILED:");
            sequences.stream().filter(s -> s.problem() != null).forEach(s -> out.println("  " + s.line()));
            Instant sequencesAt = Instant.now();
            out.println("verifying " + tables.size() + " tables");
            Map<TableId, TableId> targetOf = new LinkedHashMap<>();
            tables.forEach(t -> targetOf.put(t, setup.targetOf(t)));
            int verified = VerifyCommand.verify(sourceEndpoint, targetEndpoint, targetOf, 100_000, Math.max(1, jobs), out);
            Instant verifiedAt = Instant.now();
            boolean ok = verified == 0 && failed == 0;
            out.printf("cutover %s: window %s from the quiet point to the %s target "
                    + "(drain %s, connectors, deferred schema and sequences %s, verify %s)%n",
                    ok ? "complete" : "FAILED", seconds(Duration.between(quiet, verifiedAt)),
                    verified == 0 ? "verified" : "compared", seconds(Duration.between(quiet, drainedAt)),
                    seconds(Duration.between(drainedAt, sequencesAt)), seconds(Duration.between(sequencesAt, verifiedAt)));
            if (ok) {
                out.println("the target is ready: point the application at it");
            } else {
                out.println("the target is NOT ready: fix what is named above, then check with pg2ts verify"
                        + (keepConnectors ? "" : "; the connectors are stopped (PUT /connectors/NAME/resume to go on "
                        + "streaming while the source stays in use)"));
            }
            return ok ? 0 : 1;
        }
    }

    private static String seconds(Duration d) {
        return String.format("%.1f s", d.toMillis() / 1000.0);
    }

    private static Connection open(PostgresEndpoint endpoint) throws SQLException {
        return endpoint.connect("pg2ts cutover");
    }
}
