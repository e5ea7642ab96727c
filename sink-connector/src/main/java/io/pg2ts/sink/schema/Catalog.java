package io.pg2ts.sink.schema;

import io.pg2ts.common.TableId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads target tables from {@code pg_catalog} and caches them. The cache is only correct while
 * nobody else changes the tables; callers forget a table after their own DDL, and forget
 * everything after a rollback, which may have undone DDL.
 */
public final class Catalog {

    private static final String COLUMNS = "SELECT a.attname, format_type(a.atttypid, a.atttypmod), "
            + "format_type(a.atttypid, NULL), a.attnotnull, a.attgenerated = 's', a.attidentity = 'a', "
            + "array_position(pk.indkey::int2[], a.attnum) "
            + "FROM pg_catalog.pg_attribute a "
            + "JOIN pg_catalog.pg_class c ON c.oid = a.attrelid "
            + "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
            + "LEFT JOIN pg_catalog.pg_index pk ON pk.indrelid = c.oid AND pk.indisprimary "
            + "WHERE n.nspname = ? AND c.relname = ? AND c.relkind IN ('r', 'p', 'f') "
            + "AND a.attnum > 0 AND NOT a.attisdropped "
            + "ORDER BY a.attnum";
    private static final String SCHEMA_EXISTS = "SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = ?";

    private final Map<TableId, TableMetadata> tables = new HashMap<>();
    private long generation;

    /** @return the table, or null when it does not exist */
    public TableMetadata table(Connection connection, TableId table) throws SQLException {
        TableMetadata cached = tables.get(table);
        if (cached != null) {
            return cached;
        }
        TableMetadata read = read(connection, table);
        if (read != null) {
            tables.put(table, read);
        }
        return read;
    }

    /**
     * The type to cast a text value to before it is assigned to the column. An explicit cast to
     * plain {@code bit} or {@code character} means length 1 and would cut the value silently; the
     * unbounded {@code bit varying} and {@code bpchar} keep it whole, and the assignment to the
     * column then pads it or fails on a value too long.
     */
    static String unsizedCastType(String castType) {
        return switch (castType) {
            case "bit" -> "bit varying";
            case "bit[]" -> "bit varying[]";
            case "character" -> "bpchar";
            case "character[]" -> "bpchar[]";
            default -> castType;
        };
    }

    private static TableMetadata read(Connection connection, TableId table) throws SQLException {
        List<TargetColumn> columns = new ArrayList<>();
        Map<Integer, String> primaryKey = new TreeMap<>();
        try (PreparedStatement s = connection.prepareStatement(COLUMNS)) {
            s.setString(1, table.schema());
            s.setString(2, table.table());
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    String castType = rs.getString(3);
                    castType = unsizedCastType(castType);
                    columns.add(new TargetColumn(rs.getString(1), rs.getString(2), castType, rs.getBoolean(4),
                            rs.getBoolean(5), rs.getBoolean(6)));
                    int keyPosition = rs.getInt(7);
                    if (!rs.wasNull()) {
                        primaryKey.put(keyPosition, rs.getString(1));
                    }
                }
            }
        }
        return columns.isEmpty() ? null : new TableMetadata(table, columns, List.copyOf(primaryKey.values()));
    }

    public boolean schemaExists(Connection connection, String schema) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement(SCHEMA_EXISTS)) {
            s.setString(1, schema);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        }
    }

    public void forget(TableId table) {
        tables.remove(table);
    }

    /** Forgets every table, after a rollback that may have undone DDL; see {@link #generation()}. */
    public void clear() {
        tables.clear();
        generation++;
    }

    /**
     * How many times {@link #clear()} ran: what callers derived from the catalog at an earlier
     * generation (a table found or made a hypertable) may have been rolled back since.
     */
    public long generation() {
        return generation;
    }
}
