package io.pg2ts.source;

import io.debezium.connector.postgresql.PostgresValueConverter;
import io.debezium.data.SpecialValueDecimal;
import io.debezium.spi.converter.CustomConverter;
import io.debezium.spi.converter.RelationalColumn;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.time.temporal.Temporal;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.errors.DataException;
import org.postgresql.PGStatement;
import org.postgresql.util.PGobject;

/**
 * A Debezium custom converter that carries the columns whose types Debezium's own conversion
 * changes, drops or fails on as PostgreSQL's own text form of the value, which the sink casts back
 * to the column's type: exact by construction.
 *
 * <p>Which columns: every type outside {@link #DEBEZIUM_EXACT}, the types Debezium carries exactly
 * with pg2ts's settings. Among them: numeric (NaN and ±Infinity fail Debezium's precise decimals),
 * arrays (Debezium reads them element by element and fails on numeric NaN or NULL enum elements),
 * money (a double in Debezium), bit strings (bytes without their length in Debezium), dates and timestamps (Debezium's microsecond counts overflow at
 * PostgreSQL's largest timestamps, and the JDBC driver's calendar bends dates before 1582), the
 * geometric types (only point has a Debezium conversion, as a
 * struct), hstore (a JSON map in Debezium), tsvector, tsquery, multiranges, enums, domains,
 * composite and extension types.
 *
 * <p>What arrives here is what Debezium read: in the snapshot the JDBC driver's object
 * ({@code PGobject}, {@code PgArray}, a String, a number), in the stream the value Debezium
 * resolved from pgoutput's text. Each has an exact text form ({@code PGobject.getValue()}, the
 * array literal of {@code PgArray.toString()}, ...) but for two: money, which Debezium hands over
 * as a double (exact below 2<sup>53</sup> cents, refused above), and temporal domain values, which
 * are refused. A value that cannot be carried exactly fails the task with the column named; none
 * is changed silently.
 */
public final class ExactTextConverter implements CustomConverter<SchemaBuilder, RelationalColumn> {

    /** Types whose values Debezium carries exactly with the settings of {@link DebeziumConfig}. */
    static final Set<String> DEBEZIUM_EXACT = Set.of(
            "int2", "int4", "int8", "smallint", "integer", "bigint", "serial", "bigserial", "smallserial", "oid",
            "bool", "boolean", "float4", "float8", "real", "double precision",
            "text", "varchar", "character varying", "bpchar", "char", "character", "name", "citext",
            "uuid", "json", "jsonb", "xml", "bytea",
            "interval",
            "inet", "cidr", "macaddr", "macaddr8",
            "int4range", "int8range", "numrange", "tsrange", "tstzrange", "daterange");

    /** The value of a NOT NULL column the source did not send (see {@link #converterFor}). */
    static final String NOT_SENT = "";

    /** Debezium's placeholder for an unchanged TOAST value (its unavailable.value.placeholder default). */
    static final String UNAVAILABLE_VALUE = "__debezium_unavailable_value";

    // PgJDBC's encodings of 'infinity' and '-infinity' timestamps, in milliseconds since the epoch.
    private static final Instant POSITIVE_INFINITY_INSTANT = Instant.ofEpochMilli(PGStatement.DATE_POSITIVE_INFINITY);
    private static final Instant NEGATIVE_INFINITY_INSTANT = Instant.ofEpochMilli(PGStatement.DATE_NEGATIVE_INFINITY);

    /**
     * Money magnitudes below this (2<sup>45</sup>, about 35 trillion) are spaced less than a cent
     * apart as doubles, so the nearest double rounds back to the cents written.
     */
    private static final double MAX_EXACT_MONEY = (double) (1L << 45);

    @Override
    public void configure(Properties props) {
        // Nothing to configure: which columns is fixed, see DEBEZIUM_EXACT.
    }

