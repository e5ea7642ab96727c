package io.pg2ts.cli;

import io.pg2ts.cli.connect.PostgresEndpoint;
import io.pg2ts.cli.schema.DeferredSchema;
import io.pg2ts.cli.schema.SchemaCopy;
import io.pg2ts.cli.schema.SchemaException;
import io.pg2ts.common.HypertableSpec;
import io.pg2ts.common.TableId;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "schema", mixinStandardHelpOptions = true,
        description = {"Copies the source's schema to the target, hypertables included.",
            "Copies the source's schema to the target before the migration starts: types, enums, domains, "
                + "sequences, tables with their primary keys, views, functions, then secondary indexes, unique and "
                + "foreign key constraints and triggers. Uses the PostgreSQL client tools (pg_dump --schema-only, "
                + "pg_restore) of the source's major version or newer, from --pg-bin or the PATH. Leaves out "
                + "publications, subscriptions, tablespaces, the pg2ts schema and TimescaleDB's own objects; owners and "
                + "privileges unless --keep-owners. The tables and keys are created in one transaction.",
            "Tables that the sink configuration (--sink-config) lists in hypertables become hypertables right after "
                + "they are created, as the sink would make them (time column, chunk interval, space partitions); a "
                + "primary key without the time column (or the space partitioning column) is extended by it, and the "
                + "sink then applies the table by the source's key.",
            "--defer-indexes leaves secondary indexes, foreign keys, unique constraints other than the primary key, "
                + "and triggers for after the snapshot: the bulk load is faster, no foreign key rejects a child row "
                + "that lands before its parent, and no trigger fires on the sink's writes. They are kept on the target "
                + "(table pg2ts.deferred_schema) and created by `pg2ts schema --finish --target URL` or `pg2ts "
                + "cutover`; --finish is safe to run again.",
            "Credentials come from the URLs (?user=...&password=...) or PGUSER/PGPASSWORD; the client tools get the "
                + "password in their environment, never on their command line. "
                + "Exit status 0 on success, 2 on an error."})
final class SchemaCommand implements Callable<Integer> {

    @Option(names = "--source", paramLabel = "JDBC_URL", description = "Source database (not needed with --finish).")
    String source;

    @Option(names = "--target", required = true, paramLabel = "JDBC_URL", description = "Target database.")
    String target;

    @Option(names = "--defer-indexes",
            description = "Create secondary indexes, foreign keys, unique constraints and triggers later, with --finish "
                    + "or cutover (primary keys are always created at once: the sink upserts on them).")
    boolean deferIndexes;

    @Option(names = "--finish",
            description = "Create what an earlier --defer-indexes run left for after the snapshot; does nothing when "
                    + "that is done.")
    boolean finish;

    @Option(names = "--sink-config", paramLabel = "FILE",
            description = "The sink connector's JSON configuration; the tables in its hypertables option become "
                    + "hypertables right after they are created.")
    Path sinkConfig;

    @Option(names = "--pg-bin", paramLabel = "DIR",
            description = "Directory of pg_dump and pg_restore (default: the PATH), e.g. /usr/lib/postgresql/17/bin.")
    Path pgBin;

    @Option(names = "--keep-owners",
            description = "Copy owners and privileges too (every role they name must exist on the target).")
    boolean keepOwners;

    @Override
    public Integer call() {
        return run(System.out, System.err);
    }

    int run(PrintStream out, PrintStream err) {
        try {
            PostgresEndpoint targetEndpoint = PostgresEndpoint.fromUrl(target);
            if (finish) {
                DeferredSchema.Finished finished = SchemaCopy.finish(targetEndpoint);
                for (DeferredSchema.Entry entry : finished.created()) {
                    out.println("created " + entry.describe());
                }
                out.println(finished.summary());
                return 0;
            }
            if (source == null) {
                err.println("pg2ts schema: --source is required (except with --finish)");
                return 2;
            }
            PostgresEndpoint sourceEndpoint = PostgresEndpoint.fromUrl(source);
            Map<TableId, HypertableSpec> hypertables = sinkConfig == null ? Map.of() : SchemaCopy.hypertables(sinkConfig);
            SchemaCopy.copy(sourceEndpoint, targetEndpoint,
                    new SchemaCopy.Options(pgBin, deferIndexes, keepOwners, hypertables), out);
            return 0;
        } catch (SchemaException | IllegalArgumentException e) {
            err.println("pg2ts schema: " + e.getMessage());
            return 2;
        }
    }
}
