package io.pg2ts.sink.sql;

import io.pg2ts.common.TableId;
import java.util.List;

/**
 * Every SQL statement the sink runs against the target, as pure functions of names and types.
 * Row values are bound as one {@code text[]} parameter per column and cast to the column's type
 * in SQL, so one statement writes a whole batch and never contains a value.
 */
public final class PostgresDialect {

    private static final String ROWS = "s";
    private static final String KEYS = "d";
    private static final String TARGET = "t";

    private PostgresDialect() {
    }

    /**
     * Inserts the rows of the bound arrays, updating {@code updated} on a key conflict, or doing
     * nothing when no column is left to update.
     */
    public static String upsert(TableId table, List<SqlColumn> columns, List<String> conflictColumns,
                                List<String> updated, boolean overridingSystemValue) {
        SqlBuilder sql = insertSelect(table, columns, overridingSystemValue)
                .append(" ON CONFLICT (").list(conflictColumns, ", ", SqlBuilder::name).append(") DO ");
        if (updated.isEmpty()) {
            return sql.append("NOTHING").toString();
        }
        return sql.append("UPDATE SET ")
                .list(updated, ", ", (b, c) -> b.name(c).append(" = ").name("EXCLUDED", c))
                .toString();
    }

    /** Inserts the rows of the bound arrays, for tables without key. */
    public static String insert(TableId table, List<SqlColumn> columns, boolean overridingSystemValue) {
        return insertSelect(table, columns, overridingSystemValue).toString();
    }

    private static SqlBuilder insertSelect(TableId table, List<SqlColumn> columns, boolean overridingSystemValue) {
        SqlBuilder sql = new SqlBuilder().append("INSERT INTO ").table(table)
                .append(" (").list(columns, ", ", (b, c) -> b.name(c.name())).append(") ");
        if (overridingSystemValue) {
            sql.append("OVERRIDING SYSTEM VALUE ");
        }
        return sql.append("SELECT ")
                .list(columns, ", ", (b, c) -> b.name(ROWS, c.name()).append("::").append(c.type()))
                .append(" FROM ").append(unnest(columns.size()))
                .append(" AS ").append(ROWS).append("(").list(columns, ", ", (b, c) -> b.name(c.name())).append(")");
    }

    /** Deletes the rows whose keys are in the bound arrays, one array per key column. */
    public static String deleteByKeys(TableId table, List<SqlColumn> keyColumns) {
        return new SqlBuilder().append("DELETE FROM ").table(table).append(" AS ").append(TARGET)
                .append(" USING ").append(unnest(keyColumns.size()))
                .append(" AS ").append(KEYS).append("(").list(keyColumns, ", ", (b, c) -> b.name(c.name())).append(")")
                .append(" WHERE ").list(keyColumns, " AND ", (b, c) -> b.name(TARGET, c.name())
                        .append(" = ").name(KEYS, c.name()).append("::").append(c.type()))
                .toString();
    }

    /**
     * Deletes one row equal to the bound values, one parameter per column, for tables without key:
     * duplicates are legal there, and a delete of one of them must leave the others.
     */
    public static String deleteOneRow(TableId table, List<SqlColumn> columns) {
        return new SqlBuilder().append("DELETE FROM ").table(table)
                .append(" WHERE (tableoid, ctid) = (SELECT tableoid, ctid FROM ").table(table).append(" WHERE ")
                .list(columns, " AND ", (b, c) -> {
                    if (comparableOnlyAsText(c.type())) {
                        b.name(c.name()).append("::text IS NOT DISTINCT FROM ?::text");
                    } else {
                        b.name(c.name()).append(" IS NOT DISTINCT FROM ?::").append(c.type());
                    }
                })
                .append(" LIMIT 1)")
                .toString();
    }

    // Types without an equality operator.
    private static boolean comparableOnlyAsText(String type) {
        String base = type.endsWith("[]") ? type.substring(0, type.length() - 2) : type;
        return base.equals("json") || base.equals("xml") || base.equals("point");
    }

    public static String truncate(TableId table) {
        return new SqlBuilder().append("TRUNCATE TABLE ").table(table).toString();
    }

    public static String createSchema(String schema) {
        return new SqlBuilder().append("CREATE SCHEMA IF NOT EXISTS ").name(schema).toString();
    }

    /** @param primaryKey empty for a table without primary key */
    public static String createTable(TableId table, List<ColumnDefinition> columns, List<String> primaryKey) {
        SqlBuilder sql = new SqlBuilder().append("CREATE TABLE IF NOT EXISTS ").table(table).append(" (")
                .list(columns, ", ", PostgresDialect::columnDefinition);
        if (!primaryKey.isEmpty()) {
            sql.append(", PRIMARY KEY (").list(primaryKey, ", ", SqlBuilder::name).append(")");
        }
        return sql.append(")").toString();
    }

    public static String addColumn(TableId table, ColumnDefinition column) {
        return new SqlBuilder().append("ALTER TABLE ").table(table).append(" ADD COLUMN IF NOT EXISTS ")
                .list(List.of(column), "", PostgresDialect::columnDefinition)
                .toString();
    }

    private static void columnDefinition(SqlBuilder sql, ColumnDefinition column) {
        sql.name(column.name()).append(" ").append(column.type());
        if (column.notNull()) {
            sql.append(" NOT NULL");
        }
    }

    private static String unnest(int arrays) {
        StringBuilder sb = new StringBuilder("unnest(");
        for (int i = 0; i < arrays; i++) {
            sb.append(i == 0 ? "?::text[]" : ", ?::text[]");
        }
        return sb.append(')').toString();
    }
}
