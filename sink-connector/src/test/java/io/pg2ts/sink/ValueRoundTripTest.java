package io.pg2ts.sink;

import static io.pg2ts.sink.testing.DebeziumSchemas.bits;
import static io.pg2ts.sink.testing.DebeziumSchemas.date;
import static io.pg2ts.sink.testing.DebeziumSchemas.decimal;
import static io.pg2ts.sink.testing.DebeziumSchemas.interval;
import static io.pg2ts.sink.testing.DebeziumSchemas.json;
import static io.pg2ts.sink.testing.DebeziumSchemas.microDuration;
import static io.pg2ts.sink.testing.DebeziumSchemas.microTime;
import static io.pg2ts.sink.testing.DebeziumSchemas.microTimestamp;
import static io.pg2ts.sink.testing.DebeziumSchemas.sourceType;
import static io.pg2ts.sink.testing.DebeziumSchemas.uuid;
import static io.pg2ts.sink.testing.DebeziumSchemas.variableScaleDecimal;
import static io.pg2ts.sink.testing.DebeziumSchemas.zonedTime;
import static io.pg2ts.sink.testing.DebeziumSchemas.zonedTimestamp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pg2ts.sink.testing.DebeziumTable;
import io.pg2ts.sink.testing.RecordingContext;
import io.pg2ts.sink.testing.TargetDatabase;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.PGStatement;

/** Values of every Debezium type this sink writes, read back from the target as PostgreSQL prints them. */
class ValueRoundTripTest {

    @RegisterExtension
    static final TargetDatabase target = new TargetDatabase();

    private TimescaleSinkTask task;

    @BeforeEach
    void startTask() {
        task = target.startTask(new RecordingContext(target.taskProps(Map.of()), false));
    }

    @AfterEach
    void stopTask() {
        task.stop();
    }

