package io.pg2ts.sink;

import io.pg2ts.common.TableId;
import io.pg2ts.sink.apply.AppliedRows;
import io.pg2ts.sink.schema.HypertableFacts;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.JmxReporter;
import org.apache.kafka.common.metrics.KafkaMetricsContext;
import org.apache.kafka.common.metrics.Measurable;
import org.apache.kafka.common.metrics.MetricConfig;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.Avg;
import org.apache.kafka.common.metrics.stats.Max;
import org.apache.kafka.common.metrics.stats.Meter;
import org.apache.kafka.common.utils.Time;

// A task's metrics, over JMX as pg2ts.sink:type=sink-task-metrics,connector=…,task=…: rows
// applied per table and kind of write (…,table=…,op=…), changes and time per flush, how far
// the applied changes are behind the source, and per hypertable (…,table=…) its chunk interval,
// chunks created and compression. Only committed flushes count.
final class SinkMetrics implements AutoCloseable {

    static final String DOMAIN = "pg2ts.sink";
    static final String GROUP = "sink-task-metrics";

    private final Metrics metrics;
    private final Map<String, String> tags = new LinkedHashMap<>();
    private final Map<String, Sensor> rowSensors = new HashMap<>();
    private final Sensor batchRows;
    private final Sensor flushTime;
    private volatile long newestSourceTsMs;
    private final Set<TableId> hypertableTables = new HashSet<>();

    SinkMetrics(String connector, String task) {
        metrics = new Metrics(new MetricConfig(), List.of(new JmxReporter()), Time.SYSTEM, new KafkaMetricsContext(DOMAIN));
        tags.put("connector", connector);
        tags.put("task", task);
        batchRows = metrics.sensor("batch-rows");
        batchRows.add(name("batch-rows-avg", "Changes written per flush, after coalescing, on average", tags), new Avg());
        batchRows.add(name("batch-rows-max", "Most changes written in one flush", tags), new Max());
        flushTime = metrics.sensor("flush-time");
        flushTime.add(name("flush-time-ms-avg", "Time a flush takes, from the first statement to the commit, on average", tags), new Avg());
        flushTime.add(name("flush-time-ms-max", "Longest time a flush took", tags), new Max());
        metrics.addMetric(name("newest-applied-source-ts-ms",
                        "Source commit time (source.ts_ms) of the newest change applied, NaN before the first", tags),
                (Measurable) (config, now) -> newestSourceTsMs == 0 ? Double.NaN : newestSourceTsMs);
        metrics.addMetric(name("source-lag-ms",
                        "Now minus the source commit time of the newest change applied; grows while the source is idle", tags),
                (Measurable) (config, now) -> newestSourceTsMs == 0 ? Double.NaN : now - newestSourceTsMs);
    }

    /**
     * Registers, once per table, gauges of the hypertables the task writes to: 1 for a hypertable,
     * its chunk interval, chunks created since the task first wrote to it, and whether it is
     * compressed, read from {@code facts} at each JMX read.
     */
    void hypertables(Supplier<Map<TableId, HypertableFacts>> facts) {
        for (TableId table : facts.get().keySet()) {
            if (!hypertableTables.add(table)) {
                continue;
            }
            Map<String, String> tableTags = new LinkedHashMap<>(tags);
            tableTags.put("table", table.toString());
            metrics.addMetric(name("hypertable", "1: the target table is a TimescaleDB hypertable", tableTags),
                    (Measurable) (config, now) -> facts.get().containsKey(table) ? 1 : 0);
            metrics.addMetric(name("chunk-interval-ms", "The hypertable's chunk interval", tableTags),
                    (Measurable) (config, now) -> fact(facts, table, HypertableFacts::chunkIntervalMs));
            metrics.addMetric(name("chunks-created", "Chunks of the hypertable created since the task first wrote to it",
                    tableTags), (Measurable) (config, now) -> fact(facts, table, HypertableFacts::chunksCreated));
            metrics.addMetric(name("compressed", "1: compression is enabled on the hypertable", tableTags),
                    (Measurable) (config, now) -> fact(facts, table, f -> f.compressed() ? 1 : 0));
        }
    }

    private static double fact(Supplier<Map<TableId, HypertableFacts>> facts, TableId table,
            ToLongFunction<HypertableFacts> value) {
        HypertableFacts f = facts.get().get(table);
        return f == null ? Double.NaN : value.applyAsLong(f);
    }

    private MetricName name(String name, String description, Map<String, String> metricTags) {
        return metrics.metricName(name, GROUP, description, metricTags);
    }

    void flushed(AppliedRows applied, int changes, long nanos, long newestSourceTsMs) {
        long now = System.currentTimeMillis();
        for (AppliedRows.Count count : applied.counts()) {
            rowSensor(count.table().toString(), count.kind().tag()).record(count.rows(), now);
        }
        if (changes > 0) {
            batchRows.record(changes, now);
            flushTime.record(nanos / 1_000_000.0, now);
        }
        if (newestSourceTsMs > this.newestSourceTsMs) {
            this.newestSourceTsMs = newestSourceTsMs;
        }
    }

    private Sensor rowSensor(String table, String kind) {
        return rowSensors.computeIfAbsent(table + '\u0000' + kind, key -> {
            Map<String, String> rowTags = new LinkedHashMap<>(tags);
            rowTags.put("table", table);
            rowTags.put("op", kind);
            Sensor sensor = metrics.sensor("rows-applied:" + key);
            sensor.add(new Meter(name("rows-applied-rate", "Rows written per second", rowTags),
                    name("rows-applied-total", "Rows written since the task started", rowTags)));
            return sensor;
        });
    }

    @Override
    public void close() {
        metrics.close();
    }
}
