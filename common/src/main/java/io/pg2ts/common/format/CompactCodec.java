package io.pg2ts.common.format;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;

/**
 * The schema-driven binary body of a pg2ts record, both ways in one pass: integers as zigzag
 * varints, floats as little-endian IEEE bits, strings and bytes with a varint length, arrays and
 * maps with a varint count, struct fields in schema order, and a presence byte (0 null, 1 value)
 * before every value whose schema is optional. Connect's logical types travel as their base type.
 */
final class CompactCodec {

    private static final String CONNECT_LOGICAL_PREFIX = "org.apache.kafka.connect.data.";

    /**
     * A struct's values by field index. Decoding sets them without {@code Struct.put}: what the
     * decoder reads by the schema is valid by construction, and {@code put} validates every value
     * again (Kafka 4.3 builds an error-location string per call, compares a nested struct's schema
     * deeply and validates it once more), which took a seventh of the sink task's thread. Encoding
     * reads them without a lookup by field name per value. Null where this Kafka's {@code Struct}
     * has no such field; {@code put} and {@code getWithoutDefault} are used then.
     */
    static final VarHandle STRUCT_VALUES = structValues();

    private static VarHandle structValues() {
        try {
            return MethodHandles.privateLookupIn(Struct.class, MethodHandles.lookup())
                    .findVarHandle(Struct.class, "values", Object[].class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private CompactCodec() {
    }

    // ---- encoding

    /** Writes {@code value}; errors name the field path, built only when one happens. */
    static void write(Output out, Schema schema, Object value, String rootName) {
        try {
            write(out, schema, value);
        } catch (FieldError e) {
            StringBuilder path = new StringBuilder(rootName);
            for (int i = e.path.size() - 1; i >= 0; i--) {
                path.append('.').append(e.path.get(i));
            }
            throw new DataException(e.problem + " at field '" + path + "'", e.getCause());
        }
    }

    private static void write(Output out, Schema schema, Object value) {
        if (schema.isOptional()) {
            if (value == null) {
                out.writeByte(0);
                return;
            }
            out.writeByte(1);
        } else if (value == null) {
            // A required value may still be absent when the schema has a default (as in JsonConverter).
            value = schema.defaultValue();
            if (value == null) {
                throw new FieldError("Null value for required " + describe(schema), null);
            }
        }
        try {
            writePresent(out, schema, value);
        } catch (ClassCastException e) {
            throw new FieldError("Value of type " + value.getClass().getName() + " does not match "
                    + describe(schema), e);
        } catch (DataException e) {
            // From Connect's logical types, e.g. a Date that is not at midnight UTC.
            throw new FieldError(e.getMessage(), e);
        }
    }

    private static void writePresent(Output out, Schema schema, Object value) {
        String logical = schema.name();
        // Only Connect's own logical types change the encoding; other names (Debezium's, the
        // records' own) skip the switch, which would hash the name.
        if (logical != null && logical.startsWith(CONNECT_LOGICAL_PREFIX)) {
            switch (logical) {
                case Decimal.LOGICAL_NAME -> {
                    out.writeBytes(Decimal.fromLogical(schema, (BigDecimal) value));
                    return;
                }
                case Date.LOGICAL_NAME -> {
                    out.writeVarLong(zigzag(Date.fromLogical(schema, (java.util.Date) value)));
                    return;
                }
                case Time.LOGICAL_NAME -> {
                    out.writeVarLong(zigzag(Time.fromLogical(schema, (java.util.Date) value)));
                    return;
                }
                case Timestamp.LOGICAL_NAME -> {
                    out.writeVarLong(zigzag(Timestamp.fromLogical(schema, (java.util.Date) value)));
                    return;
                }
                default -> {
                    // Other names (Debezium's io.debezium.time.*, ...) carry plain base-type values.
                }
            }
        }
        switch (schema.type()) {
            case INT8 -> out.writeVarLong(zigzag((Byte) value));
            case INT16 -> out.writeVarLong(zigzag((Short) value));
            case INT32 -> out.writeVarLong(zigzag((Integer) value));
            case INT64 -> out.writeVarLong(zigzag((Long) value));
            case FLOAT32 -> out.writeIntLe(Float.floatToRawIntBits((Float) value));
            case FLOAT64 -> out.writeLongLe(Double.doubleToRawLongBits((Double) value));
            case BOOLEAN -> out.writeByte((Boolean) value ? 1 : 0);
            case STRING -> out.writeString((String) value);
            case BYTES -> {
                if (value instanceof ByteBuffer buffer) {
                    ByteBuffer slice = buffer.duplicate();
                    byte[] bytes = new byte[slice.remaining()];
                    slice.get(bytes);
                    out.writeBytes(bytes);
                } else {
                    out.writeBytes((byte[]) value);
                }
            }
            case ARRAY -> {
                List<?> list = (List<?>) value;
                out.writeVarLong(list.size());
                Schema element = schema.valueSchema();
                for (int i = 0; i < list.size(); i++) {
                    write(out, element, list.get(i));
                }
            }
            case MAP -> {
                Map<?, ?> map = (Map<?, ?>) value;
                out.writeVarLong(map.size());
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    write(out, schema.keySchema(), entry.getKey());
                    write(out, schema.valueSchema(), entry.getValue());
                }
            }
            case STRUCT -> {
                Struct struct = (Struct) value;
                if (!sameSchema(struct.schema(), schema)) {
                    throw new FieldError("Struct schema does not match " + describe(schema), null);
                }
                // By index where the values can be read directly (equal schemas order their fields alike).
                Object[] values = STRUCT_VALUES == null ? null : (Object[]) STRUCT_VALUES.get(struct);
                for (Field field : schema.fields()) {
                    try {
                        // Without default: a NULL column must stay NULL, not turn into the column default.
                        write(out, field.schema(), values != null ? values[field.index()]
                                : struct.getWithoutDefault(field.name()));
                    } catch (FieldError e) {
                        e.path.add(field.name());
                        throw e;
                    }
                }
            }
            default -> throw new FieldError("Unsupported schema type " + schema.type(), null);
        }
    }

    /**
     * Struct schemas known equal to the field schema they were written under, by identity. Debezium
     * builds a record's nested structs (its {@code source} block) with schema instances equal to,
     * not the same as, the envelope's field schema, and a deep {@code equals} per record cost a
     * tenth of the converter's time. Copy on write: new pairs are rare, lookups lock-free.
     */
    private static volatile Map<Schema, Schema> knownEqual = new IdentityHashMap<>();
    private static final int MAX_KNOWN_EQUAL = 4096;

    private static boolean sameSchema(Schema actual, Schema expected) {
        if (actual == expected || knownEqual.get(actual) == expected) {
            return true;
        }
        if (!actual.equals(expected)) {
            return false;
        }
        synchronized (CompactCodec.class) {
            Map<Schema, Schema> copy = knownEqual.size() >= MAX_KNOWN_EQUAL ? new IdentityHashMap<>()
                    : new IdentityHashMap<>(knownEqual);
            copy.put(actual, expected);
            knownEqual = copy;
        }
        return true;
    }

    private static long zigzag(long v) {
        return (v << 1) ^ (v >> 63);
    }

    private static String describe(Schema schema) {
        return "schema type " + schema.type() + (schema.name() == null ? "" : " (" + schema.name() + ")");
    }

    /** Unwinds through the structs of a failed write, collecting field names innermost first. */
    private static final class FieldError extends RuntimeException {
        final String problem;
        final List<String> path = new ArrayList<>();

        FieldError(String problem, Throwable cause) {
            super(problem, cause, false, false);
            this.problem = problem;
        }
    }

    // ---- decoding

    static Object read(Input in, Schema schema) {
        if (schema.isOptional() && in.readPresence() == 0) {
            return null;
        }
        String logical = schema.name();
        // Only Connect's own logical types change the encoding; other names (Debezium's, the
        // records' own) skip the switch, which would hash the name.
        if (logical != null && logical.startsWith(CONNECT_LOGICAL_PREFIX)) {
            switch (logical) {
                case Decimal.LOGICAL_NAME -> {
                    return Decimal.toLogical(schema, in.readBytes());
                }
                case Date.LOGICAL_NAME -> {
                    return Date.toLogical(schema, (int) unzigzag(in.readVarLong()));
                }
                case Time.LOGICAL_NAME -> {
                    return Time.toLogical(schema, (int) unzigzag(in.readVarLong()));
                }
                case Timestamp.LOGICAL_NAME -> {
                    return Timestamp.toLogical(schema, unzigzag(in.readVarLong()));
                }
                default -> {
                }
            }
        }
        return switch (schema.type()) {
            case INT8 -> (byte) unzigzag(in.readVarLong());
            case INT16 -> (short) unzigzag(in.readVarLong());
            case INT32 -> (int) unzigzag(in.readVarLong());
            case INT64 -> unzigzag(in.readVarLong());
            case FLOAT32 -> Float.intBitsToFloat(in.readIntLe());
            case FLOAT64 -> Double.longBitsToDouble(in.readLongLe());
            case BOOLEAN -> in.readBoolean();
            case STRING -> in.readString();
            case BYTES -> in.readBytes();
            case ARRAY -> {
                int count = in.readCount();
                List<Object> list = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    list.add(read(in, schema.valueSchema()));
                }
                yield list;
            }
            case MAP -> {
                int count = in.readCount();
                Map<Object, Object> map = new HashMap<>(Math.max(4, count * 2));
                for (int i = 0; i < count; i++) {
                    map.put(read(in, schema.keySchema()), read(in, schema.valueSchema()));
                }
                yield map;
            }
            case STRUCT -> {
                Struct struct = new Struct(schema);
                Object[] values = STRUCT_VALUES == null ? null : (Object[]) STRUCT_VALUES.get(struct);
                for (Field field : schema.fields()) {
                    Object value = read(in, field.schema());
                    if (values != null) {
                        values[field.index()] = value;
                    } else {
                        struct.put(field, value);
                    }
                }
                yield struct;
            }
        };
    }

    private static long unzigzag(long v) {
        return (v >>> 1) ^ -(v & 1);
    }

    /** A growable byte array; one per serialized record. */
    static final class Output {
        private byte[] buf;
        private int pos;

        Output(int capacity) {
            buf = new byte[capacity];
        }

        private void ensure(int more) {
            if (pos + more > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + more));
            }
        }

