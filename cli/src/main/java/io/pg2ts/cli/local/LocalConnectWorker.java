package io.pg2ts.cli.local;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import io.pg2ts.testsupport.LocalKafka;
import org.apache.kafka.connect.cli.ConnectDistributed;
import org.apache.kafka.connect.runtime.Connect;

/**
 * A Kafka Connect worker in distributed mode, started from Kafka's own classes with a worker
 * properties file (the one in {@code config-examples/}), its broker address, REST port and
 * plugin path replaced for this machine.
 */
public final class LocalConnectWorker implements AutoCloseable {

    private final Connect<?> connect;

    private LocalConnectWorker(Connect<?> connect) {
        this.connect = connect;
    }

    public static LocalConnectWorker start(Path workerProperties, String bootstrapServers, Path pluginPath) {
        Map<String, String> props = load(workerProperties);
        props.put("bootstrap.servers", bootstrapServers);
        props.put("listeners", "http://127.0.0.1:" + LocalKafka.freePort());
        props.remove("rest.advertised.host.name");
        props.put("plugin.path", pluginPath.toAbsolutePath().toString());
        Connect<?> connect = new ConnectDistributed().startConnect(props);
        return new LocalConnectWorker(connect);
    }

    static Map<String, String> load(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read worker properties " + file, e);
        }
        Map<String, String> map = new HashMap<>();
        properties.stringPropertyNames().forEach(name -> map.put(name, properties.getProperty(name)));
        return map;
    }

    /** The REST endpoint, e.g. {@code http://127.0.0.1:41234/}. */
    public URI restUrl() {
        return connect.rest().serverUrl();
    }

    @Override
    public void close() {
        connect.stop();
        connect.awaitStop();
    }
}
