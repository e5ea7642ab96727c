package io.pg2ts.sink.testing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;

/** A {@link SinkTaskContext} that records what the task asks of Connect. */
public final class RecordingContext implements SinkTaskContext {

    /** A record the task reported as bad, and why. */
    public record Reported(SinkRecord record, Throwable error) {
    }

    private final Map<String, String> configs;
    private final Set<TopicPartition> assignment = new HashSet<>();
    private final Set<TopicPartition> paused = new HashSet<>();
    private final List<Reported> reported = new ArrayList<>();
    private final List<Long> timeouts = new ArrayList<>();
    private final Map<TopicPartition, Long> seeks = new HashMap<>();
    private final boolean withReporter;
    private boolean reportsFail;

    public RecordingContext(Map<String, String> configs, boolean withReporter) {
        this.configs = new HashMap<>(configs);
        this.withReporter = withReporter;
    }

    public void assign(TopicPartition... partitions) {
        assignment.addAll(Arrays.asList(partitions));
    }

    /** From now on, reports fail as when the dead letter queue cannot be written. */
    public void failReports() {
        reportsFail = true;
    }

    public List<Reported> reported() {
        return reported;
    }

    public List<Long> timeouts() {
        return timeouts;
    }

    public Set<TopicPartition> paused() {
        return paused;
    }

    /** The offsets the task asked Connect to seek to, the last per partition. */
    public Map<TopicPartition, Long> seeks() {
        return seeks;
    }

    @Override
    public Map<String, String> configs() {
        return configs;
    }

    @Override
    public void offset(Map<TopicPartition, Long> offsets) {
        seeks.putAll(offsets);
    }

    @Override
    public void offset(TopicPartition tp, long offset) {
        seeks.put(tp, offset);
    }

    @Override
    public void timeout(long timeoutMs) {
        timeouts.add(timeoutMs);
    }

    @Override
    public Set<TopicPartition> assignment() {
        return assignment;
    }

    @Override
    public void pause(TopicPartition... partitions) {
        paused.addAll(Arrays.asList(partitions));
    }

    @Override
    public void resume(TopicPartition... partitions) {
        Arrays.asList(partitions).forEach(paused::remove);
    }

    @Override
    public void requestCommit() {
    }

    @Override
    public ErrantRecordReporter errantRecordReporter() {
        if (!withReporter) {
            return null;
        }
        return (record, error) -> {
            if (reportsFail) {
                return CompletableFuture.failedFuture(new IllegalStateException("the dead letter queue is not writable"));
            }
            reported.add(new Reported(record, error));
            return CompletableFuture.completedFuture(null);
        };
    }

    @Override
    public PluginMetrics pluginMetrics() {
        return null;
    }
}
