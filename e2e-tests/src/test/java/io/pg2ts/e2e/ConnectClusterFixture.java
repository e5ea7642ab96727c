package io.pg2ts.e2e;

import io.pg2ts.cli.connect.ConnectRestClient;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

/**
 * Kafka's in-JVM Connect cluster (one broker, one worker) set up as a user's worker would be:
 * the worker properties of {@code config-examples/connect-distributed.properties} and the built
 * plugin zips, unpacked, on its plugin.path. Only what the embedded cluster decides for itself
 * (broker address, REST listener, internal topics) is not taken from the example.
 */
final class ConnectClusterFixture implements AutoCloseable {

    private static final List<String> DECIDED_BY_EMBEDDED_CLUSTER = List.of("bootstrap.servers", "listeners",
            "rest.advertised.host.name", "group.id", "config.storage.topic", "offset.storage.topic",
            "status.storage.topic", "plugin.path");

    private final EmbeddedConnectCluster cluster;

    private ConnectClusterFixture(EmbeddedConnectCluster cluster) {
        this.cluster = cluster;
    }

    static ConnectClusterFixture start() {
        Map<String, String> worker = exampleWorkerProperties();
        worker.put("plugin.path", pluginPath().toString());
        EmbeddedConnectCluster cluster = new EmbeddedConnectCluster.Builder()
                .name("pg2ts-e2e")
                .numWorkers(1)
                .numBrokers(1)
                .workerProps(worker)
                .build();
        cluster.start();
        return new ConnectClusterFixture(cluster);
    }

    String bootstrapServers() {
        return cluster.kafka().bootstrapServers();
    }

    ConnectRestClient rest() {
        return new ConnectRestClient(URI.create(cluster.endpointForResource("")));
    }

    static Path examples() {
        return Path.of(System.getProperty("pg2ts.config.examples", "../config-examples"));
    }

    static Path pluginPath() {
        Path plugins = Path.of(System.getProperty("pg2ts.plugin.path", "../cli/target/plugins"));
        if (!Files.isDirectory(plugins.resolve("pg2ts-source-connector"))
                || !Files.isDirectory(plugins.resolve("pg2ts-sink-connector"))) {
            throw new IllegalStateException("no unpacked plugins in " + plugins.toAbsolutePath()
                    + ": run the end-to-end tests through Maven (mvn verify), which builds them first");
        }
        return plugins.toAbsolutePath();
    }

    private static Map<String, String> exampleWorkerProperties() {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(examples().resolve("connect-distributed.properties"))) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> worker = new HashMap<>();
        for (String name : properties.stringPropertyNames()) {
            if (!DECIDED_BY_EMBEDDED_CLUSTER.contains(name)) {
                worker.put(name, properties.getProperty(name));
            }
        }
        return worker;
    }

    @Override
    public void close() {
        cluster.stop();
    }
}
