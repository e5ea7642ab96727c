package io.pg2ts.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Moves one workload from a source to a target PostgreSQL server along each path in turn (a
 * direct COPY pipe, native logical replication, Debezium's source and JDBC sink, pg2ts's source
 * and sink), on fresh databases each time, and prints rows per second for the snapshot and the
 * streaming phase with pg2ts's ratios to the others. A benchmark, not a test: it never fails on a
 * figure, and a path that fails is reported as failed while the others go on.
 */
@Command(name = "benchmark", mixinStandardHelpOptions = true,
        description = "Snapshot and streaming throughput of pg2ts against COPY, native logical replication and Debezium.")
public final class Benchmark implements Callable<Integer> {

    @Option(names = "--rows", defaultValue = "2000000", description = "Rows of the seeded table (default ${DEFAULT-VALUE}).")
    long rows;

    @Option(names = "--inserts", defaultValue = "500000", description = "Inserts of the streaming phase (default ${DEFAULT-VALUE}).")
    long inserts;

    @Option(names = "--updates", defaultValue = "100000", description = "Updates of the streaming phase (default ${DEFAULT-VALUE}).")
    long updates;

    @Option(names = "--deletes", defaultValue = "50000", description = "Deletes of the streaming phase (default ${DEFAULT-VALUE}).")
    long deletes;

    @Option(names = "--transaction-rows", defaultValue = "1000",
            description = "Rows per source transaction of the streaming phase (default ${DEFAULT-VALUE}).")
    int transactionRows;

    @Option(names = "--scale", defaultValue = "1",
            description = "Multiplies rows, inserts, updates and deletes: 0.01 for a quick run (default ${DEFAULT-VALUE}).")
    double scale;

    @Option(names = "--paths", defaultValue = "copy,native,debezium,debezium_avro,pg2ts_json,pg2ts_avro,pg2ts", split = ",",
            description = "Paths to run, in this order: copy, native, debezium, debezium_avro, pg2ts_json, pg2ts_avro, pg2ts "
                    + "(default ${DEFAULT-VALUE}).")
    List<String> paths;

    @Option(names = "--runs", defaultValue = "1",
            description = "Runs every path this many times, the paths in the given order each round, and reports each "
                    + "run and the medians, as the issue's figures are medians of three runs (default ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--worker-heap", defaultValue = "512m",
            description = "-Xmx of the Connect worker JVM of the Kafka paths (default ${DEFAULT-VALUE}).")
    String workerHeap;

    @Option(names = "--backlog", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "After the streaming phase of a Kafka path, measure its sink alone draining every event of "
                    + "both phases from Kafka into an empty target, in a fresh worker (default ${DEFAULT-VALUE}; "
                    + "--no-backlog skips it). Not on the Avro paths: their schema ids live in the first worker's "
                    + "memory.")
    boolean backlog;

    @Option(names = "--examples", defaultValue = "config-examples",
            description = "pg2ts's config examples: source.json, sink.json, connect-distributed.properties (default ${DEFAULT-VALUE}).")
    Path examples;

    @Option(names = "--pg2ts-plugins", defaultValue = "cli/target/plugins", split = ",",
            description = "Directories whose subdirectories are the pg2ts plugins (default ${DEFAULT-VALUE}).")
    List<Path> pg2tsPlugins;

    @Option(names = "--debezium-plugins", split = ",",
            defaultValue = "benchmarks/plugins/debezium-postgres/target/plugin,benchmarks/plugins/debezium-jdbc/target/plugin",
            description = "Directories whose subdirectories are the Debezium plugins (default ${DEFAULT-VALUE}).")
    List<Path> debeziumPlugins;

    @Option(names = "--work-dir", defaultValue = "benchmarks/target/bench",
            description = "Kafka logs, worker logs and heap files, emptied first (default ${DEFAULT-VALUE}).")
    Path workDir;

