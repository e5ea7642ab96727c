package io.pg2ts.cli;

import io.pg2ts.cli.connect.ConnectRestClient;
import io.pg2ts.cli.connect.PostgresEndpoint;
import io.pg2ts.cli.migrate.MigrationRun;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = {"Migrates a PostgreSQL database into a TimescaleDB or PostgreSQL target.",
            "Deploys the source and sink connectors from the config examples, pointed at --source and --target, "
                + "to the Connect cluster at --connect, or to a single-node Kafka broker and Connect worker started "
                + "on this machine; shows progress until every table on the target equals its source. "
                + "Credentials come from the URLs (?user=...&password=...) or PGUSER/PGPASSWORD. "
                + "Exit status 0 when verified, 1 otherwise."})
final class MigrateCommand implements Callable<Integer> {

    @Option(names = "--source", required = true, paramLabel = "JDBC_URL",
            description = "Source database, jdbc:postgresql://host:port/database (wal_level=logical).")
    String source;

    @Option(names = "--target", required = true, paramLabel = "JDBC_URL", description = "Target database.")
    String target;

    @Option(names = "--connect", paramLabel = "URL", description = "REST URL of an existing Kafka Connect cluster with the pg2ts plugins installed.")
    URI connect;

    @Option(names = "--kafka", paramLabel = "HOST:PORT[,...]",
            description = "With --connect: the Kafka brokers of that cluster, which the pg2ts converter of the config "
                    + "examples keeps its schemas in (their *.converter.bootstrap.servers).")
    String kafka;

    @Option(names = "--timeout", defaultValue = "PT1H", description = "Give up when not verified after this long, ISO-8601 (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Mixin
    LocalRunOptions options;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        PostgresEndpoint sourceEndpoint = PostgresEndpoint.parse(source, System.getenv("PGUSER"), System.getenv("PGPASSWORD"));
        PostgresEndpoint targetEndpoint = PostgresEndpoint.parse(target, System.getenv("PGUSER"), System.getenv("PGPASSWORD"));
        if (connect != null) {
            return migrate(new ConnectRestClient(connect), kafka, sourceEndpoint, targetEndpoint, out);
        }
        try (LocalCluster cluster = LocalCluster.start(options, out)) {
            return migrate(cluster.rest(), cluster.bootstrapServers(), sourceEndpoint, targetEndpoint, out);
        }
    }

    private int migrate(ConnectRestClient rest, String kafkaServers, PostgresEndpoint sourceEndpoint,
            PostgresEndpoint targetEndpoint, PrintStream out) throws Exception {
        MigrationRun run = new MigrationRun(rest, sourceEndpoint, targetEndpoint, options.examples(), kafkaServers, out);
        run.deploy();
        return run.awaitVerified(() -> true, timeout) ? 0 : 1;
    }
}