    // Once loaded with COPY, once cast from text arrays by INSERT … SELECT FROM unnest.
    @ParameterizedTest(name = "apply.copy={0}")
    @ValueSource(booleans = {true, false})
    void everyTypeArrivesAsThePostgresValueItStandsFor(boolean copy) throws SQLException {
        task.stop();
        task = target.startTask(new RecordingContext(target.taskProps(
                Map.of(TimescaleSinkConfig.APPLY_COPY_CONFIG, Boolean.toString(copy))), false));
        String table = copy ? "copied" : "inserted";
        Struct bigNumber = new Struct(variableScaleDecimal().optional().build())
                .put("scale", 0).put("value", new BigInteger("9".repeat(100)).toByteArray());
        Struct negativeScale = new Struct(variableScaleDecimal().optional().build())
                .put("scale", -3).put("value", BigInteger.valueOf(12).toByteArray());
        Map<String, Object[]> columns = new LinkedHashMap<>();
        columns.put("dec", new Object[] {decimal(10, 2).optional().build(), new BigDecimal("-1.50"), "-1.50"});
        columns.put("big", new Object[] {variableScaleDecimal().optional().build(), bigNumber, "9".repeat(100)});
        columns.put("neg_scale", new Object[] {variableScaleDecimal().optional().build(), negativeScale, "12000"});
        columns.put("day", new Object[] {date().optional().build(), (int) LocalDate.of(2024, 2, 29).toEpochDay(), "2024-02-29"});
        columns.put("bc_day", new Object[] {date().optional().build(), (int) LocalDate.of(-43, 3, 15).toEpochDay(), "0044-03-15 BC"});
        columns.put("inf_day", new Object[] {date().optional().build(), (int) LocalDate.parse("-5877611-06-21").toEpochDay(), "infinity"});
        columns.put("ts", new Object[] {microTimestamp().optional().build(),
                micros(LocalDateTime.of(2024, 2, 29, 12, 34, 56, 123_456_000)), "2024-02-29 12:34:56.123456"});
        columns.put("ts_pre_epoch", new Object[] {microTimestamp().optional().build(),
                micros(LocalDateTime.of(1969, 12, 31, 23, 59, 59, 999_999_000)), "1969-12-31 23:59:59.999999"});
        columns.put("ts_inf", new Object[] {microTimestamp().optional().build(), PGStatement.DATE_NEGATIVE_INFINITY, "-infinity"});
        columns.put("tstz", new Object[] {zonedTimestamp().optional().build(), "2024-02-29T12:34:56.5Z", "2024-02-29 12:34:56.5+00"});
        columns.put("t", new Object[] {microTime().optional().build(), 45_296_789_012L, "12:34:56.789012"});
        columns.put("t_end", new Object[] {microTime().optional().build(), 86_400_000_000L, "24:00:00"});
        columns.put("ttz", new Object[] {zonedTime().optional().build(), "12:34:56.789Z", "12:34:56.789+00"});
        columns.put("iv", new Object[] {interval().optional().build(), "P1Y2M3DT4H5M6.78S", "1 year 2 mons 3 days 04:05:06.78"});
        columns.put("dur", new Object[] {microDuration().optional().build(), -90_061_000_001L, "-25:01:01.000001"});
        columns.put("doc", new Object[] {json().optional().build(), "{\"a\": [1, \"x\"]}", "{\"a\": [1, \"x\"]}"});
        columns.put("id", new Object[] {uuid().optional().build(), "0b5e8c6a-7b35-4a55-9c49-3f1b8c0a1e2d", "0b5e8c6a-7b35-4a55-9c49-3f1b8c0a1e2d"});
        columns.put("raw", new Object[] {Schema.OPTIONAL_BYTES_SCHEMA, new byte[] {0, 1, (byte) 0xff}, "\\x0001ff"});
        columns.put("flag", new Object[] {Schema.OPTIONAL_BOOLEAN_SCHEMA, true, "true"});
        columns.put("nan", new Object[] {Schema.OPTIONAL_FLOAT64_SCHEMA, Double.NaN, "NaN"});
        columns.put("pos_inf", new Object[] {Schema.OPTIONAL_FLOAT64_SCHEMA, Double.POSITIVE_INFINITY, "Infinity"});
        columns.put("neg_inf", new Object[] {Schema.OPTIONAL_FLOAT32_SCHEMA, Float.NEGATIVE_INFINITY, "-Infinity"});
        columns.put("small", new Object[] {Schema.OPTIONAL_FLOAT32_SCHEMA, 1.1f, "1.1"});
        columns.put("huge", new Object[] {Schema.OPTIONAL_INT64_SCHEMA, Long.MIN_VALUE, Long.toString(Long.MIN_VALUE)});
        columns.put("words", new Object[] {SchemaBuilder.array(Schema.OPTIONAL_STRING_SCHEMA).optional().build(),
                Arrays.asList("a\"b", "c\\d", "e,f", null, "NULL", "", "{x}"),
                "{\"a\\\"b\",\"c\\\\d\",\"e,f\",NULL,\"NULL\",\"\",\"{x}\"}"});
        columns.put("nums", new Object[] {SchemaBuilder.array(Schema.OPTIONAL_INT32_SCHEMA).optional().build(),
                Arrays.asList(1, null, 3), "{1,NULL,3}"});
        columns.put("bitmap", new Object[] {sourceType(bits(10).optional(), "BIT", 10, null).build(),
                new byte[] {3, 2}, "1000000011"});
        columns.put("text", new Object[] {Schema.OPTIONAL_STRING_SCHEMA, "grüße, 'quoted' \\ \"done\"", "grüße, 'quoted' \\ \"done\""});
        columns.put("nothing", new Object[] {Schema.OPTIONAL_STRING_SCHEMA, null, null});

        DebeziumTable.Builder builder = DebeziumTable.builder("round_trip", table).key("pk", Schema.INT32_SCHEMA);
        columns.forEach((name, spec) -> builder.column(name, (Schema) spec[0]));
        List<Object> row = new ArrayList<>(List.of(1));
        columns.values().forEach(spec -> row.add(spec[1]));

        task.put(List.of(builder.build().create(row.toArray())));

        List<String> expected = new ArrayList<>();
        columns.values().forEach(spec -> expected.add((String) spec[2]));
        assertThat(target.queryRow("SELECT " + String.join(", ", columns.keySet().stream().map(c -> c + "::text").toList())
                + " FROM round_trip." + table)).containsExactlyElementsOf(expected);
    }

