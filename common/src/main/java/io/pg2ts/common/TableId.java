package io.pg2ts.common;

import java.util.Objects;

/**
 * A table named by schema and table, as PostgreSQL stores the names (case kept, no quotes).
 */
public record TableId(String schema, String table) implements Comparable<TableId> {

    public TableId {
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(table, "table");
    }

    /**
     * Parses {@code schema.table} or {@code table} (schema {@code public}). Double quotes keep
     * dots and case: {@code "My.Schema"."Tab"}.
     */
    public static TableId parse(String text) {
        String s = text.strip();
        int split = splitPoint(s);
        if (split < 0) {
            return new TableId("public", unquote(s));
        }
        return new TableId(unquote(s.substring(0, split)), unquote(s.substring(split + 1)));
    }

    private static int splitPoint(String s) {
        boolean quoted = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == '.' && !quoted) {
                return i;
            }
        }
        return -1;
    }

    private static String unquote(String part) {
        if (part.length() >= 2 && part.startsWith("\"") && part.endsWith("\"")) {
            return part.substring(1, part.length() - 1).replace("\"\"", "\"");
        }
        if (part.isEmpty()) {
            throw new IllegalArgumentException("empty schema or table name");
        }
        return part;
    }

    /** The name as SQL text, both parts always quoted. */
    public String quoted() {
        return Identifiers.quote(schema) + "." + Identifiers.quote(table);
    }

    @Override
    public int compareTo(TableId other) {
        int c = schema.compareTo(other.schema);
        return c != 0 ? c : table.compareTo(other.table);
    }

    @Override
    public String toString() {
        return schema + "." + table;
    }
}
