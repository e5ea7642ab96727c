package io.pg2ts.cli.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pg2ts.common.HypertableSpec;
import io.pg2ts.common.Identifiers;
import io.pg2ts.common.TableId;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Makes the tables a sink configuration lists in {@code hypertables} hypertables right after the
 * schema copy creates them, as the sink would have (the sink's own {@link HypertableSpec}): the
 * same chunk interval and space partitioning, and a primary key that lacks the time column (or the
 * space partitioning column) extended by it, which TimescaleDB requires; the sink then applies such
 * a table by the source key.
 */
final class HypertableSetup {

    private HypertableSetup() {
    }

    /**
     * The hypertable options of a sink connector's JSON, as {@code PUT /connectors/x/config} takes
     * it or with the {@code {"name": ..., "config": {...}}} wrapper of {@code POST /connectors}.
     */
    static Map<TableId, HypertableSpec> readSinkConfig(Path file) throws SchemaException {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new SchemaException("could not read the sink configuration " + file + ": " + e.getMessage(), e);
        }
        JsonNode config = root != null && root.has("config") && root.get("config").isObject() ? root.get("config") : root;
        if (config == null || !config.isObject()) {
            throw new SchemaException("the sink configuration " + file + " is not a JSON object of connector options");
        }
        Map<String, String> options = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> fields = config.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            options.put(field.getKey(), field.getValue().isTextual() ? field.getValue().asText() : field.getValue().toString());
        }
        HypertableSpec.Parsed parsed = HypertableSpec.parse(options);
        if (!parsed.problems().isEmpty()) {
            throw new SchemaException("the hypertable options of " + file + " have problems: "
                    + String.join("; ", parsed.problems()));
        }
        return parsed.specs();
    }

    /**
     * Checks in the source, before anything is created, that each table can become a hypertable
     * once copied: its time (and space partitioning) column exists, and no unique constraint or index
     * other than the primary key lacks it (TimescaleDB refuses those; the primary key is extended instead).
     *
     * @return the specs of tables the source has; the others are the sink's to create
     */
    static List<HypertableSpec> check(Connection source, Map<TableId, HypertableSpec> specs) throws SQLException,
            SchemaException {
        List<HypertableSpec> present = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (HypertableSpec spec : specs.values()) {
            if (!tableExists(source, spec.table())) {
                continue;
            }
            present.add(spec);
            List<String> missing = new ArrayList<>();
            for (String column : partitioningColumns(spec)) {
                if (!columnExists(source, spec.table(), column)) {
                    missing.add(column);
                }
            }
            if (!missing.isEmpty()) {
                problems.add(spec.table() + " has no column " + String.join(" or ", missing) + " (see hypertable."
                        + spec.table() + ".time.column and .partitioning.column in the sink configuration)");
                continue;
            }
            for (String column : partitioningColumns(spec)) {
                List<String> offending = uniqueIndexesWithout(source, spec.table(), column);
                if (!offending.isEmpty()) {
                    problems.add(spec.table() + " cannot become a hypertable partitioned by " + column
                            + ": TimescaleDB requires the partitioning columns in every unique index, and these lack "
                            + column + ": " + String.join("; ", offending) + ". Add " + column + " to them on the "
                            + "source, drop them, or remove the table from hypertables in the sink configuration");
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new SchemaException("nothing was created: " + String.join("; ", problems));
        }
        return present;
    }

    /** Fails unless the target can hold hypertables. */
    static void requireTimescale(Connection target, List<HypertableSpec> specs) throws SQLException, SchemaException {
        try (Statement s = target.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_catalog.pg_extension WHERE extname = 'timescaledb'")) {
            rs.next();
            if (rs.getLong(1) == 0) {
                throw new SchemaException("the sink configuration makes hypertables of "
                        + String.join(", ", specs.stream().map(spec -> spec.table().toString()).toList())
                        + ", but the target database has no timescaledb extension: run CREATE EXTENSION timescaledb "
                        + "there (as a superuser), or leave out --sink-config; nothing was created");
            }
        }
    }

    /**
     * Makes the new, empty table a hypertable, first extending its primary key by the time column
     * when it lacks it; in one transaction.
     *
     * @return what was done, for the user
     */
    static String convert(Connection target, HypertableSpec spec) throws SQLException, SchemaException {
        boolean autoCommit = target.getAutoCommit();
        target.setAutoCommit(false);
        try (Statement s = target.createStatement()) {
            // create_hypertable lives in the extension's schema, which the role's search_path may lack.
            s.execute("SELECT pg_catalog.set_config('search_path', (SELECT pg_catalog.quote_ident(n.nspname) "
                    + "FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace "
                    + "WHERE e.extname = 'timescaledb'), true)");
            String keyChange = "";
            PrimaryKey key = primaryKey(target, spec.table());
            if (key != null && !key.columns().containsAll(partitioningColumns(spec))) {
                List<String> columns = new ArrayList<>(key.columns());
                partitioningColumns(spec).stream().filter(c -> !columns.contains(c)).forEach(columns::add);
                s.execute(extendPrimaryKeySql(spec.table(), key.name(), columns));
                keyChange = ", primary key (" + String.join(", ", key.columns()) + ") extended to ("
                        + String.join(", ", columns) + ")";
            }
            s.execute(spec.createSql(false));
            target.commit();
            return spec.table() + " is a hypertable on " + spec.timeColumn()
                    + (spec.chunkInterval() == null ? "" : ", chunks of " + spec.chunkInterval())
                    + (spec.partitioningColumn() == null ? "" : ", " + spec.partitions() + " partitions by "
                            + spec.partitioningColumn()) + keyChange;
        } catch (SQLException e) {
            target.rollback();
            throw new SchemaException("could not make " + spec.table() + " a hypertable on " + spec.timeColumn() + ": "
                    + e.getMessage() + " (SQLState " + e.getSQLState() + "). The tables are created; fix the "
                    + "hypertable options of " + spec.table() + " in the sink configuration, or convert it yourself with "
                    + "create_hypertable before the sink starts", e);
        } finally {
            target.setAutoCommit(autoCommit);
        }
    }

    /** The time column and the space partitioning column, if any: TimescaleDB wants both in every unique index. */
    private static List<String> partitioningColumns(HypertableSpec spec) {
        return spec.partitioningColumn() == null ? List.of(spec.timeColumn())
                : List.of(spec.timeColumn(), spec.partitioningColumn());
    }

    static String extendPrimaryKeySql(TableId table, String constraint, List<String> columns) {
        return "ALTER TABLE " + table.quoted() + " DROP CONSTRAINT " + Identifiers.quote(constraint) + ", ADD CONSTRAINT "
                + Identifiers.quote(constraint) + " PRIMARY KEY (" + String.join(", ",
                        columns.stream().map(Identifiers::quote).toList()) + ")";
    }

    private record PrimaryKey(String name, List<String> columns) {
    }

    private static PrimaryKey primaryKey(Connection target, TableId table) throws SQLException {
        try (PreparedStatement ps = target.prepareStatement("SELECT c.conname, a.attname FROM pg_catalog.pg_constraint c "
                + "JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, n) ON true "
                + "JOIN pg_catalog.pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum "
                + "WHERE c.conrelid = ?::regclass AND c.contype = 'p' ORDER BY k.n")) {
            ps.setString(1, table.quoted());
            try (ResultSet rs = ps.executeQuery()) {
                String name = null;
                List<String> columns = new ArrayList<>();
                while (rs.next()) {
                    name = rs.getString(1);
                    columns.add(rs.getString(2));
                }
                return name == null ? null : new PrimaryKey(name, columns);
            }
        }
    }

    private static boolean tableExists(Connection source, TableId table) throws SQLException {
        try (PreparedStatement ps = source.prepareStatement("SELECT count(*) FROM pg_catalog.pg_class c "
                + "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ? "
                + "AND c.relkind IN ('r', 'p')")) {
            ps.setString(1, table.schema());
            ps.setString(2, table.table());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) > 0;
            }
        }
    }

    private static boolean columnExists(Connection source, TableId table, String column) throws SQLException {
        try (PreparedStatement ps = source.prepareStatement("SELECT count(*) FROM pg_catalog.pg_attribute "
                + "WHERE attrelid = ?::regclass AND attname = ? AND attnum > 0 AND NOT attisdropped")) {
            ps.setString(1, table.quoted());
            ps.setString(2, column);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) > 0;
            }
        }
    }

    private static List<String> uniqueIndexesWithout(Connection source, TableId table, String column) throws SQLException {
        List<String> offending = new ArrayList<>();
        try (PreparedStatement ps = source.prepareStatement("SELECT i.indexrelid::regclass::text, "
                + "pg_catalog.pg_get_indexdef(i.indexrelid) FROM pg_catalog.pg_index i WHERE i.indrelid = ?::regclass "
                + "AND i.indisunique AND NOT i.indisprimary AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a "
                + "WHERE a.attrelid = i.indrelid AND a.attname = ? AND a.attnum = ANY (i.indkey::int2[])) ORDER BY 1")) {
            ps.setString(1, table.quoted());
            ps.setString(2, column);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    offending.add(rs.getString(1) + " (" + rs.getString(2) + ")");
                }
            }
        }
        return offending;
    }
}