    @Option(names = "--report", defaultValue = "benchmarks/target/bench-report.md",
            description = "The report is also written here (default ${DEFAULT-VALUE}).")
    Path reportFile;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Benchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Workload workload = new Workload(rows, inserts, updates, deletes, transactionRows).scaled(scale);
        if (runs < 1) {
            System.err.println("--runs must be 1 or more, not " + runs);
            return 2;
        }
        deleteRecursively(workDir);
        Map<String, BenchPath> known = knownPaths();
        for (String path : paths) {
            if (!known.containsKey(path)) {
                System.err.println("unknown path " + path + "; known: " + String.join(", ", known.keySet()));
                return 2;
            }
        }
        PrintStream progress = System.err;
        progress.printf("workload: %,d rows; streaming %,d inserts, %,d updates, %,d deletes%n",
                workload.rows(), workload.inserts(), workload.updates(), workload.deletes());
        List<PathResult> results = new ArrayList<>();
        String machine;
        long bytesPerRow;
        try (Servers servers = Servers.start()) {
            Instant seeding = Instant.now();
            Servers.Expected expected = servers.prepare(workload);
            progress.printf("seeded the source and computed the expected checksums in %s%n",
                    Report.seconds(Duration.between(seeding, Instant.now())));
            machine = Machine.describe(expected.postgresVersion());
            bytesPerRow = expected.bytesPerRow();
            BenchContext context = new BenchContext(servers, workload, expected, workDir, progress,
                    Duration.ofSeconds(120 + workload.rows() / 2_000), Duration.ofSeconds(120 + workload.changes() / 1_000));
            for (int round = 1; round <= runs; round++) {
                for (String name : paths) {
                    results.add(run(known.get(name), context, round));
                }
            }
        }
        String report = new Report(machine, workload, bytesPerRow, runs, results).render();
        System.out.println();
        System.out.print(report);
        Files.createDirectories(reportFile.toAbsolutePath().getParent());
        Files.writeString(reportFile, report);
        progress.println("report written to " + reportFile);
        return 0;
    }

    private PathResult run(BenchPath path, BenchContext context, int round) {
        PrintStream progress = context.progress();
        progress.printf("%s: started%s%n", path.name(), runs > 1 ? " (run " + round + " of " + runs + ")" : "");
        PathResult result = PathResult.measured(path.name(), path.label(), round);
        try {
            context.servers().createPathDatabases(path.name());
            path.run(context, result);
            if (result.streaming().isPresent()
                    && !context.servers().sourceFingerprint(path.name()).equals(context.expected().afterStreaming())) {
                result.note("the source after the mix differs from the precomputed rows the target was compared with");
            }
        } catch (Exception e) {
            result.failed(reason(e));
        } finally {
            try {
                context.servers().dropPathDatabases(path.name());
            } catch (Exception e) {
                progress.printf("%s: could not drop its databases: %s%n", path.name(), reason(e));
            }
        }
        progress.printf("%s: %s%n", path.name(), result.failure().map(f -> "failed: " + f).orElse(summary(result)));
        return result;
    }

    private static String summary(PathResult r) {
        return "snapshot " + r.snapshot().map(p -> Report.significant(p.rowsPerSecond()) + " rows/s").orElse("—")
                + ", streaming " + r.streaming().map(p -> Report.significant(p.rowsPerSecond()) + " rows/s").orElse("—");
    }

    private Map<String, BenchPath> knownPaths() throws IOException {
        Path worker = examples.resolve("connect-distributed.properties");
        Map<String, BenchPath> known = new LinkedHashMap<>();
        known.put("copy", new CopyPath());
        known.put("native", new NativePath());
        known.put("debezium", new ConnectPath("debezium",
                "Debezium PostgreSQL source {source} + Debezium JDBC sink {sink} (upsert, batch 5,000, reduction buffer, "
                        + "UNNEST inserts, JSON with schemas), plain table",
                pluginPath("debezium", debeziumPlugins), worker, workerHeap, backlog, Connectors::debezium));
        known.put("debezium_avro", new ConnectPath("debezium_avro",
                "Debezium PostgreSQL source {source} + Debezium JDBC sink {sink} (as above, Avro in Confluent's wire "
                        + "format), plain table",
                pluginPath("debezium", debeziumPlugins), worker, workerHeap, false, Connectors::debeziumAvro));
        known.put("pg2ts_avro", new ConnectPath("pg2ts_avro",
                "pg2ts source {source} + pg2ts sink {sink} (config-examples with Avro in Confluent's wire format), "
                        + "plain table",
                pluginPath("pg2ts", pg2tsPlugins), worker, workerHeap, false,
                (source, target) -> Connectors.pg2tsAvro(examples, source, target)));
        known.put("pg2ts", new ConnectPath("pg2ts",
                "pg2ts source {source} + pg2ts sink {sink} (config-examples: pg2ts converter, each schema sent once), "
                        + "plain table",
                pluginPath("pg2ts", pg2tsPlugins), worker, workerHeap, backlog,
                (source, target) -> Connectors.pg2ts(examples, source, target)));
        known.put("pg2ts_json", new ConnectPath("pg2ts_json",
                "pg2ts source {source} + pg2ts sink {sink} (config-examples with JSON with schemas), plain table",
                pluginPath("pg2ts", pg2tsPlugins), worker, workerHeap, backlog,
                (source, target) -> Connectors.pg2tsJson(examples, source, target)));
        return known;
    }

    /**
     * One directory for a worker's plugin.path that links every plugin found in {@code roots}, so
     * each path's worker sees its own plugins and no other.
     */
    private Path pluginPath(String name, List<Path> roots) throws IOException {
        Path dir = workDir.resolve("plugins-" + name).toAbsolutePath();
        deleteRecursively(dir);
        Files.createDirectories(dir);
        for (Path root : roots) {
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> plugins = Files.list(root)) {
                for (Path plugin : plugins.filter(Files::isDirectory).toList()) {
                    Files.createSymbolicLink(dir.resolve(plugin.getFileName()), plugin.toAbsolutePath());
                }
            }
        }
        return dir;
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }

    private static String reason(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        String firstLine = message.lines().findFirst().orElse(message);
        return firstLine.length() > 400 ? firstLine.substring(0, 400) + "…" : firstLine;
    }
}
