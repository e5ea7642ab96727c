package io.pg2ts.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.debezium.connector.postgresql.PostgresValueConverter;
import io.debezium.data.SpecialValueDecimal;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.Test;
import org.postgresql.PGStatement;
import org.postgresql.geometric.PGpoint;

/** The text the source hands the sink for the values Debezium would change; the stream's Java values included. */
class ExactTextConverterTest {

    private static String text(Object value) {
        return ExactTextConverter.text(value, false, "s.t.c (type)");
    }

    @Test
    void numericKeepsScaleDigitsAndSpecialValues() {
        assertThat(text(new SpecialValueDecimal(new BigDecimal("0.0000")))).isEqualTo("0.0000");
        assertThat(text(new SpecialValueDecimal(new BigDecimal("1E+130")))).isEqualTo("1" + "0".repeat(130));
        assertThat(text(SpecialValueDecimal.NOT_A_NUMBER)).isEqualTo("NaN");
        assertThat(text(SpecialValueDecimal.POSITIVE_INF)).isEqualTo("Infinity");
        assertThat(text(SpecialValueDecimal.NEGATIVE_INF)).isEqualTo("-Infinity");
    }

    @Test
    void moneyFromADoubleKeepsItsCentsUpToTwoToTheFortyFifthAndIsRefusedBeyond() {
        assertThat(ExactTextConverter.text(12.34, true, "w")).isEqualTo("12.34");
        assertThat(ExactTextConverter.text(Double.parseDouble("35184372088831.99"), true, "w")).isEqualTo("35184372088831.99");
        assertThat(ExactTextConverter.text(-0.01, true, "w")).isEqualTo("-0.01");
        assertThatThrownBy(() -> ExactTextConverter.text(Double.parseDouble("90071992547409.91"), true, "s.t.m (money)"))
                .isInstanceOf(DataException.class).hasMessageContaining("s.t.m (money)").hasMessageContaining("numeric");
        assertThat(ExactTextConverter.text("90071992547409.91", true, "w")).isEqualTo("90071992547409.91");
    }

    @Test
    void driverObjectsGiveTheirPostgresText() {
        assertThat(text(new PGpoint(1.5, -2))).isEqualTo("(1.5,-2.0)");
        Map<String, String> hstore = new LinkedHashMap<>();
        hstore.put("k \"q\"", "v\\w");
        hstore.put("n", null);
        assertThat(text(hstore)).isEqualTo("\"k \\\"q\\\"\"=>\"v\\\\w\", \"n\"=>NULL");
        assertThat(text("{1,NULL}".getBytes(java.nio.charset.StandardCharsets.UTF_8))).isEqualTo("{1,NULL}");
    }

    @Test
    void streamTemporalValuesKeepEraInfinityAndTheEndOfTheDay() {
        assertThat(text(LocalDate.of(-4712, 1, 1))).isEqualTo("4713-01-01 BC");
        assertThat(text(LocalDate.of(5874897, 12, 31))).isEqualTo("5874897-12-31");
        assertThat(text(PostgresValueConverter.POSITIVE_INFINITY_LOCAL_DATE)).isEqualTo("infinity");
        assertThat(text(PostgresValueConverter.NEGATIVE_INFINITY_LOCAL_DATE)).isEqualTo("-infinity");
        assertThat(text(LocalDateTime.of(294276, 12, 31, 23, 59, 59, 999_999_000).toInstant(ZoneOffset.UTC)))
                .isEqualTo("294276-12-31 23:59:59.999999");
        assertThat(text(LocalDateTime.of(-43, 3, 15, 12, 0, 0, 500_000_000).toInstant(ZoneOffset.UTC)))
                .isEqualTo("0044-03-15 12:00:00.500000 BC");
        assertThat(text(Instant.ofEpochMilli(PGStatement.DATE_POSITIVE_INFINITY))).isEqualTo("infinity");
        assertThat(text(OffsetDateTime.of(2024, 6, 1, 12, 0, 0, 0, ZoneOffset.ofHoursMinutes(5, 30))))
                .isEqualTo("2024-06-01 06:30:00+00");
        assertThat(text(LocalTime.MAX)).isEqualTo("24:00:00");
        assertThat(text(LocalTime.of(0, 0, 0, 1_000))).isEqualTo("00:00:00.000001");
        assertThat(text(OffsetTime.of(12, 34, 56, 789_000_000, ZoneOffset.UTC))).isEqualTo("12:34:56.789000+00:00");
    }

    @Test
    void unchangedToastMarkersBecomeThePlaceholderTheSinkSkips() {
        assertThat(text(new Object())).isEqualTo(ExactTextConverter.UNAVAILABLE_VALUE);
        assertThat(text(List.of(ExactTextConverter.UNAVAILABLE_VALUE))).isEqualTo(ExactTextConverter.UNAVAILABLE_VALUE);
    }

    @Test
    void aValueOfAnUnexpectedClassFailsNamingTheColumn() {
        assertThatThrownBy(() -> text(new java.sql.Timestamp(0)))
                .isInstanceOf(DataException.class).hasMessageContaining("s.t.c (type)");
    }
}
