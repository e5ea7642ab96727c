package io.pg2ts.bench;

import io.pg2ts.cli.connect.ConnectRestClient;
import io.pg2ts.cli.local.LocalConnectWorker;
import io.pg2ts.testsupport.LocalKafka;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Main class of the two JVMs a Kafka path starts: {@code broker <log dir>} runs a single-node Kafka
 * broker, {@code worker <worker properties> <bootstrap servers> <plugin path> <heap file>} a Connect
 * worker whose heap high-water marks go to the heap file. The worker gets a JVM of its own so that
 * its heap is measured and bounded (-Xmx) alone. Each prints {@code READY <address>} when it serves,
 * and stops in an orderly way when its standard input closes, which is how the benchmark stops it.
 */
public final class KafkaNode {

    static final String READY = "READY ";

    private KafkaNode() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "broker" -> {
                LocalKafka kafka = LocalKafka.start(Path.of(args[1]));
                Runtime.getRuntime().addShutdownHook(new Thread(kafka::close, "broker-shutdown"));
                System.out.println(READY + kafka.bootstrapServers());
            }
            case "worker" -> {
                HeapWatermark heap = HeapWatermark.install(Path.of(args[4]));
                LocalConnectWorker worker = LocalConnectWorker.start(Path.of(args[1]), args[2], Path.of(args[3]));
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    worker.close();
                    heap.write();
                }, "worker-shutdown"));
                new ConnectRestClient(worker.restUrl()).awaitReady(Duration.ofMinutes(2));
                System.out.println(READY + worker.restUrl());
            }
            default -> throw new IllegalArgumentException("usage: KafkaNode broker|worker ...");
        }
        System.out.flush();
        awaitEndOfInput();
        System.exit(0);
    }

    private static void awaitEndOfInput() throws IOException {
        InputStream in = System.in;
        byte[] buffer = new byte[256];
        while (in.read(buffer) >= 0) {
            // Nothing is sent; the parent only ever closes the stream.
        }
    }
}
