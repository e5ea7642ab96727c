package io.pg2ts.source;

import io.pg2ts.common.TableId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Debezium's {@code snapshot.select.statement.overrides} for the captured tables: every column
 * that {@link ExactTextConverter} carries is read as PostgreSQL's text of its value
 * ({@code col::text AS col}), so the snapshot hands the converter the exact text rather than what
 * the JDBC driver made of it (a double for money, a calendar-bound {@code Timestamp} for a date in
 * 4713 BC). Debezium matches result columns to table columns by name, and decides how to read a
 * value by the result column's type, which is then text.
 */
final class SnapshotSelects {

    static final String OVERRIDES = "snapshot.select.statement.overrides";

    private SnapshotSelects() {
    }

    /**
     * The override properties for the captured tables that have such columns; a table the
     * Debezium properties override already ({@code debezium.snapshot.select.statement.overrides.<table>})
     * is left as the user wrote it.
     *
     * @param include the captured tables, or empty for every table of a user schema
     * @param debezium the Debezium properties the task starts with
     */
    static Map<String, String> properties(Connection connection, List<TableId> include, Map<String, String> debezium)
            throws SQLException {
        Map<TableId, List<String>> selectLists = new LinkedHashMap<>();
        Map<TableId, Boolean> needsText = new LinkedHashMap<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT n.nspname, c.relname, a.attname, t.typname "
                + "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
                + "JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_type t ON t.oid = a.atttypid "
                + "WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped "
                + "AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
                + "ORDER BY n.nspname, c.relname, a.attnum");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                TableId table = new TableId(rs.getString(1), rs.getString(2));
                if (!captured(include, table)) {
                    continue;
                }
                String column = quote(rs.getString(3));
                String type = rs.getString(4).toLowerCase(Locale.ROOT);
                boolean text = !ExactTextConverter.DEBEZIUM_EXACT.contains(type);
                String expression = !text ? column
                        : type.equals("money") ? column + "::numeric::text AS " + column
                        : column + "::text AS " + column;
                selectLists.computeIfAbsent(table, t -> new ArrayList<>()).add(expression);
                needsText.merge(table, text, Boolean::logicalOr);
            }
        }
        Map<String, String> passThrough = debezium;
        List<String> names = new ArrayList<>();
        String userNames = passThrough.getOrDefault(OVERRIDES, "");
        if (!userNames.isBlank()) {
            names.add(userNames);
        }
        Map<String, String> props = new LinkedHashMap<>();
        selectLists.forEach((table, columns) -> {
            String name = table.schema() + "." + table.table();
            if (!needsText.get(table) || passThrough.containsKey(OVERRIDES + "." + name)) {
                return;
            }
            names.add(name);
            props.put(OVERRIDES + "." + name, "SELECT " + String.join(", ", columns) + " FROM " + table.quoted());
        });
        if (!props.isEmpty()) {
            props.put(OVERRIDES, String.join(",", names));
        }
        return props;
    }

    private static boolean captured(List<TableId> include, TableId table) {
        return include.isEmpty() ? DebeziumConfig.isUserSchema(table.schema()) : include.contains(table);
    }

    private static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
