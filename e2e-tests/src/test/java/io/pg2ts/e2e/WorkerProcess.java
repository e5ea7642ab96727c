package io.pg2ts.e2e;

import io.pg2ts.cli.connect.ConnectRestClient;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A Kafka Connect worker in its own JVM, started the way Kafka's {@code connect-distributed.sh}
 * starts one: {@code org.apache.kafka.connect.cli.ConnectDistributed} with a properties file (the
 * example's, with broker, REST port, group and plugin path filled in) on a classpath of Kafka's
 * jars. Unlike an in-JVM worker it can be killed like a crashed machine.
 */
final class WorkerProcess implements AutoCloseable {

    private final Process process;
    private final ConnectRestClient rest;
    private final Path log;

    private WorkerProcess(Process process, ConnectRestClient rest, Path log) {
        this.process = process;
        this.rest = rest;
        this.log = log;
    }

    /**
     * @param group the worker group: workers of one group share connectors; each group has its
     *     own internal topics
     * @param overrides worker properties set on top of the example's
     */
    static WorkerProcess start(String bootstrapServers, String group, Path workDir, Map<String, String> overrides)
            throws Exception {
        Files.createDirectories(workDir);
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(ConnectClusterFixture.examples().resolve("connect-distributed.properties"))) {
            props.load(reader);
        }
        int port = freePort();
        props.setProperty("bootstrap.servers", bootstrapServers);
        props.setProperty("group.id", group);
        props.setProperty("config.storage.topic", group + "-configs");
        props.setProperty("offset.storage.topic", group + "-offsets");
        props.setProperty("status.storage.topic", group + "-status");
        props.setProperty("listeners", "http://127.0.0.1:" + port);
        props.setProperty("rest.advertised.host.name", "127.0.0.1");
        props.setProperty("plugin.path", ConnectClusterFixture.pluginPath().toString());
        overrides.forEach(props::setProperty);
        Path file = workDir.resolve("worker.properties");
        try (Writer writer = Files.newBufferedWriter(file)) {
            props.store(writer, "worker " + group);
        }
        Path log = workDir.resolve("worker.log");
        Path kafkaLibs = Path.of(System.getProperty("pg2ts.worker.classpath", "../cli/target/lib")).toAbsolutePath();
        Path log4j = Path.of(WorkerProcess.class.getResource("/worker-log4j.properties").toURI());
        Process process = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-Dlog4j.configuration=" + log4j.toUri(),
                "-Djava.io.tmpdir=" + workDir,
                "-cp", kafkaLibs + "/*",
                "org.apache.kafka.connect.cli.ConnectDistributed", file.toString()))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        ConnectRestClient rest = new ConnectRestClient(URI.create("http://127.0.0.1:" + port + "/"));
        WorkerProcess worker = new WorkerProcess(process, rest, log);
        try {
            rest.awaitReady(Duration.ofMinutes(2));
        } catch (IOException e) {
            worker.kill();
            throw new IOException("worker did not start; its log: " + log, e);
        }
        return worker;
    }

    ConnectRestClient rest() {
        return rest;
    }

    Path log() {
        return log;
    }

    /** Ends the JVM at once (SIGKILL): no flush, no close, no offset commit. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(1, TimeUnit.MINUTES);
    }

    @Override
    public void close() throws InterruptedException {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        if (!process.waitFor(1, TimeUnit.MINUTES)) {
            kill();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