    @Override
    public void converterFor(RelationalColumn column, ConverterRegistration<SchemaBuilder> registration) {
        String type = column.typeName() == null ? "" : column.typeName().toLowerCase(Locale.ROOT);
        if (DEBEZIUM_EXACT.contains(type)) {
            return;
        }
        SchemaBuilder schema = SchemaBuilder.string();
        boolean optional = column.isOptional();
        if (optional) {
            schema.optional();
        }
        String where = column.dataCollection() + "." + column.name() + " (" + column.typeName() + ")";
        boolean money = type.equals("money");
        // A NOT NULL column is null only where the source sent no value: the non-key columns of a
        // delete's before image under the default replica identity. Debezium's own converters put
        // a fallback value there, and so does this one; the sink matches such deletes by key.
        registration.register(schema, value -> value == null && !optional ? NOT_SENT : text(value, money, where));
    }

    static String text(Object value, boolean money, String where) {
        if (value == null) {
            return null;
        }
        if (value.getClass() == Object.class) {
            // Debezium's marker of an unchanged TOAST value: the sink leaves such a column as it is.
            return UNAVAILABLE_VALUE;
        }
        if (value instanceof List<?> list && list.size() == 1 && UNAVAILABLE_VALUE.equals(String.valueOf(list.get(0)))) {
            return UNAVAILABLE_VALUE;
        }
        if (money && value instanceof Number number) {
            return money(number.doubleValue(), where);
        }
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof PGobject object) {
            return object.getValue();
        }
        if (value instanceof Array array) {
            // PgJDBC's array keeps the literal it was read from; reading its elements would convert them.
            return array.toString();
        }
        if (value instanceof SpecialValueDecimal special) {
            if (special.getDecimalValue().isPresent()) {
                return special.getDecimalValue().get().toPlainString();
            }
            if (special.equals(SpecialValueDecimal.NOT_A_NUMBER)) {
                return "NaN";
            }
            if (special.equals(SpecialValueDecimal.POSITIVE_INF)) {
                return "Infinity";
            }
            if (special.equals(SpecialValueDecimal.NEGATIVE_INF)) {
                return "-Infinity";
            }
            throw new DataException(where + ": unknown special numeric value " + special);
        }
        if (value instanceof BigDecimal decimal) {
            return decimal.toPlainString();
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Boolean
                || value instanceof Double || value instanceof Float) {
            return value.toString();
        }
        if (value instanceof byte[] bytes) {
            // Debezium's form of a type it does not know (include.unknown.datatypes): the text's bytes.
            return new String(bytes, StandardCharsets.UTF_8);
        }
        if (value instanceof Map<?, ?> map) {
            return hstore(map);
        }
        if (value instanceof Temporal temporal) {
            return temporal(temporal, where);
        }
        throw unsupported(value, where);
    }

    /**
     * The stream's temporal values, as Debezium parsed them from pgoutput's text: dates as
     * {@code LocalDate} (its infinity constants for ±infinity), timestamps as an {@code Instant} of
     * the local date-time at UTC, timestamptz as an {@code OffsetDateTime} at UTC, time as
     * {@code LocalTime}, timetz as an {@code OffsetTime} at UTC (the source's offset is gone: the
     * same instant of the day arrives with offset +00).
     */
    private static String temporal(Temporal value, String where) {
        if (value instanceof LocalDate date) {
            if (date.equals(PostgresValueConverter.POSITIVE_INFINITY_LOCAL_DATE)) {
                return "infinity";
            }
            if (date.equals(PostgresValueConverter.NEGATIVE_INFINITY_LOCAL_DATE)) {
                return "-infinity";
            }
            return date(date) + era(date.getYear());
        }
        if (value instanceof Instant instant) {
            if (instant.equals(Instant.MAX) || instant.equals(POSITIVE_INFINITY_INSTANT)) {
                return "infinity";
            }
            if (instant.equals(Instant.MIN) || instant.equals(NEGATIVE_INFINITY_INSTANT)) {
                return "-infinity";
            }
            LocalDateTime local = LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
            return date(local.toLocalDate()) + " " + time(local.toLocalTime()) + era(local.getYear());
        }
        if (value instanceof OffsetDateTime timestamp) {
            if (timestamp.equals(OffsetDateTime.MAX) || timestamp.toInstant().equals(POSITIVE_INFINITY_INSTANT)) {
                return "infinity";
            }
            if (timestamp.equals(OffsetDateTime.MIN) || timestamp.toInstant().equals(NEGATIVE_INFINITY_INSTANT)) {
                return "-infinity";
            }
            LocalDateTime utc = timestamp.atZoneSameInstant(ZoneOffset.UTC).toLocalDateTime();
            return date(utc.toLocalDate()) + " " + time(utc.toLocalTime()) + "+00" + era(utc.getYear());
        }
        if (value instanceof LocalTime time) {
            return time.equals(LocalTime.MAX) ? "24:00:00" : time(time);
        }
        if (value instanceof OffsetTime time) {
            return time(time.toLocalTime()) + time.getOffset().getId().replace("Z", "+00:00");
        }
        throw unsupported(value, where);
    }

    /** {@code yyyy-MM-dd} with PostgreSQL's year of era (BC years count from 1), at least four digits. */
    private static String date(LocalDate date) {
        int year = date.getYear() <= 0 ? 1 - date.getYear() : date.getYear();
        StringBuilder out = new StringBuilder(10);
        // Written by hand: String.format took a quarter of the streaming thread (a Formatter and
        // locale symbols per call) on a table with one timestamptz column.
        pad(out, year, 4).append('-');
        pad(out, date.getMonthValue(), 2).append('-');
        return pad(out, date.getDayOfMonth(), 2).toString();
    }

    private static String era(int isoYear) {
        return isoYear <= 0 ? " BC" : "";
    }

    private static String time(LocalTime time) {
        StringBuilder out = new StringBuilder(15);
        pad(out, time.getHour(), 2).append(':');
        pad(out, time.getMinute(), 2).append(':');
        pad(out, time.getSecond(), 2);
        int micros = time.getNano() / 1000;
        if (micros != 0) {
            pad(out.append('.'), micros, 6);
        }
        return out.toString();
    }

    /** Appends a non-negative number with leading zeros to at least {@code digits} digits. */
    private static StringBuilder pad(StringBuilder out, int value, int digits) {
        for (int limit = 10, d = 1; d < digits; d++, limit *= 10) {
            if (value < limit) {
                out.append('0');
            }
        }
        return out.append(value);
    }

    private static DataException unsupported(Object value, String where) {
        return new DataException(where + ": pg2ts cannot carry a value read as " + value.getClass().getName()
                + " exactly; exclude the table or ask for the type to be supported");
    }

    private static String money(double value, String where) {
        if (Double.isNaN(value) || Math.abs(value) >= MAX_EXACT_MONEY) {
            throw new DataException(where + ": a money value beyond ±" + (long) MAX_EXACT_MONEY + " cannot be carried "
                    + "exactly (Debezium reads money as a double); change the column to numeric(20,2) on the source");
        }
        // The double's exact binary value, not its shortest decimal form, which may drop a cent digit.
        return new BigDecimal(value).setScale(2, RoundingMode.HALF_EVEN).toPlainString();
    }

    /** An hstore literal: {@code "key"=>"value"} pairs, NULL values bare. */
    private static String hstore(Map<?, ?> map) {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            if (!out.isEmpty()) {
                out.append(", ");
            }
            quote(out, String.valueOf(entry.getKey()));
            out.append("=>");
            if (entry.getValue() == null) {
                out.append("NULL");
            } else {
                quote(out, String.valueOf(entry.getValue()));
            }
        }
        return out.toString();
    }

    private static void quote(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\');
            }
            out.append(c);
        }
        out.append('"');
    }
}
