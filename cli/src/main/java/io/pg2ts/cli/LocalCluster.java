package io.pg2ts.cli;

import io.pg2ts.cli.connect.ConnectRestClient;
import io.pg2ts.cli.local.LocalConnectWorker;
import io.pg2ts.testsupport.LocalKafka;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A single-node Kafka broker and Connect worker on this machine, for the length of one command.
 */
public final class LocalCluster implements AutoCloseable {

    private final Path workDir;
    private final LocalKafka kafka;
    private final LocalConnectWorker worker;

    private LocalCluster(Path workDir, LocalKafka kafka, LocalConnectWorker worker) {
        this.workDir = workDir;
        this.kafka = kafka;
        this.worker = worker;
    }

    static LocalCluster start(LocalRunOptions options, PrintStream out) throws Exception {
        return start(options.examples(), options.plugins(), out);
    }

    /**
     * @param examples the directory whose {@code connect-distributed.properties} configures the worker
     * @param plugins the worker's plugin.path
     */
    public static LocalCluster start(Path examples, Path plugins, PrintStream out) throws Exception {
        Path workDir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "pg2ts-kafka-");
        LocalKafka kafka = LocalKafka.start(workDir.resolve("kafka"));
        out.println("Kafka broker on " + kafka.bootstrapServers());
        LocalConnectWorker worker;
        try {
            worker = LocalConnectWorker.start(examples.resolve("connect-distributed.properties"),
                    kafka.bootstrapServers(), plugins);
        } catch (RuntimeException e) {
            kafka.close();
            throw e;
        }
        LocalCluster cluster = new LocalCluster(workDir, kafka, worker);
        cluster.rest().awaitReady(Duration.ofMinutes(1));
        out.println("Kafka Connect worker on " + worker.restUrl() + " with plugin.path " + plugins);
        return cluster;
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    public ConnectRestClient rest() {
        return new ConnectRestClient(worker.restUrl());
    }

    @Override
    public void close() {
        // Connect first: a worker whose broker is gone waits on it before it stops.
        worker.close();
        kafka.close();
        try (Stream<Path> files = Files.walk(workDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("could not remove " + workDir, e);
        }
    }
}
