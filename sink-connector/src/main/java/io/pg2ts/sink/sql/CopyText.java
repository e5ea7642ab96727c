package io.pg2ts.sink.sql;

/**
 * Rows in COPY's text format: values separated by tabs, one row per line, NULL as {@code \N},
 * and backslash, tab, newline and carriage return escaped with a backslash.
 */
public final class CopyText {

    private CopyText() {
    }

    /** Appends one row: the values of {@code row} at {@code positions}, in that order. */
    public static void appendRow(StringBuilder out, String[] row, int[] positions) {
        for (int c = 0; c < positions.length; c++) {
            if (c > 0) {
                out.append('\t');
            }
            appendValue(out, row[positions[c]]);
        }
        out.append('\n');
    }

    static void appendValue(StringBuilder out, String value) {
        if (value == null) {
            out.append("\\N");
            return;
        }
        int plain = 0;
        while (plain < value.length() && !escaped(value.charAt(plain))) {
            plain++;
        }
        // Most values need no escape: one bulk append instead of one per character.
        out.append(value, 0, plain);
        for (int i = plain; i < value.length(); i++) {
            char ch = value.charAt(i);
            switch (ch) {
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> out.append(ch);
            }
        }
    }

    private static boolean escaped(char ch) {
        return ch == '\\' || ch == '\t' || ch == '\n' || ch == '\r';
    }
}
