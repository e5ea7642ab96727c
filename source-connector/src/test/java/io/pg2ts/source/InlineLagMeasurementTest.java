package io.pg2ts.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.debezium.metrics.event.LagBehindSourceEvent;
import io.debezium.metrics.stats.LagBehindSourceMeasurement;
import io.debezium.metrics.stats.LongDDSketchStatistics;
import io.debezium.metrics.stats.MeasurementCollector;
import org.junit.jupiter.api.Test;

/** Debezium's own collector and measurement, with the inline queue installed. */
class InlineLagMeasurementTest {

    @Test
    void eachEventIsMeasuredInTheOfferingThreadWithoutThePublisher() throws Exception {
        MeasurementCollector<LagBehindSourceEvent> collector = new MeasurementCollector<>();
        LagBehindSourceMeasurement lag = new LagBehindSourceMeasurement(new LongDDSketchStatistics<>());
        collector.addMeasurement(LagBehindSourceEvent.class, lag);
        // Without its publisher thread, Debezium's own queue would keep the events: nothing measured.
        collector.stop();

        assertThat(InlineLagMeasurement.install(collector)).isTrue();
        collector.accept(new LagBehindSourceEvent(40));
        collector.accept(new LagBehindSourceEvent(10));
        collector.accept(new LagBehindSourceEvent(70));

        assertThat(lag.getLastValue()).isEqualTo(70L);
        assertThat(lag.getMinValue()).isEqualTo(10L);
        assertThat(lag.getMaxValue()).isEqualTo(70L);
        assertThat(lag.getValueAtQuantile(0.5)).isBetween(39.0, 41.0);
    }

    @Test
    void installingTwiceKeepsOneInlineQueueAndAPublisherRestartFindsNothing() throws Exception {
        MeasurementCollector<LagBehindSourceEvent> collector = new MeasurementCollector<>();
        LagBehindSourceMeasurement lag = new LagBehindSourceMeasurement(new LongDDSketchStatistics<>());
        collector.addMeasurement(LagBehindSourceEvent.class, lag);
        try {
            assertThat(InlineLagMeasurement.install(collector)).isTrue();
            assertThat(InlineLagMeasurement.install(collector)).isTrue();
            collector.stop();
            collector.start();
            collector.accept(new LagBehindSourceEvent(5));
            assertThat(lag.getLastValue()).isEqualTo(5L);
        } finally {
            collector.stop();
        }
    }
}
