package io.pg2ts.sink.record;

import static io.pg2ts.sink.testing.DebeziumSchemas.bits;
import static io.pg2ts.sink.testing.DebeziumSchemas.date;
import static io.pg2ts.sink.testing.DebeziumSchemas.decimal;
import static io.pg2ts.sink.testing.DebeziumSchemas.microDuration;
import static io.pg2ts.sink.testing.DebeziumSchemas.microTime;
import static io.pg2ts.sink.testing.DebeziumSchemas.microTimestamp;
import static io.pg2ts.sink.testing.DebeziumSchemas.sourceType;
import static io.pg2ts.sink.testing.DebeziumSchemas.variableScaleDecimal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.junit.jupiter.api.Test;
import org.postgresql.PGStatement;

class PgTextTest {

    @Test
    void nullStaysNull() {
        assertThat(PgText.of(Schema.OPTIONAL_STRING_SCHEMA, null)).isNull();
    }

    @Test
    void decimalsArePlainWithoutExponent() {
        Schema schema = decimal(10, 2).build();
        assertThat(PgText.of(schema, new BigDecimal("-1.50"))).isEqualTo("-1.50");
        assertThat(PgText.of(schema, new BigDecimal("1E+3"))).isEqualTo("1000");
        assertThat(PgText.of(schema, new BigDecimal("0.000001"))).isEqualTo("0.000001");
    }

    @Test
    void variableScaleDecimalsKeepEveryDigitAndNegativeScales() {
        Schema schema = variableScaleDecimal().build();
        String hundredDigits = "1234567890".repeat(10);
        Struct big = new Struct(schema).put("scale", 50).put("value", new BigInteger(hundredDigits).toByteArray());
        Struct negativeScale = new Struct(schema).put("scale", -3).put("value", BigInteger.valueOf(-12).toByteArray());

        assertThat(PgText.of(schema, big)).isEqualTo(hundredDigits.substring(0, 50) + "." + hundredDigits.substring(50));
        assertThat(PgText.of(schema, negativeScale)).isEqualTo("-12000");
    }

    @Test
    void datesAreIsoWithBcAndInfinity() {
        Schema schema = date().build();
        assertThat(PgText.of(schema, (int) LocalDate.of(2024, 2, 29).toEpochDay())).isEqualTo("2024-02-29");
        assertThat(PgText.of(schema, (int) LocalDate.of(0, 1, 1).toEpochDay())).isEqualTo("0001-01-01 BC");
        assertThat(PgText.of(schema, (int) LocalDate.of(12345, 6, 7).toEpochDay())).isEqualTo("12345-06-07");
        assertThat(PgText.of(schema, (int) LocalDate.parse("-5877611-06-21").toEpochDay())).isEqualTo("infinity");
        assertThat(PgText.of(schema, (int) LocalDate.parse("-5877611-06-22").toEpochDay())).isEqualTo("-infinity");
    }

    @Test
    void microTimestampsHaveSixFractionDigitsAndNoZone() {
        Schema schema = microTimestamp().build();
        assertThat(PgText.of(schema, 0L)).isEqualTo("1970-01-01 00:00:00.000000");
        assertThat(PgText.of(schema, 1_709_210_096_123_456L)).isEqualTo("2024-02-29 12:34:56.123456");
        assertThat(PgText.of(schema, -1L)).isEqualTo("1969-12-31 23:59:59.999999");
        assertThat(PgText.of(schema, PGStatement.DATE_POSITIVE_INFINITY)).isEqualTo("infinity");
        assertThat(PgText.of(schema, PGStatement.DATE_NEGATIVE_INFINITY)).isEqualTo("-infinity");
    }

    @Test
    void milliAndNanoTimestampsAndConnectTimestamps() {
        assertThat(PgText.of(SchemaBuilder.int64().name("io.debezium.time.Timestamp").build(), 1_500L))
                .isEqualTo("1970-01-01 00:00:01.500000");
        assertThat(PgText.of(SchemaBuilder.int64().name("io.debezium.time.NanoTimestamp").build(), 1_000_000_001L))
                .isEqualTo("1970-01-01 00:00:01.000000001");
        assertThat(PgText.of(Timestamp.SCHEMA, new java.util.Date(86_400_000L))).isEqualTo("1970-01-02 00:00:00.000000");
        assertThat(PgText.of(Date.SCHEMA, new java.util.Date(86_400_000L))).isEqualTo("1970-01-02");
        assertThat(PgText.of(Time.SCHEMA, new java.util.Date(3_600_000L))).isEqualTo("01:00:00.000000");
    }

    @Test
    void timesIncludeEndOfDay() {
        Schema schema = microTime().build();
        assertThat(PgText.of(schema, 45_296_789_012L)).isEqualTo("12:34:56.789012");
        assertThat(PgText.of(schema, 86_400_000_000L)).isEqualTo("24:00:00");
        assertThat(PgText.of(SchemaBuilder.int32().name("io.debezium.time.Time").build(), 1_001)).isEqualTo("00:00:01.001000");
    }

