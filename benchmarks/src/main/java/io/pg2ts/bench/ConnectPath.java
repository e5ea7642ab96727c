package io.pg2ts.bench;

import io.pg2ts.cli.connect.ConnectRestClient;
import io.pg2ts.cli.connect.PostgresEndpoint;
import io.pg2ts.testsupport.LocalPostgres;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A source connector and a sink connector in one Kafka Connect worker, through a single-node
 * broker: each in a JVM of its own, started fresh for this path (fresh topics, offsets and
 * consumer groups), the worker configured from {@code config-examples/connect-distributed.properties}
 * (JSON with schemas) and bounded by {@code -Xmx}.
 */
final class ConnectPath implements BenchPath {

    /** Makes the path's connector configs for its source and target database. */
    @FunctionalInterface
    interface ConnectorsFactory {
        Connectors create(PostgresEndpoint source, PostgresEndpoint target) throws IOException;
    }

    private final String name;
    private final String labelTemplate;
    private final Path pluginPath;
    private final Path workerProperties;
    private final String workerHeap;
    private final ConnectorsFactory connectors;
    private final boolean backlog;

    /**
     * @param labelTemplate the row's label, where {@code {source}} and {@code {sink}} become the
     *     connector versions the worker reports
     */
    ConnectPath(String name, String labelTemplate, Path pluginPath, Path workerProperties, String workerHeap,
            boolean backlog, ConnectorsFactory connectors) {
        this.backlog = backlog;
        this.name = name;
        this.labelTemplate = labelTemplate;
        this.pluginPath = pluginPath;
        this.workerProperties = workerProperties;
        this.workerHeap = workerHeap;
        this.connectors = connectors;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String label() {
        return labelTemplate.replace(" {source}", "").replace(" {sink}", "");
    }

    @Override
    public void run(BenchContext context, PathResult result) throws Exception {
        Path dir = context.workDir().resolve(name);
        Path heapFile = dir.resolve("worker-heap.properties");
        Servers servers = context.servers();
        Connectors pair = connectors.create(endpoint(servers.source(), Servers.sourceDatabase(name)),
                endpoint(servers.target(), Servers.targetDatabase(name)));
        try (ChildJvm broker = ChildJvm.start("broker", List.of("-Xmx1g"),
                List.of("broker", dir.resolve("kafka").toAbsolutePath().toString()), dir, Duration.ofMinutes(2))) {
            List<String> workerArgs = List.of("worker", workerProperties.toAbsolutePath().toString(), broker.address(),
                    pluginPath.toAbsolutePath().toString(), heapFile.toAbsolutePath().toString());
            try (ChildJvm worker = ChildJvm.start("worker", workerJvmOptions(), workerArgs, dir, Duration.ofMinutes(3))) {
                measure(context, result, pair, broker.address(), worker);
                // Gone from the cluster's config topic, so the backlog's worker runs only its sink.
                ConnectRestClient rest = new ConnectRestClient(URI.create(worker.address()));
                rest.delete(pair.sourceName());
                rest.delete(pair.sinkName());
            } finally {
                HeapWatermark.read(heapFile, "-Xmx" + workerHeap).ifPresent(result::heap);
            }
            if (backlog && result.streaming().isPresent()) {
                measureBacklog(context, result, broker.address(), dir);
            }
        } finally {
            // Some GB of change events per run: gone once the broker is.
            Benchmark.deleteRecursively(dir.resolve("kafka"));
        }
    }

    /**
     * The worker JVM's options: its heap bound, and a Java Flight Recorder recording (profile
     * settings, written when the worker stops) to {@code <dir>/<path>-worker.jfr} when the
     * environment variable {@code BENCH_WORKER_JFR} names a directory {@code <dir>}.
     */
    private List<String> workerJvmOptions() throws IOException {
        List<String> options = new ArrayList<>(List.of("-Xmx" + workerHeap, "-XX:+ExitOnOutOfMemoryError"));
        String jfrDir = System.getenv("BENCH_WORKER_JFR");
        if (jfrDir != null && !jfrDir.isBlank()) {
            Path recording = Files.createDirectories(Path.of(jfrDir)).resolve(name + "-worker.jfr").toAbsolutePath();
            // Deep enough for Jackson's recursion under the worker's task frames (the default is 64).
            options.add("-XX:FlightRecorderOptions:stackdepth=512");
            options.add("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename=" + recording);
        }
        return options;
    }

    private void measure(BenchContext context, PathResult result, Connectors pair, String bootstrap, ChildJvm worker)
            throws Exception {
        ConnectRestClient rest = new ConnectRestClient(URI.create(worker.address()));
        requirePlugins(rest, pair, result);
        Workload workload = context.workload();
        TargetWatch.HealthCheck health = () -> {
            if (!worker.isAlive()) {
                throw new IllegalStateException(worker.exitReason());
            }
            for (String connector : List.of(pair.sourceName(), pair.sinkName())) {
                try {
                    ConnectRestClient.failIfFailed(connector, rest.status(connector));
                } catch (ConnectRestClient.ConnectRestException e) {
                    if (e.status() != 404) {
                        throw e;
                    }
                }
            }
        };
        try (Connection target = context.servers().target().connect(Servers.targetDatabase(name));
                TopicWatch topic = TopicWatch.start(bootstrap, pair.topic())) {
            Optional<Duration> cpuAtStart = worker.cpu();
            Instant start = Instant.now();
            Connectors configs = pair.withBootstrapServers(bootstrap);
            rest.putConnectorConfig(configs.sinkName(), configs.sinkConfig());
            rest.putConnectorConfig(configs.sourceName(), configs.sourceConfig());
            Duration snapshot = new TargetWatch(target, health, context.progress(), name + " snapshot")
                    .awaitEqual(start, workload.lastSeededRowVisibleSql(), context.expected().afterSnapshot(),
                            context.snapshotTimeout());
            result.snapshot(new PathResult.Phase(workload.rows(), snapshot, cpuSince(worker, cpuAtStart),
                    topic.sinceReachingCurrentSize(start)));

            Optional<Duration> cpuAtMix = worker.cpu();
            Instant mixStart = Instant.now();
            try (Connection source = context.servers().source().connect(Servers.sourceDatabase(name))) {
                workload.applyStreamingMix(source);
            }
            result.note("streaming mix committed on the source in " + Report.seconds(Duration.between(mixStart, Instant.now())));
            Duration streaming = new TargetWatch(target, health, context.progress(), name + " streaming")
                    .awaitEqual(mixStart, workload.lastTransactionVisibleSql(), context.expected().afterStreaming(),
                            context.streamingTimeout());
            result.streaming(new PathResult.Phase(workload.changes(), streaming, cpuSince(worker, cpuAtMix),
                    topic.sinceReachingCurrentSize(mixStart)));
        }
    }

    /**
     * The sink alone against a backlog: every event of both phases (some millions) already in
     * Kafka, a new sink connector (its own consumer group, so from the first offset) in a fresh
     * worker JVM with the same heap bound, applying into an empty target database. Its heap
     * watermark is the sink's alone; its rate is what the sink applies when nothing else runs.
     */
    private void measureBacklog(BenchContext context, PathResult result, String bootstrap, Path dir) throws Exception {
        String database = Servers.targetDatabase(name) + "_backlog";
        Path heapFile = dir.resolve("worker-backlog-heap.properties");
        context.servers().createTargetDatabase(database);
        try {
            Connectors pair = connectors.create(endpoint(context.servers().source(), Servers.sourceDatabase(name)),
                    endpoint(context.servers().target(), database)).withBootstrapServers(bootstrap);
            String sinkName = pair.sinkName() + "-backlog";
            List<String> workerArgs = List.of("worker", workerProperties.toAbsolutePath().toString(), bootstrap,
                    pluginPath.toAbsolutePath().toString(), heapFile.toAbsolutePath().toString());
            Optional<PathResult.Phase> phase = Optional.empty();
            try (ChildJvm worker = ChildJvm.start("worker-backlog", workerJvmOptions(), workerArgs, dir,
                    Duration.ofMinutes(3));
                    Connection target = context.servers().target().connect(database)) {
                ConnectRestClient rest = new ConnectRestClient(URI.create(worker.address()));
                TargetWatch.HealthCheck health = () -> {
                    if (!worker.isAlive()) {
                        throw new IllegalStateException(worker.exitReason());
                    }
                    ConnectRestClient.failIfFailed(sinkName, rest.status(sinkName));
                };
                Optional<Duration> cpuAtStart = worker.cpu();
                Instant start = Instant.now();
                rest.putConnectorConfig(sinkName, pair.sinkConfig());
                Duration elapsed = new TargetWatch(target, health, context.progress(), name + " backlog")
                        .awaitEqual(start, context.workload().lastTransactionVisibleSql(),
                                context.expected().afterStreaming(),
                                context.snapshotTimeout().plus(context.streamingTimeout()));
                phase = Optional.of(new PathResult.Phase(context.workload().rows() + context.workload().changes(),
                        elapsed, cpuSince(worker, cpuAtStart), Optional.empty()));
                rest.delete(sinkName);
            } finally {
                Optional<PathResult.Heap> heap = HeapWatermark.read(heapFile, "-Xmx" + workerHeap);
                phase.ifPresent(p -> result.backlog(p, heap));
            }
        } finally {
            context.servers().dropTargetDatabase(database);
        }
    }

    /**
     * Fails with the plugins the worker has when it lacks one of the path's connector classes, and
     * names the versions it has in the path's label ({@code {source}}, {@code {sink}}).
     */
    private void requirePlugins(ConnectRestClient rest, Connectors pair, PathResult result)
            throws IOException, InterruptedException {
        Map<String, String> versions = new LinkedHashMap<>();
        rest.connectorPlugins().forEach(plugin -> versions.put(plugin.path("class").asText(), plugin.path("version").asText()));
        for (String needed : List.of(pair.sourceClass(), pair.sinkClass())) {
            if (!versions.containsKey(needed)) {
                throw new IllegalStateException("the worker has no connector " + needed + " on plugin.path " + pluginPath
                        + " (it has " + versions.keySet() + ")");
            }
        }
        result.label(labelTemplate.replace("{source}", versions.get(pair.sourceClass()))
                .replace("{sink}", versions.get(pair.sinkClass())));
    }

    private static Optional<Duration> cpuSince(ChildJvm worker, Optional<Duration> before) {
        return worker.cpu().flatMap(now -> before.map(now::minus));
    }

    private static PostgresEndpoint endpoint(LocalPostgres server, String database) {
        return new PostgresEndpoint(server.host(), server.port(), database, LocalPostgres.USER, "");
    }
}