        /** Empties the buffer for the next record, keeping its capacity. */
        void reset() {
            pos = 0;
        }

        void writeByte(int b) {
            ensure(1);
            buf[pos++] = (byte) b;
        }

        void writeLongBe(long v) {
            ensure(8);
            for (int shift = 56; shift >= 0; shift -= 8) {
                buf[pos++] = (byte) (v >>> shift);
            }
        }

        void writeIntLe(int v) {
            ensure(4);
            for (int shift = 0; shift < 32; shift += 8) {
                buf[pos++] = (byte) (v >>> shift);
            }
        }

        void writeLongLe(long v) {
            ensure(8);
            for (int shift = 0; shift < 64; shift += 8) {
                buf[pos++] = (byte) (v >>> shift);
            }
        }

        void writeVarLong(long v) {
            ensure(10);
            while ((v & ~0x7FL) != 0) {
                buf[pos++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            buf[pos++] = (byte) v;
        }

        void writeBytes(byte[] bytes) {
            writeVarLong(bytes.length);
            ensure(bytes.length);
            System.arraycopy(bytes, 0, buf, pos, bytes.length);
            pos += bytes.length;
        }

        /**
         * The string's UTF-8 bytes with their length, as {@link #writeBytes} would write them; a
         * string of ASCII characters only (most values) is copied without an intermediate array.
         */
        void writeString(String s) {
            int start = pos;
            int n = s.length();
            writeVarLong(n);
            ensure(n);
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                if (c >= 0x80) {
                    pos = start;
                    writeBytes(s.getBytes(StandardCharsets.UTF_8));
                    return;
                }
                buf[pos++] = (byte) c;
            }
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buf, pos);
        }
    }

    /** Reads the body; every read is bounds-checked so that malformed input fails as DataException. */
    static final class Input {
        private final byte[] buf;
        private int pos;

        Input(byte[] buf, int pos) {
            this.buf = buf;
            this.pos = pos;
        }

        boolean atEnd() {
            return pos == buf.length;
        }

        int position() {
            return pos;
        }

        private void need(int n) {
            if (n < 0 || pos + n > buf.length) {
                throw new DataException("Malformed pg2ts record: needs " + n + " more bytes at offset " + pos
                        + " of " + buf.length);
            }
        }

        int readPresence() {
            need(1);
            int b = buf[pos++];
            if (b != 0 && b != 1) {
                throw new DataException("Malformed pg2ts record: presence byte " + b + " at offset " + (pos - 1));
            }
            return b;
        }

        boolean readBoolean() {
            return readPresence() == 1;
        }

        long readLongBe() {
            need(8);
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (buf[pos++] & 0xFF);
            }
            return v;
        }

        int readIntLe() {
            need(4);
            int v = 0;
            for (int shift = 0; shift < 32; shift += 8) {
                v |= (buf[pos++] & 0xFF) << shift;
            }
            return v;
        }

        long readLongLe() {
            need(8);
            long v = 0;
            for (int shift = 0; shift < 64; shift += 8) {
                v |= (long) (buf[pos++] & 0xFF) << shift;
            }
            return v;
        }

        long readVarLong() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                need(1);
                byte b = buf[pos++];
                v |= (long) (b & 0x7F) << shift;
                if (b >= 0) {
                    return v;
                }
            }
            throw new DataException("Malformed pg2ts record: varint longer than 10 bytes at offset " + pos);
        }

        int readCount() {
            long n = readVarLong();
            if (n < 0 || n > buf.length - pos) {
                // Every element takes at least one byte, so a larger count cannot be valid.
                throw new DataException("Malformed pg2ts record: length " + n + " at offset " + pos
                        + " exceeds the " + (buf.length - pos) + " bytes left");
            }
            return (int) n;
        }

        byte[] readBytes() {
            int n = readCount();
            byte[] bytes = Arrays.copyOfRange(buf, pos, pos + n);
            pos += n;
            return bytes;
        }

        String readString() {
            int n = readCount();
            String s = new String(buf, pos, n, StandardCharsets.UTF_8);
            pos += n;
            return s;
        }
    }
}
