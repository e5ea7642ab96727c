package io.pg2ts.cli;

import io.pg2ts.cli.connect.ConnectRestClient;
import io.pg2ts.cli.connect.PostgresEndpoint;
import io.pg2ts.cli.migrate.MigrationRun;
import io.pg2ts.cli.schema.DeferredSchema;
import io.pg2ts.cli.schema.SchemaCopy;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = {"Migrates a PostgreSQL database into a TimescaleDB or PostgreSQL target.",
            "Copies the schema as pg2ts schema --defer-indexes does (hypertables from the examples' sink.json; "
                + "--no-schema when the target has it already), deploys the source and sink connectors from the "
                + "config examples, pointed at --source and --target and validated first, to the Connect cluster at "
                + "--connect, or to a single-node Kafka broker and Connect worker started on this machine; shows "
                + "the status display until every table on the target equals its source; then creates the deferred "
                + "indexes and constraints. For the cutover of a live source use the steps (pg2ts --help). "
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

    @Option(names = "--timeout", defaultValue = "PT1H", paramLabel = "DURATION", description = "Give up when not verified after this long, ISO-8601 (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--no-schema", description = "Do not copy the schema: the target has it (or the sink creates "
            + "the tables from the records, with their keys only).")
    boolean noSchema;

    @Option(names = "--pg-bin", paramLabel = "DIR",
            description = "Directory of pg_dump and pg_restore for the schema copy (default: the PATH).")
    Path pgBin;

    @Mixin
    LocalRunOptions options;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        PostgresEndpoint sourceEndpoint = PostgresEndpoint.fromUrl(source);
        PostgresEndpoint targetEndpoint = PostgresEndpoint.fromUrl(target);
        if (!noSchema) {
            SchemaCopy.copy(sourceEndpoint, targetEndpoint, new SchemaCopy.Options(pgBin, true, false,
                    SchemaCopy.hypertables(options.examples().resolve("sink.json"))), out);
        }
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
        if (!run.awaitVerified(() -> true, timeout)) {
            return 1;
        }
        if (!noSchema) {
            DeferredSchema.Finished finished = SchemaCopy.finish(targetEndpoint);
            out.println(finished.summary());
        }
        return 0;
    }
}
