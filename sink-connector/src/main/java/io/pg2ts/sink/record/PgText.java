package io.pg2ts.sink.record;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.postgresql.PGStatement;

/**
 * Turns a Connect value into the text PostgreSQL reads for it (the input of a {@code ::type}
 * cast), driven by the field schema's logical name, then its type. Pure and allocation-light:
 * every value of every change passes through here exactly once.
 */
public final class PgText {

    public static final String SOURCE_TYPE_PARAMETER = "__debezium.source.column.type";
    public static final String SOURCE_LENGTH_PARAMETER = "__debezium.source.column.length";
    public static final String SOURCE_SCALE_PARAMETER = "__debezium.source.column.scale";

    static final String VARIABLE_SCALE_DECIMAL = "io.debezium.data.VariableScaleDecimal";
    static final String DEBEZIUM_DATE = "io.debezium.time.Date";
    static final String MICRO_TIMESTAMP = "io.debezium.time.MicroTimestamp";
    static final String MILLI_TIMESTAMP = "io.debezium.time.Timestamp";
    static final String NANO_TIMESTAMP = "io.debezium.time.NanoTimestamp";
    static final String MICRO_TIME = "io.debezium.time.MicroTime";
    static final String MILLI_TIME = "io.debezium.time.Time";
    static final String NANO_TIME = "io.debezium.time.NanoTime";
    static final String MICRO_DURATION = "io.debezium.time.MicroDuration";
    static final String BITS = "io.debezium.data.Bits";

    private static final long MILLIS_PER_DAY = 86_400_000L;
    private static final long NANOS_PER_DAY = 86_400_000_000_000L;
    private static final long MICROS_PER_HOUR = 3_600_000_000L;
    // Debezium's encodings of PostgreSQL's 'infinity' and '-infinity' dates and timestamps.
    private static final long POSITIVE_INFINITY_EPOCH_DAY = LocalDate.parse("-5877611-06-21").toEpochDay();
    private static final long NEGATIVE_INFINITY_EPOCH_DAY = LocalDate.parse("-5877611-06-22").toEpochDay();
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private PgText() {
    }

    /**
     * @return the PostgreSQL text form, or null for a null value
     * @throws IllegalArgumentException for a value or schema this sink cannot write
     * @throws ClassCastException when the value does not have the Java type its schema says
     */
    public static String of(Schema schema, Object value) {
        if (value == null) {
            return null;
        }
        String name = schema.name();
        if (name != null) {
            switch (name) {
                case Decimal.LOGICAL_NAME:
                    return ((BigDecimal) value).toPlainString();
                case VARIABLE_SCALE_DECIMAL:
                    return variableScaleDecimal((Struct) value);
                case DEBEZIUM_DATE:
                    return date(((Number) value).longValue());
                case Date.LOGICAL_NAME:
                    return date(Math.floorDiv(((java.util.Date) value).getTime(), MILLIS_PER_DAY));
                case MICRO_TIMESTAMP:
                    return timestamp((Long) value, 1_000_000L);
                case MILLI_TIMESTAMP:
                    return timestamp((Long) value, 1_000L);
                case NANO_TIMESTAMP:
                    return timestamp((Long) value, 1_000_000_000L);
                case Timestamp.LOGICAL_NAME:
                    return timestamp(((java.util.Date) value).getTime(), 1_000L);
                case MICRO_TIME:
                    return time((Long) value * 1_000L);
                case MILLI_TIME:
                    return time(((Integer) value).longValue() * 1_000_000L);
                case NANO_TIME:
                    return time((Long) value);
                case Time.LOGICAL_NAME:
                    return time(Math.floorMod(((java.util.Date) value).getTime(), MILLIS_PER_DAY) * 1_000_000L);
                case MICRO_DURATION:
                    return duration((Long) value);
                case BITS:
                    return bits(schema, bytes(value));
                default:
                    break;
            }
        }
        return switch (schema.type()) {
            case INT8, INT16, INT32, INT64 -> value.toString();
            case FLOAT32 -> Float.toString((Float) value);
            case FLOAT64 -> Double.toString((Double) value);
            case BOOLEAN -> bool(schema, (Boolean) value);
            case STRING -> (String) value;
            case BYTES -> hex(bytes(value));
            case ARRAY -> array(schema.valueSchema(), (List<?>) value);
            case STRUCT, MAP -> throw new IllegalArgumentException("unsupported " + schema.type()
                    + (name == null ? "" : " " + name) + " value; only Debezium's PostgreSQL types can be written");
        };
    }

    private static String variableScaleDecimal(Struct value) {
        BigInteger unscaled = new BigInteger(bytes(value.get("value")));
        return new BigDecimal(unscaled, value.getInt32("scale")).toPlainString();
    }

    static String date(long epochDay) {
        if (epochDay == POSITIVE_INFINITY_EPOCH_DAY || epochDay == Integer.MAX_VALUE) {
            return "infinity";
        }
        if (epochDay == NEGATIVE_INFINITY_EPOCH_DAY || epochDay == Integer.MIN_VALUE) {
            return "-infinity";
        }
        LocalDate date = LocalDate.ofEpochDay(epochDay);
        StringBuilder sb = new StringBuilder(13);
        appendDate(sb, date);
        return era(sb, date.getYear());
    }

