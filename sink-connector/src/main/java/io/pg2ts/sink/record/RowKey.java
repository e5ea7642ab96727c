package io.pg2ts.sink.record;

import java.util.Arrays;

/**
 * The primary key of a row: its PostgreSQL text form, which identifies it, and the original
 * Connect values, which order it naturally (numbers as numbers, not as text).
 */
public final class RowKey implements Comparable<RowKey> {

    private final String[] text;
    private final Object[] values;
    private final int hash;

    public RowKey(String[] text, Object[] values) {
        this.text = text;
        this.values = values;
        this.hash = Arrays.hashCode(text);
    }

    /** The key column values in PostgreSQL text form, in key column order. */
    public String text(int column) {
        return text[column];
    }

    public int size() {
        return text.length;
    }

    @Override
    public int compareTo(RowKey other) {
        for (int i = 0; i < text.length; i++) {
            int c = compare(values[i], text[i], other.values[i], other.text[i]);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int compare(Object a, String aText, Object b, String bText) {
        if (a == null || b == null) {
            return a == null ? (b == null ? 0 : -1) : 1;
        }
        if (a instanceof Comparable && a.getClass() == b.getClass()) {
            return ((Comparable) a).compareTo(b);
        }
        return aText.compareTo(bText);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RowKey other && hash == other.hash && Arrays.equals(text, other.text);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    /** Deliberately without the values, so a key never ends up in a log line by accident. */
    @Override
    public String toString() {
        return "RowKey[" + text.length + " columns]";
    }
}