    @Test
    void microDurationsAreHoursMinutesSeconds() {
        Schema schema = microDuration().build();
        assertThat(PgText.of(schema, 90_061_000_001L)).isEqualTo("25:01:01.000001");
        assertThat(PgText.of(schema, -1L)).isEqualTo("-0:00:00.000001");
    }

    @Test
    void floatsSpellNanAndInfinitiesAsPostgresDoes() {
        assertThat(PgText.of(Schema.FLOAT64_SCHEMA, Double.NaN)).isEqualTo("NaN");
        assertThat(PgText.of(Schema.FLOAT64_SCHEMA, Double.POSITIVE_INFINITY)).isEqualTo("Infinity");
        assertThat(PgText.of(Schema.FLOAT32_SCHEMA, Float.NEGATIVE_INFINITY)).isEqualTo("-Infinity");
        assertThat(PgText.of(Schema.FLOAT64_SCHEMA, 1.0E-300)).isEqualTo("1.0E-300");
        assertThat(PgText.of(Schema.FLOAT32_SCHEMA, 0.1f)).isEqualTo("0.1");
    }

    @Test
    void booleansAreTOrFAndOneOrZeroForBitColumns() {
        assertThat(PgText.of(Schema.BOOLEAN_SCHEMA, true)).isEqualTo("t");
        assertThat(PgText.of(Schema.BOOLEAN_SCHEMA, false)).isEqualTo("f");
        assertThat(PgText.of(sourceType(SchemaBuilder.bool(), "BIT", 1, null).build(), true)).isEqualTo("1");
    }

    @Test
    void bytesAreHexEscaped() {
        assertThat(PgText.of(Schema.BYTES_SCHEMA, new byte[] {0, 15, (byte) 0xab, (byte) 0xff})).isEqualTo("\\x000fabff");
        assertThat(PgText.of(Schema.BYTES_SCHEMA, ByteBuffer.wrap(new byte[] {1}))).isEqualTo("\\x01");
        assertThat(PgText.of(Schema.BYTES_SCHEMA, new byte[0])).isEqualTo("\\x");
    }

    @Test
    void bitStringsPutBitZeroRightmost() {
        assertThat(PgText.of(bits(10).build(), new byte[] {3, 2})).isEqualTo("1000000011");
        assertThat(PgText.of(sourceType(bits(16), "VARBIT", 16, null).build(), new byte[] {5})).isEqualTo("101");
    }

    @Test
    void arraysQuoteEveryElementAndSpellNull() {
        Schema strings = SchemaBuilder.array(Schema.OPTIONAL_STRING_SCHEMA).build();
        assertThat(PgText.of(strings, Arrays.asList("a\"b", "c\\d", "e,f", null, "NULL", "", " x ")))
                .isEqualTo("{\"a\\\"b\",\"c\\\\d\",\"e,f\",NULL,\"NULL\",\"\",\" x \"}");
        assertThat(PgText.of(strings, List.of())).isEqualTo("{}");
    }

    @Test
    void arraysConvertElementsByTheirSchema() {
        Schema dates = SchemaBuilder.array(date().optional().build()).build();
        Schema bytes = SchemaBuilder.array(Schema.OPTIONAL_BYTES_SCHEMA).build();
        Schema nested = SchemaBuilder.array(SchemaBuilder.array(Schema.OPTIONAL_INT32_SCHEMA).build()).build();

        assertThat(PgText.of(dates, List.of(0, 1))).isEqualTo("{\"1970-01-01\",\"1970-01-02\"}");
        assertThat(PgText.of(bytes, List.of(new byte[] {1}))).isEqualTo("{\"\\\\x01\"}");
        assertThat(PgText.of(nested, List.of(List.of(1, 2), List.of(3, 4)))).isEqualTo("{{\"1\",\"2\"},{\"3\",\"4\"}}");
    }

    @Test
    void stringsAndStringLogicalTypesPassAsTheyAre() {
        assertThat(PgText.of(Schema.STRING_SCHEMA, "it's \\ \"x\"")).isEqualTo("it's \\ \"x\"");
        assertThat(PgText.of(SchemaBuilder.string().name("io.debezium.time.ZonedTimestamp").build(), "2024-01-01T00:00:00Z"))
                .isEqualTo("2024-01-01T00:00:00Z");
        assertThat(PgText.of(SchemaBuilder.string().name("io.debezium.data.Json").build(), "{\"a\":1}")).isEqualTo("{\"a\":1}");
    }

    @Test
    void integersAreDecimal() {
        assertThat(PgText.of(Schema.INT16_SCHEMA, (short) -7)).isEqualTo("-7");
        assertThat(PgText.of(Schema.INT64_SCHEMA, Long.MAX_VALUE)).isEqualTo("9223372036854775807");
    }

    @Test
    void structsOtherThanDecimalsAreRejected() {
        Schema point = SchemaBuilder.struct().name("io.debezium.data.geometry.Point").field("x", Schema.FLOAT64_SCHEMA).build();
        assertThatThrownBy(() -> PgText.of(point, new Struct(point).put("x", 1.0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("io.debezium.data.geometry.Point");
    }
}
