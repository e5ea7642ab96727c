package io.pg2ts.cli;

import io.pg2ts.cli.connect.PostgresEndpoint;
import io.pg2ts.cli.demo.SampleDatabase;
import io.pg2ts.cli.demo.SampleWorkload;
import io.pg2ts.cli.migrate.MigrationRun;
import io.pg2ts.testsupport.LocalPostgres;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Migrates a throwaway source database while an application writes to it.",
            "Starts a source PostgreSQL with a sample schema and a live write workload, an empty target "
                + "PostgreSQL, and a single-node Kafka broker and Connect worker on this machine; deploys "
                + "both connectors from the config examples; shows progress until the target has caught up; "
                + "verifies that every table equals its source. Exit status 0 when verified, 1 otherwise."})
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--rows", defaultValue = "10000", paramLabel = "N", description = "Rows in the sample tables before the migration starts (default: ${DEFAULT-VALUE}).")
    int rows;

    @Option(names = "--workload-seconds", defaultValue = "20", paramLabel = "SECONDS",
            description = "How long the application keeps writing after the connectors start (default: ${DEFAULT-VALUE}).")
    int workloadSeconds;

    @Option(names = "--timeout", defaultValue = "PT10M", paramLabel = "DURATION", description = "Give up when not verified after this long, ISO-8601 (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Mixin
    LocalRunOptions options;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        try (LocalPostgres source = LocalPostgres.startSource(); LocalPostgres target = LocalPostgres.startTarget()) {
            try (Connection c = source.connect("postgres")) {
                SampleDatabase.create(c, rows);
            }
            out.println("source PostgreSQL on port " + source.port() + " with " + rows + " sample rows; target on port "
                    + target.port());
            PostgresEndpoint sourceEndpoint = new PostgresEndpoint(source.host(), source.port(), "postgres", LocalPostgres.USER, "");
            PostgresEndpoint targetEndpoint = new PostgresEndpoint(target.host(), target.port(), "postgres", LocalPostgres.USER, "");
            SampleWorkload workload = SampleWorkload.start(() -> connect(source), 20);
            boolean verified;
            try (LocalCluster cluster = LocalCluster.start(options, out)) {
                MigrationRun run = new MigrationRun(cluster.rest(), sourceEndpoint, targetEndpoint, options.examples(),
                        cluster.bootstrapServers(), out);
                run.deploy();
                Instant stopWrites = Instant.now().plusSeconds(workloadSeconds);
                boolean[] stopped = {false};
                verified = run.awaitVerified(() -> {
                    if (!stopped[0] && Instant.now().isAfter(stopWrites)) {
                        stopWorkload(workload, out);
                        stopped[0] = true;
                    }
                    return stopped[0];
                }, timeout);
            } finally {
                workload.close();
            }
            return verified ? 0 : 1;
        }
    }

    private static void stopWorkload(SampleWorkload workload, PrintStream out) {
        try {
            workload.close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        out.println("application stopped writing after " + workload.transactions() + " transactions; waiting for the target");
    }

    private static Connection connect(LocalPostgres source) {
        try {
            return source.connect("postgres");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot connect to the demo source", e);
        }
    }
}
