package io.pg2ts.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * Samples the end offset of the path's topic (one partition) four times a second, so the report
 * can say when the source had put a phase's last event into Kafka: that separates the source's
 * share of a phase from the sink's.
 */
final class TopicWatch implements AutoCloseable {

    private record Sample(Instant at, long endOffset) {
    }

    private final Admin admin;
    private final TopicPartition partition;
    private final List<Sample> samples = new ArrayList<>();
    private final Thread poller;
    private volatile boolean running = true;

    private TopicWatch(Admin admin, String topic) {
        this.admin = admin;
        this.partition = new TopicPartition(topic, 0);
        this.poller = new Thread(this::poll, "topic-watch");
        poller.setDaemon(true);
    }

    static TopicWatch start(String bootstrapServers, String topic) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        TopicWatch watch = new TopicWatch(Admin.create(props), topic);
        watch.poller.start();
        return watch;
    }

    /**
     * How long after {@code start} the topic first held as many events as it holds now: once the
     * target equals the source, when the source had produced the phase's last event.
     */
    synchronized Optional<Duration> sinceReachingCurrentSize(Instant start) {
        if (samples.isEmpty()) {
            return Optional.empty();
        }
        long end = samples.get(samples.size() - 1).endOffset();
        return samples.stream()
                .filter(s -> s.endOffset() >= end)
                .findFirst()
                .map(s -> Duration.between(start, s.at()));
    }

    private void poll() {
        while (running) {
            Instant at = Instant.now();
            try {
                Map<TopicPartition, ListOffsetsResultInfo> offsets = admin.listOffsets(Map.of(partition, OffsetSpec.latest()))
                        .all().get(5, TimeUnit.SECONDS);
                long end = offsets.get(partition).offset();
                synchronized (this) {
                    samples.add(new Sample(at, end));
                }
            } catch (Exception e) {
                // The topic does not exist until the source's first event; keep asking.
            }
            try {
                Thread.sleep(Math.max(0, 250 - Duration.between(at, Instant.now()).toMillis()));
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        poller.interrupt();
        poller.join(10_000);
        admin.close(Duration.ofSeconds(5));
    }
}