    private static String timestamp(long value, long unitsPerSecond) {
        if (value == Long.MAX_VALUE || value == PGStatement.DATE_POSITIVE_INFINITY) {
            return "infinity";
        }
        if (value == Long.MIN_VALUE || value == PGStatement.DATE_NEGATIVE_INFINITY) {
            return "-infinity";
        }
        long seconds = Math.floorDiv(value, unitsPerSecond);
        long nanos = Math.floorMod(value, unitsPerSecond) * (1_000_000_000L / unitsPerSecond);
        LocalDateTime t = LocalDateTime.ofEpochSecond(seconds, (int) nanos, ZoneOffset.UTC);
        StringBuilder sb = new StringBuilder(32);
        appendDate(sb, t.toLocalDate());
        sb.append(' ');
        appendTime(sb, t.getHour(), t.getMinute(), t.getSecond(), t.getNano());
        return era(sb, t.getYear());
    }

    private static String time(long nanoOfDay) {
        if (nanoOfDay == NANOS_PER_DAY) {
            return "24:00:00";
        }
        LocalTime t = LocalTime.ofNanoOfDay(nanoOfDay);
        StringBuilder sb = new StringBuilder(18);
        appendTime(sb, t.getHour(), t.getMinute(), t.getSecond(), t.getNano());
        return sb.toString();
    }

    // Hours beyond 24 are fine in interval input, so the whole span goes into the time fields.
    private static String duration(long micros) {
        if (micros == Long.MIN_VALUE) {
            throw new IllegalArgumentException("interval out of range");
        }
        long abs = Math.abs(micros);
        StringBuilder sb = new StringBuilder(24);
        if (micros < 0) {
            sb.append('-');
        }
        sb.append(abs / MICROS_PER_HOUR).append(':');
        long rest = abs % MICROS_PER_HOUR;
        appendPadded(sb, rest / 60_000_000L, 2).append(':');
        appendPadded(sb, rest / 1_000_000L % 60, 2).append('.');
        appendPadded(sb, rest % 1_000_000L, 6);
        return sb.toString();
    }

    private static void appendDate(StringBuilder sb, LocalDate date) {
        int year = date.getYear();
        appendPadded(sb, year <= 0 ? 1 - year : year, 4).append('-');
        appendPadded(sb, date.getMonthValue(), 2).append('-');
        appendPadded(sb, date.getDayOfMonth(), 2);
    }

    private static void appendTime(StringBuilder sb, int hour, int minute, int second, int nanos) {
        appendPadded(sb, hour, 2).append(':');
        appendPadded(sb, minute, 2).append(':');
        appendPadded(sb, second, 2).append('.');
        if (nanos % 1000 == 0) {
            appendPadded(sb, nanos / 1000, 6);
        } else {
            appendPadded(sb, nanos, 9);
        }
    }

    private static String era(StringBuilder sb, int year) {
        return year <= 0 ? sb.append(" BC").toString() : sb.toString();
    }

    private static StringBuilder appendPadded(StringBuilder sb, long value, int width) {
        String digits = Long.toString(value);
        for (int i = digits.length(); i < width; i++) {
            sb.append('0');
        }
        return sb.append(digits);
    }

    private static String bool(Schema schema, boolean value) {
        String sourceType = parameter(schema, SOURCE_TYPE_PARAMETER);
        if ("BIT".equals(sourceType) || "VARBIT".equals(sourceType)) {
            return value ? "1" : "0";
        }
        return value ? "t" : "f";
    }

    // Debezium sends bit strings as a little-endian bit set: bit 0 is the rightmost character.
    // The length of a bit varying value is not sent, so leading zeros of such a value are lost.
    private static String bits(Schema schema, byte[] bytes) {
        int length = bytes.length * 8;
        String declared = parameter(schema, "length");
        String sourceType = parameter(schema, SOURCE_TYPE_PARAMETER);
        if ("VARBIT".equals(sourceType)) {
            length = 0;
            for (int i = bytes.length * 8 - 1; i >= 0; i--) {
                if (bit(bytes, i)) {
                    length = i + 1;
                    break;
                }
            }
        } else if (declared != null) {
            length = Integer.parseInt(declared);
        }
        char[] text = new char[length];
        for (int j = 0; j < length; j++) {
            text[j] = bit(bytes, length - 1 - j) ? '1' : '0';
        }
        return new String(text);
    }

    private static boolean bit(byte[] bytes, int index) {
        int b = index / 8;
        return b < bytes.length && (bytes[b] >> (index % 8) & 1) == 1;
    }

    private static byte[] bytes(Object value) {
        if (value instanceof ByteBuffer buffer) {
            byte[] copy = new byte[buffer.remaining()];
            buffer.duplicate().get(copy);
            return copy;
        }
        return (byte[]) value;
    }

    private static String hex(byte[] bytes) {
        char[] text = new char[2 + bytes.length * 2];
        text[0] = '\\';
        text[1] = 'x';
        for (int i = 0; i < bytes.length; i++) {
            text[2 + 2 * i] = HEX[(bytes[i] >> 4) & 0xf];
            text[3 + 2 * i] = HEX[bytes[i] & 0xf];
        }
        return new String(text);
    }

    // Every element is double-quoted, which is valid for every element type and leaves only
    // quotes and backslashes to escape; nested arrays are written bare, as PostgreSQL nests them.
    private static String array(Schema elementSchema, List<?> values) {
        StringBuilder sb = new StringBuilder(2 + values.size() * 8).append('{');
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            String element = of(elementSchema, values.get(i));
            if (element == null) {
                sb.append("NULL");
            } else if (elementSchema.type() == Schema.Type.ARRAY) {
                sb.append(element);
            } else {
                sb.append('"');
                for (int c = 0; c < element.length(); c++) {
                    char ch = element.charAt(c);
                    if (ch == '"' || ch == '\\') {
                        sb.append('\\');
                    }
                    sb.append(ch);
                }
                sb.append('"');
            }
        }
        return sb.append('}').toString();
    }

    static String parameter(Schema schema, String key) {
        Map<String, String> parameters = schema.parameters();
        return parameters == null ? null : parameters.get(key);
    }
}
