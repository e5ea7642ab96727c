package io.pg2ts.sink.sql;

import io.pg2ts.common.TableId;
import java.util.ArrayList;
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
    private static final String PARTITIONS = "p";
    private static final List<String> OFFSETS_KEY = List.of("connector", "topic", "kafka_partition");
    private static final List<String> PROGRESS_KEY = List.of("connector", "table_schema", "table_name", "task");
    private static final List<String> PROGRESS_COUNTS = List.of("snapshot_rows", "inserted", "updated", "deleted", "truncated");

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

    /** Loads rows in COPY's text format into the listed columns. */
    public static String copyFrom(TableId table, List<SqlColumn> columns) {
        return new SqlBuilder().append("COPY ").table(table)
                .append(" (").list(columns, ", ", (b, c) -> b.name(c.name())).append(") FROM STDIN (FORMAT text)")
                .toString();
    }

    /** The table of applied Kafka offsets, one row per connector, topic and partition. */
    public static String createOffsetsTable(TableId offsets) {
        return new SqlBuilder().append("CREATE TABLE IF NOT EXISTS ").table(offsets).append(" (")
                .name("connector").append(" text, ").name("topic").append(" text, ")
                .name("kafka_partition").append(" integer, ").name("next_offset").append(" bigint NOT NULL, ")
                .name("updated_at").append(" timestamp with time zone NOT NULL DEFAULT now(), PRIMARY KEY (")
                .list(OFFSETS_KEY, ", ", SqlBuilder::name).append("))")
                .toString();
    }

    /**
     * Stores the next offsets of one connector's partitions: parameters the connector, then arrays
     * of topics, partitions and offsets.
     */
    public static String upsertOffsets(TableId offsets) {
        return new SqlBuilder().append("INSERT INTO ").table(offsets).append(" (")
                .list(OFFSETS_KEY, ", ", SqlBuilder::name).append(", ").name("next_offset").append(") SELECT ?, ")
                .name(PARTITIONS, "topic").append(", ").name(PARTITIONS, "kafka_partition").append(", ")
                .name(PARTITIONS, "next_offset")
                .append(" FROM unnest(?::text[], ?::integer[], ?::bigint[]) AS ").append(PARTITIONS).append("(")
                .name("topic").append(", ").name("kafka_partition").append(", ").name("next_offset")
                .append(") ON CONFLICT (").list(OFFSETS_KEY, ", ", SqlBuilder::name).append(") DO UPDATE SET ")
                .name("next_offset").append(" = ").name("EXCLUDED", "next_offset").append(", ")
                .name("updated_at").append(" = now()")
                .toString();
    }

    /**
     * Reads the stored next offsets of one connector's partitions: parameters the connector, then
     * arrays of topics and partitions. Returns topic, partition, next offset.
     */
    public static String selectOffsets(TableId offsets) {
        return new SqlBuilder().append("SELECT ").name(TARGET, "topic").append(", ").name(TARGET, "kafka_partition")
                .append(", ").name(TARGET, "next_offset").append(" FROM ").table(offsets).append(" AS ").append(TARGET)
                .append(" WHERE ").name(TARGET, "connector").append(" = ? AND (").name(TARGET, "topic").append(", ")
                .name(TARGET, "kafka_partition").append(") IN (SELECT * FROM unnest(?::text[], ?::integer[]))")
                .toString();
    }

    /**
     * The table of applied changes per connector, target table and task: cumulative counts by
     * operation, whether the table's snapshot is applied, and the newest source commit time applied.
     */
    public static String createProgressTable(TableId progress) {
        return new SqlBuilder().append("CREATE TABLE IF NOT EXISTS ").table(progress).append(" (")
                .name("connector").append(" text, ").name("table_schema").append(" text, ")
                .name("table_name").append(" text, ").name("task").append(" text, ")
                .list(PROGRESS_COUNTS, ", ", (b, c) -> b.name(c).append(" bigint NOT NULL DEFAULT 0")).append(", ")
                .name("snapshot_done").append(" boolean NOT NULL DEFAULT false, ")
                .name("newest_source_ts").append(" timestamp with time zone, ")
                .name("updated_at").append(" timestamp with time zone NOT NULL DEFAULT now(), PRIMARY KEY (")
                .list(PROGRESS_KEY, ", ", SqlBuilder::name).append("))")
                .toString();
    }

    /**
     * Adds one flush's changes to the progress of one connector's task: parameters the connector and
     * the task, then arrays of table schemas, table names, the five counts (snapshot rows, inserted,
     * updated, deleted, truncated), snapshot done, and the newest source commit time in epoch
     * milliseconds (0 when unknown).
     */
    public static String upsertProgress(TableId progress) {
        List<String> columns = new ArrayList<>(List.of("table_schema", "table_name"));
        columns.addAll(PROGRESS_COUNTS);
        columns.add("snapshot_done");
        return new SqlBuilder().append("INSERT INTO ").table(progress).append(" AS ").append(TARGET).append(" (")
                .name("connector").append(", ").name("task").append(", ").list(columns, ", ", SqlBuilder::name)
                .append(", ").name("newest_source_ts").append(") SELECT ?, ?, ")
                .list(columns, ", ", (b, c) -> b.name(PARTITIONS, c))
                .append(", to_timestamp(nullif(").name(PARTITIONS, "newest_source_ts_ms").append(", 0) / 1000.0)")
                .append(" FROM unnest(?::text[], ?::text[], ")
                .list(PROGRESS_COUNTS, ", ", (b, c) -> b.append("?::bigint[]"))
                .append(", ?::boolean[], ?::bigint[]) AS ").append(PARTITIONS).append("(")
                .list(columns, ", ", SqlBuilder::name).append(", ").name("newest_source_ts_ms")
                .append(") ON CONFLICT (").list(PROGRESS_KEY, ", ", SqlBuilder::name).append(") DO UPDATE SET ")
                .list(PROGRESS_COUNTS, ", ", (b, c) -> b.name(c).append(" = ").name(TARGET, c).append(" + ")
                        .name("EXCLUDED", c))
                .append(", ").name("snapshot_done").append(" = ").name(TARGET, "snapshot_done").append(" OR ")
                .name("EXCLUDED", "snapshot_done").append(", ")
                .name("newest_source_ts").append(" = greatest(").name(TARGET, "newest_source_ts").append(", ")
                .name("EXCLUDED", "newest_source_ts").append("), ")
                .name("updated_at").append(" = now()")
                .toString();
    }

    /** Whether a table exists: parameter the quoted, qualified name; returns one row, null when it does not. */
    public static String tableExists() {
        return "SELECT to_regclass(?)";
    }

    /** Takes the transaction-scoped advisory lock that serializes the sink's DDL: parameter the key. */
    public static String lockDdl() {
        return "SELECT pg_advisory_xact_lock(?)";
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
