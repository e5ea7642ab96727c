package io.pg2ts.cli;

import io.pg2ts.cli.connect.PostgresEndpoint;
import io.pg2ts.cli.migrate.MigrationMonitor;
import io.pg2ts.cli.verify.TableVerifier;
import io.pg2ts.cli.verify.VerifyProgress;
import io.pg2ts.common.TableId;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Compares every table on the target with its source, and names the key ranges that differ.",
            "Compares every table on the target with its source: row count and a checksum of the rows' text "
                + "(the sum of their md5s), range by range of the primary key (no sort, constant memory on both "
                + "sides; a table without a key in one pass), several tables in parallel. A range that differs "
                + "is narrowed down to ranges of at most 100 source rows, which are printed with the table. "
                + "Compare while the source is quiet (at cutover), or expect differences from changes not yet applied.",
            "Credentials come from the URLs (?user=...&password=...) or PGUSER/PGPASSWORD. "
                + "Exit status 0 when every table is equal, 1 when one differs or is missing, 2 on an error."})
final class VerifyCommand implements Callable<Integer> {

    @Option(names = "--source", required = true, paramLabel = "JDBC_URL", description = "Source database.")
    String source;

    @Option(names = "--target", required = true, paramLabel = "JDBC_URL", description = "Target database.")
    String target;

    @Option(names = "--table", paramLabel = "SCHEMA.TABLE", split = ",",
            description = "Tables to compare (default: every table of the source outside system schemas).")
    List<String> tables;

    @Option(names = "--range-rows", defaultValue = "100000", paramLabel = "N",
            description = "Source rows per key range at the first pass (default: ${DEFAULT-VALUE}).")
    int rangeRows;

    @Option(names = "--jobs", defaultValue = "2", paramLabel = "N", description = "Tables compared at once (default: ${DEFAULT-VALUE}).")
    int jobs;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        PostgresEndpoint sourceEndpoint = PostgresEndpoint.fromUrl(source);
        PostgresEndpoint targetEndpoint = PostgresEndpoint.fromUrl(target);
        List<TableId> names;
        if (tables == null || tables.isEmpty()) {
            try (Connection s = open(sourceEndpoint)) {
                names = MigrationMonitor.userTables(s);
            }
        } else {
            names = tables.stream().map(String::strip).map(TableId::parse).toList();
        }
        return verify(sourceEndpoint, targetEndpoint, names, rangeRows, Math.max(1, jobs), out);
    }

    /** Compares the tables, prints a line per table and per differing range; 0 when all are equal, else 1. */
    static int verify(PostgresEndpoint source, PostgresEndpoint target, List<TableId> tables, int rangeRows, int jobs,
            PrintStream out) throws Exception {
        Map<TableId, TableId> same = new LinkedHashMap<>();
        tables.forEach(t -> same.put(t, t));
        return verify(source, target, same, rangeRows, jobs, out);
    }

    /**
     * Compares each source table with the target table it is migrated to; on a terminal, a progress
     * line on standard error shows the rows compared so far.
     */
    static int verify(PostgresEndpoint source, PostgresEndpoint target, Map<TableId, TableId> tables, int rangeRows,
            int jobs, PrintStream out) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(jobs);
        VerifyProgress progress = VerifyProgress.onTerminal(tables.size());
        try {
            List<Future<TableVerifier.Result>> results = new ArrayList<>();
            for (Map.Entry<TableId, TableId> table : tables.entrySet()) {
                results.add(pool.submit(() -> {
                    try (Connection s = open(source); Connection t = open(target)) {
                        TableVerifier.Result result = new TableVerifier(s, t, rangeRows, progress::compared)
                                .verify(table.getKey(), table.getValue());
                        synchronized (out) {
                            progress.clear();
                            print(result, out);
                            progress.tableDone();
                        }
                        return result;
                    }
                }));
            }
            int differing = 0;
            for (Future<TableVerifier.Result> result : results) {
                if (!result.get().equal()) {
                    differing++;
                }
            }
            progress.clear();
            out.println(differing == 0 ? "verified: all " + tables.size() + " tables equal"
                    : differing + " of " + tables.size() + " tables differ");
            return differing == 0 ? 0 : 1;
        } finally {
            progress.close();
            pool.shutdownNow();
        }
    }

    private static void print(TableVerifier.Result result, PrintStream out) {
        if (result.problem() != null) {
            out.printf("%s: %s (source %,d rows)%n", result.table(), result.problem(), result.sourceRows());
            return;
        }
        if (result.equal()) {
            out.printf("%s: equal, %,d rows%n", result.table(), result.sourceRows());
            return;
        }
        out.printf("%s: DIFFERS (source %,d rows, target %,d), in %d key range(s) of (%s):%n", result.table(),
                result.sourceRows(), result.targetRows(), result.differing().size(), String.join(", ", result.key()));
        for (TableVerifier.Range range : result.differing()) {
            out.printf("  %s: source %,d rows, target %,d rows%s%n", range.describe(), range.sourceRows(),
                    range.targetRows(), range.sourceRows() == range.targetRows() ? ", values differ" : "");
        }
    }

    private static Connection open(PostgresEndpoint endpoint) throws SQLException {
        return endpoint.connect("pg2ts verify");
    }
}
