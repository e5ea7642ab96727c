package io.pg2ts.sink.schema;

import io.pg2ts.sink.record.PgText;
import java.util.Locale;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;

/**
 * The PostgreSQL column type for a record field: the source column's own type when the source
 * propagates it ({@code column.propagate.source.type}) and it is a built-in type, otherwise one
 * derived from the Connect schema, logical name first.
 */
public final class TypeMapping {

    private static final int MAX_NUMERIC_PRECISION = 1000;
    private static final int MAX_CHAR_LENGTH = 10_485_760;
    private static final int MAX_BIT_LENGTH = 83_886_080;

    private TypeMapping() {
    }

    /** @throws IllegalArgumentException for a schema no column type fits */
    public static String sqlType(Schema schema) {
        String sourceType = fromSourceType(schema);
        return sourceType != null ? sourceType : fromConnect(schema);
    }

    /** The source column's type name as the source propagated it, or null. */
    public static String sourceTypeName(Schema schema) {
        return parameter(schema, PgText.SOURCE_TYPE_PARAMETER);
    }

    /** The built-in PostgreSQL type of the source column, or null when it has none or is not built in. */
    public static String fromSourceType(Schema schema) {
        String name = parameter(schema, PgText.SOURCE_TYPE_PARAMETER);
        if (name == null) {
            return null;
        }
        String upper = name.toUpperCase(Locale.ROOT);
        if (upper.startsWith("_")) {
            String element = builtIn(upper.substring(1), null, null);
            return element == null ? null : element + "[]";
        }
        return builtIn(upper, number(schema, PgText.SOURCE_LENGTH_PARAMETER), number(schema, PgText.SOURCE_SCALE_PARAMETER));
    }

    // Debezium reports the JDBC column size as length: characters, bits, or numeric precision;
    // and the decimal digits as scale: numeric scale, or fractional seconds of temporal types.
    private static String builtIn(String name, Integer length, Integer scale) {
        return switch (name) {
            case "INT2", "SMALLSERIAL" -> "smallint";
            case "INT4", "SERIAL" -> "integer";
            case "INT8", "BIGSERIAL" -> "bigint";
            case "FLOAT4" -> "real";
            case "FLOAT8" -> "double precision";
            case "BOOL" -> "boolean";
            case "NUMERIC", "DECIMAL" -> length != null && length > 0 && length <= MAX_NUMERIC_PRECISION
                    ? "numeric(" + length + "," + (scale == null ? 0 : scale) + ")" : "numeric";
            case "VARCHAR" -> sized("character varying", length, MAX_CHAR_LENGTH, "character varying");
            case "BPCHAR", "CHAR" -> sized("character", length, MAX_CHAR_LENGTH, "bpchar");
            case "BIT" -> sized("bit", length, MAX_BIT_LENGTH, "bit varying");
            case "VARBIT" -> sized("bit varying", length, MAX_BIT_LENGTH, "bit varying");
            case "TIMESTAMP", "TIMESTAMPTZ", "TIME", "TIMETZ" -> name.toLowerCase(Locale.ROOT)
                    + (scale != null && scale >= 0 && scale < 6 ? "(" + scale + ")" : "");
            case "TEXT", "BYTEA", "DATE", "INTERVAL", "JSON", "JSONB", "UUID", "XML", "MONEY", "OID", "NAME",
                 "INET", "CIDR", "MACADDR", "MACADDR8", "TSVECTOR", "TSQUERY",
                 "INT4RANGE", "INT8RANGE", "NUMRANGE", "TSRANGE", "TSTZRANGE", "DATERANGE" -> name.toLowerCase(Locale.ROOT);
            default -> null;
        };
    }

    private static String sized(String type, Integer length, int max, String unsized) {
        return length != null && length > 0 && length <= max ? type + "(" + length + ")" : unsized;
    }

    public static String fromConnect(Schema schema) {
        String name = schema.name();
        if (name != null) {
            switch (name) {
                case Decimal.LOGICAL_NAME: {
                    Integer precision = number(schema, "connect.decimal.precision");
                    Integer scale = number(schema, Decimal.SCALE_FIELD);
                    return precision != null && scale != null && precision > 0 && precision <= MAX_NUMERIC_PRECISION
                            && scale >= 0 && scale <= precision ? "numeric(" + precision + "," + scale + ")" : "numeric";
                }
                case "io.debezium.data.VariableScaleDecimal":
                    return "numeric";
                case "io.debezium.time.Date", Date.LOGICAL_NAME:
                    return "date";
                case "io.debezium.time.MicroTimestamp", "io.debezium.time.Timestamp", "io.debezium.time.NanoTimestamp",
                     Timestamp.LOGICAL_NAME:
                    return "timestamp";
                case "io.debezium.time.ZonedTimestamp":
                    return "timestamptz";
                case "io.debezium.time.MicroTime", "io.debezium.time.Time", "io.debezium.time.NanoTime", Time.LOGICAL_NAME:
                    return "time";
                case "io.debezium.time.ZonedTime":
                    return "timetz";
                case "io.debezium.time.Interval", "io.debezium.time.MicroDuration":
                    return "interval";
                case "io.debezium.data.Json":
                    return "jsonb";
                case "io.debezium.data.Uuid":
                    return "uuid";
                case "io.debezium.data.Bits":
                    return "bit varying";
                case "io.debezium.data.Xml":
                    return "xml";
                default:
                    break;
            }
        }
        return switch (schema.type()) {
            case INT8, INT16 -> "smallint";
            case INT32 -> "integer";
            case INT64 -> "bigint";
            case FLOAT32 -> "real";
            case FLOAT64 -> "double precision";
            case BOOLEAN -> "boolean";
            case STRING -> "text";
            case BYTES -> "bytea";
            case ARRAY -> sqlType(schema.valueSchema()) + "[]";
            case STRUCT, MAP -> throw new IllegalArgumentException("no column type for a " + schema.type()
                    + (name == null ? "" : " " + name) + " field");
        };
    }

    private static String parameter(Schema schema, String key) {
        return schema.parameters() == null ? null : schema.parameters().get(key);
    }

    private static Integer number(Schema schema, String key) {
        String value = parameter(schema, key);
        if (value == null) {
            return null;
        }
        try {
            return Integer.valueOf(value.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