    /**
     * Debezium puts a column's DEFAULT into the field schema, and {@code Struct.get} answers a
     * NULL field with that default: a NULL written on the source must stay NULL on the target.
     */
    @Test
    void aNullInAColumnWithADefaultStaysNullByCopyAndByUpsert() throws SQLException {
        DebeziumTable t = DebeziumTable.builder("defaults", "orders")
                .key("id", Schema.INT32_SCHEMA)
                .column("state", SchemaBuilder.string().optional().defaultValue("new").build())
                .column("qty", SchemaBuilder.int32().optional().defaultValue(7).build())
                .build();

        task.put(List.of(t.create(1, null, null), t.create(2, "paid", 3)));
        assertThat(target.queryRow("SELECT coalesce(state, 'NULL') || ' ' || coalesce(qty::text, 'NULL') "
                + "FROM defaults.orders WHERE id = 1")).containsExactly("NULL NULL");

        task.put(List.of(t.update(2, null, null)));
        assertThat(target.queryRow("SELECT coalesce(state, 'NULL') || ' ' || coalesce(qty::text, 'NULL') "
                + "FROM defaults.orders WHERE id = 2")).containsExactly("NULL NULL");
    }

    @Test
    void aSourceTypeThatIsNotBuiltInBecomesTheTargetTypeOfThatName() throws SQLException {
        target.execute("CREATE SCHEMA IF NOT EXISTS moods", "CREATE TYPE moods.feeling AS ENUM ('sad', 'happy')");
        DebeziumTable t = DebeziumTable.builder("moods", "entries")
                .key("id", Schema.INT32_SCHEMA)
                .column("now", sourceType(SchemaBuilder.string().optional(), "FEELING", null, null).build())
                .column("history", sourceType(SchemaBuilder.string().optional(), "_FEELING", null, null).build())
                .column("padded", sourceType(SchemaBuilder.string().optional(), "BPCHAR", 5, null).build())
                .build();

        // apply.copy=false elsewhere in this class is not set here: a single insert-only row goes by COPY;
        // the upsert of the same key below goes by INSERT … SELECT FROM unnest, which casts.
        task.put(List.of(t.create(1, "happy", "{sad,NULL,happy}", "ab")));
        task.put(List.of(t.update(1, "sad", "{}", "abcde")));

        assertThat(target.queryRow("SELECT string_agg(format_type(atttypid, atttypmod), ', ' ORDER BY attnum) "
                + "FROM pg_attribute WHERE attrelid = 'moods.entries'::regclass AND attname IN ('now', 'history', 'padded')"))
                .containsExactly("moods.feeling, moods.feeling[], character(5)");
        // A cast to plain "character" would have cut the value to one character.
        assertThat(target.queryRow("SELECT now::text, history::text, padded::text FROM moods.entries"))
                .containsExactly("sad", "{}", "abcde");
    }

    @Test
    void aSourceTypeTheTargetLacksStopsTheSinkNamingColumnTableAndType() {
        DebeziumTable t = DebeziumTable.builder("moods", "missing")
                .key("id", Schema.INT32_SCHEMA)
                .column("feeling", sourceType(SchemaBuilder.string().optional(), "NO_SUCH_MOOD", null, null).build())
                .build();

        assertThatThrownBy(() -> task.put(List.of(t.create(1, "happy"))))
                .isInstanceOf(ConnectException.class)
                .hasMessageContaining("feeling").hasMessageContaining("\"moods\".\"missing\"")
                .hasMessageContaining("no_such_mood").hasMessageContaining("create the type");
    }

    @Test
    void tooLongValueFailsInsteadOfBeingCut() throws SQLException {
        target.execute("CREATE SCHEMA IF NOT EXISTS narrow",
                "CREATE TABLE narrow.codes (id integer PRIMARY KEY, code varchar(3), bits bit(4))");
        DebeziumTable t = DebeziumTable.builder("narrow", "codes")
                .key("id", Schema.INT32_SCHEMA)
                .column("code", Schema.OPTIONAL_STRING_SCHEMA)
                .build();

        task.put(List.of(t.create(1, "abc")));
        assertThatThrownBy(() -> task.put(List.of(t.create(2, "abcd"))))
                .isInstanceOf(ConnectException.class)
                .hasMessageContaining("22001");
        assertThat(target.queryRow("SELECT string_agg(code, ',') FROM narrow.codes")).containsExactly("abc");
    }

    private static long micros(LocalDateTime t) {
        return t.toEpochSecond(ZoneOffset.UTC) * 1_000_000L + t.getNano() / 1000;
    }
}
