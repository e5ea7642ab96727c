package io.pg2ts.source;

import io.debezium.metrics.event.MeasurementEvent;
import io.debezium.metrics.stats.Measurement;
import io.debezium.metrics.stats.MeasurementCollector;
import io.debezium.pipeline.ChangeEventSourceCoordinator;
import io.debezium.pipeline.meters.StreamingMeter;
import io.debezium.pipeline.metrics.DefaultStreamingChangeEventSourceMetrics;
import java.lang.reflect.Field;
import java.util.AbstractQueue;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records Debezium's lag-behind-source measurement in the streaming thread itself, instead of
 * handing every change to a publisher thread.
 *
 * <p>Debezium 3.7's {@code StreamingMeter} passes one {@code LagBehindSourceEvent} per change to a
 * {@link MeasurementCollector}, which puts it on a {@code LinkedBlockingQueue} that a thread of its
 * own drains. The publisher drains faster than changes arrive, so the queue is empty at nearly
 * every put and every put wakes the publisher (a futex call) and switches threads. Measured on a
 * 2-core machine streaming ~25,000 changes/s: a fifth of Debezium's streaming thread and 6% of the
 * worker's CPU in the publisher, for a measurement that sets a number and (with Debezium's
 * {@code statistics.metrics.enabled}, on by default) adds it to a quantile sketch.
 *
 * <p>{@link #install} replaces the collector's queue with one whose {@code offer} applies the
 * measurement at once; the publisher thread then finds nothing and idles as Debezium's does between
 * changes. The JMX metrics ({@code MilliSecondsBehindSource} and its statistics) keep their values.
 * It reaches into fields Debezium does not publish: where they differ (another Debezium version),
 * it changes nothing and logs that it did not.
 */
final class InlineLagMeasurement {

    private static final Logger LOG = LoggerFactory.getLogger(InlineLagMeasurement.class);

    private InlineLagMeasurement() {
    }

    /**
     * Installs the inline queue on the coordinator's streaming meter; true when it did, false (and
     * an INFO line) when Debezium's classes are not shaped as expected or missing.
     */
    static boolean install(ChangeEventSourceCoordinator<?, ?> coordinator) {
        try {
            Object metrics = read(ChangeEventSourceCoordinator.class, "streamingMetrics", coordinator);
            if (!(metrics instanceof DefaultStreamingChangeEventSourceMetrics<?>)) {
                throw new IllegalStateException("streaming metrics of type "
                        + (metrics == null ? "null" : metrics.getClass().getName()));
            }
            StreamingMeter meter = (StreamingMeter) read(DefaultStreamingChangeEventSourceMetrics.class,
                    "streamingMeter", metrics);
            MeasurementCollector<?> collector = (MeasurementCollector<?>) read(StreamingMeter.class,
                    "measurementCollector", meter);
            return install(collector);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            LOG.info("pg2ts source task: Debezium's lag-behind-source measurement stays on its own thread "
                    + "(not the structure of Debezium 3.7: {})", e.toString());
            return false;
        }
    }

    /** Installs the inline queue on one collector; visible for tests. */
    static boolean install(MeasurementCollector<?> collector) throws ReflectiveOperationException {
        @SuppressWarnings("unchecked")
        Map<Class<?>, Measurement<MeasurementEvent>> measurements =
                (Map<Class<?>, Measurement<MeasurementEvent>>) read(MeasurementCollector.class, "measurements", collector);
        Field queue = MeasurementCollector.class.getDeclaredField("queue");
        queue.setAccessible(true);
        if (queue.get(collector) instanceof Inline) {
            return true;
        }
        queue.set(collector, new Inline(measurements));
        return true;
    }

    private static Object read(Class<?> owner, String name, Object instance) throws ReflectiveOperationException {
        Field field = owner.getDeclaredField(name);
        field.setAccessible(true);
        return field.get(instance);
    }

    /**
     * A queue that holds nothing: {@code offer} hands the event to its measurement in the calling
     * thread (Debezium's streaming thread, the only one that offers), and {@code poll} finds
     * nothing after the wait asked for.
     */
    static final class Inline extends AbstractQueue<Object> implements BlockingQueue<Object> {

        private final Map<Class<?>, Measurement<MeasurementEvent>> measurements;

        Inline(Map<Class<?>, Measurement<MeasurementEvent>> measurements) {
            this.measurements = measurements;
        }

        @Override
        public boolean offer(Object event) {
            Measurement<MeasurementEvent> measurement = measurements.get(event.getClass());
            if (measurement != null) {
                try {
                    measurement.accept((MeasurementEvent) event);
                } catch (RuntimeException e) {
                    // As Debezium's publisher would: a metric must not stop the stream.
                    LOG.debug("Debezium measurement {} failed", measurement.getClass().getName(), e);
                }
            }
            return true;
        }

        @Override
        public Object poll(long timeout, TimeUnit unit) throws InterruptedException {
            unit.sleep(timeout);
            return null;
        }

        @Override
        public Object take() throws InterruptedException {
            Thread.sleep(Long.MAX_VALUE);
            return null;
        }

        @Override
        public void put(Object event) {
            offer(event);
        }

        @Override
        public boolean offer(Object event, long timeout, TimeUnit unit) {
            return offer(event);
        }

        @Override
        public Object poll() {
            return null;
        }

        @Override
        public Object peek() {
            return null;
        }

        @Override
        public int size() {
            return 0;
        }

        @Override
        public int remainingCapacity() {
            return Integer.MAX_VALUE;
        }

        @Override
        public int drainTo(Collection<? super Object> sink) {
            return 0;
        }

        @Override
        public int drainTo(Collection<? super Object> sink, int maxElements) {
            return 0;
        }

        @Override
        public Iterator<Object> iterator() {
            return Collections.emptyIterator();
        }
    }
}
