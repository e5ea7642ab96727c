package io.pg2ts.sink.schema;

import io.pg2ts.common.HypertableSpec;
import io.pg2ts.common.TableId;
import io.pg2ts.sink.record.RecordShape;
import io.pg2ts.sink.sql.ColumnDefinition;
import io.pg2ts.sink.sql.PostgresDialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a target table fit the records written to it: creates it when missing and adds the
 * columns the records carry and it lacks. Runs inside the caller's transaction.
 */
public final class TargetTables {

    private static final Logger log = LoggerFactory.getLogger(TargetTables.class);

    private static final long DDL_LOCK_KEY = 0x7067327473L;

    private final Catalog catalog;
    private final boolean autoCreate;
    private final boolean autoEvolve;
    private final Map<TableId, HypertableSpec> hypertables;
    private final boolean migrateData;
    // When each table was last found or made a hypertable (or found not to be one), by catalog
    // generation: a rollback since may have undone its creation and conversion.
    private final Map<TableId, Long> hypertablesChecked = new HashMap<>();
    private final boolean auto;
    private final List<String> autoTimeColumns;
    private final Map<TableId, HypertableSpec> resolved = new HashMap<>();
    private final Set<TableId> compressionConfirmed = new HashSet<>();
    private final Map<TableId, HypertableFacts> facts = new ConcurrentHashMap<>();

    /**
     * @param hypertables the tables to make hypertables before their first row
     * @param migrateData whether a listed plain table with rows is converted with them
     * @param auto whether tables keyed by a temporal column (or one named in {@code autoTimeColumns})
     *     become hypertables too
     */
    public TargetTables(Catalog catalog, boolean autoCreate, boolean autoEvolve, Map<TableId, HypertableSpec> hypertables,
            boolean migrateData, boolean auto, List<String> autoTimeColumns) {
        this.auto = auto;
        this.autoTimeColumns = List.copyOf(autoTimeColumns);
        this.catalog = catalog;
        this.autoCreate = autoCreate;
        this.autoEvolve = autoEvolve;
        this.hypertables = Map.copyOf(hypertables);
        this.migrateData = migrateData;
    }

    /**
     * @return the table, holding a column for every field of {@code shape}, and a hypertable when
     *     the options list it
     */
    public TableMetadata prepare(Connection connection, TableId table, RecordShape shape) throws SQLException {
        TableMetadata metadata = prepareColumns(connection, table, shape);
        Long checked = hypertablesChecked.get(table);
        if (checked == null || checked != catalog.generation()) {
            HypertableSpec spec = hypertableOf(table, shape);
            if (spec != null) {
                resolved.put(table, spec);
                ensureHypertable(connection, spec);
                readFacts(connection, table);
                metadata = catalog.table(connection, table);
            }
            hypertablesChecked.put(table, catalog.generation());
        }
        return metadata;
    }

    /**
     * Makes the table a hypertable unless it is one: an empty table always, one with rows only with
     * {@code hypertables.migrate.data}. Inside the caller's transaction, so the first rows and the
     * conversion commit together.
     */
    private void ensureHypertable(Connection connection, HypertableSpec spec) throws SQLException {
        TableId table = spec.table();
        if (isHypertable(connection, table)) {
            log.info("Table {} is a hypertable already", table.quoted());
            return;
        }
        lockDdl(connection);
        if (isHypertable(connection, table)) {
            return;
        }
        requireTimeColumnInUniqueIndexes(connection, spec);
        boolean hasRows;
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("SELECT EXISTS (SELECT 1 FROM " + table.quoted() + ")")) {
            rs.next();
            hasRows = rs.getBoolean(1);
        }
        if (hasRows && !migrateData) {
            throw new ConnectException("Target table " + table.quoted() + " is a plain table with rows, and "
                    + HypertableSpec.TABLES_CONFIG + " lists it: set hypertables.migrate.data=true to convert it with its "
                    + "rows (create_hypertable with migrate_data, which locks the table while it copies them), convert "
                    + "it yourself, or empty it");
        }
        try (Statement s = connection.createStatement()) {
            s.execute(spec.createSql(hasRows));
        } catch (SQLException e) {
            throw new ConnectException("Could not make " + table.quoted() + " a hypertable on time column "
                    + spec.timeColumn() + ": " + e.getMessage() + " (SQLState " + e.getSQLState() + "). TimescaleDB "
                    + "needs the time column NOT NULL and in every primary key and unique index of the table; fix the "
                    + "table or the hypertable options of " + table, e);
        }
        catalog.forget(table);
        log.info("Made {} a hypertable on {}{}{}", table.quoted(), spec.timeColumn(),
                spec.chunkInterval() == null ? "" : ", chunks of " + spec.chunkInterval(),
                spec.partitioningColumn() == null ? "" : ", " + spec.partitions() + " partitions by " + spec.partitioningColumn());
    }

    /** TimescaleDB refuses a unique index without the time column; say which ones and the ways out. */
    private static void requireTimeColumnInUniqueIndexes(Connection connection, HypertableSpec spec) throws SQLException {
        List<String> offending = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT i.indexrelid::regclass::text, "
                + "pg_get_indexdef(i.indexrelid) FROM pg_index i WHERE i.indrelid = ?::regclass AND i.indisunique "
                + "AND NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = i.indrelid AND a.attname = ? "
                + "AND a.attnum = ANY (i.indkey::int2[])) ORDER BY 1")) {
            ps.setString(1, spec.table().quoted());
            ps.setString(2, spec.timeColumn());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    offending.add(rs.getString(1) + " (" + rs.getString(2) + ")");
                }
            }
        }
        if (!offending.isEmpty()) {
            throw new ConnectException("Target table " + spec.table().quoted() + " cannot become a hypertable on "
                    + spec.timeColumn() + ": TimescaleDB requires the time column in every primary key and unique "
                    + "index, and these lack it: " + String.join("; ", offending) + ". Add " + spec.timeColumn()
                    + " to them (for the primary key the sink then applies by the source key), drop them, or let "
                    + "the sink create the table, or remove the table from " + HypertableSpec.TABLES_CONFIG);
        }
    }

    private static boolean isHypertable(Connection connection, TableId table) throws SQLException {
        if (!hasTimescale(connection)) {
            throw new ConnectException("Target table " + table.quoted() + " is listed in " + HypertableSpec.TABLES_CONFIG
                    + ", but the target database has no timescaledb extension: CREATE EXTENSION timescaledb there, "
                    + "or remove the table from " + HypertableSpec.TABLES_CONFIG);
        }
        try (PreparedStatement ps = connection.prepareStatement("SELECT count(*) FROM timescaledb_information.hypertables "
                + "WHERE hypertable_schema = ? AND hypertable_name = ?")) {
            ps.setString(1, table.schema());
            ps.setString(2, table.table());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) > 0;
            }
        }
    }

    /** Whether the database has the timescaledb extension. */
    public static boolean hasTimescale(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_extension WHERE extname = 'timescaledb'")) {
            rs.next();
            return rs.getLong(1) > 0;
        }
    }

    private TableMetadata prepareColumns(Connection connection, TableId table, RecordShape shape) throws SQLException {
        TableMetadata metadata = catalog.table(connection, table);
        if (metadata != null && missingColumns(metadata, shape).isEmpty()) {
            return metadata;
        }
        if (metadata == null && !autoCreate) {
            throw missingTable(table);
        }
        // Other tasks may be creating the same table right now, in transactions of their own.
        // Holding the lock, their DDL is committed and visible, so it is read again, not repeated.
        lockDdl(connection);
        catalog.forget(table);
        metadata = catalog.table(connection, table);
        if (metadata == null) {
            if (!autoCreate) {
                throw missingTable(table);
            }
            create(connection, table, shape);
            metadata = catalog.table(connection, table);
            if (metadata == null) {
                throw new ConnectException("Target table " + table.quoted() + " is not there after creating it; "
                        + "PostgreSQL cuts names longer than 63 bytes, so check the length of the schema and table names");
            }
        }
        List<Field> missing = missingColumns(metadata, shape);
        if (!missing.isEmpty()) {
            List<String> names = missing.stream().map(Field::name).toList();
            if (!autoEvolve) {
                throw new ConnectException("Target table " + table.quoted() + " has no column " + String.join(", ", names)
                        + ", which the records carry; add the columns or set auto.evolve=true");
            }
            addColumns(connection, table, missing);
            log.info("Added column(s) {} to table {}", names, table.quoted());
            metadata = catalog.table(connection, table);
        }
        return metadata;
    }

    private static ConnectException missingTable(TableId table) {
        return new ConnectException("Target table " + table.quoted() + " does not exist; create it or set auto.create=true");
    }

    private static List<Field> missingColumns(TableMetadata metadata, RecordShape shape) {
        List<Field> missing = new ArrayList<>();
        for (Field field : shape.columns()) {
            if (metadata.column(field.name()) == null) {
                missing.add(field);
            }
        }
        return missing;
    }

    /**
     * Takes the lock that serializes the sink's DDL across tasks, held until the transaction ends, so
     * a table another task creates is committed before this task looks again. DDL is rare, so one
     * lock for all of it is enough.
     */
    public static void lockDdl(Connection connection) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement(PostgresDialect.lockDdl())) {
            s.setLong(1, DDL_LOCK_KEY);
            s.execute();
        }
    }

    /** Whether the table exists, without creating it. */
    public boolean exists(Connection connection, TableId table) throws SQLException {
        return catalog.table(connection, table) != null;
    }

    private void create(Connection connection, TableId table, RecordShape shape) throws SQLException {
        List<ColumnDefinition> columns = new ArrayList<>();
        for (Field field : shape.columns()) {
            boolean notNull = !field.schema().isOptional() || shape.keyNames().contains(field.name());
            columns.add(new ColumnDefinition(field.name(), columnType(connection, table, field), notNull));
        }
        try (Statement s = connection.createStatement()) {
            if (!catalog.schemaExists(connection, table.schema())) {
                s.execute(PostgresDialect.createSchema(table.schema()));
            }
            s.execute(PostgresDialect.createTable(table, columns, primaryKey(table, shape)));
        }
        catalog.forget(table);
        log.info("Created table {} with {} columns and {}", table.quoted(), columns.size(),
                shape.keyed() ? "primary key (" + String.join(", ", shape.keyNames()) + ")" : "no primary key");
    }

    /**
     * The column's type: the source column's own when it is built in; a type of the source's that
     * is not built in (an enum, a domain, a composite, an extension's type such as hstore or
     * citext) when the target has a type of that name, else an error saying to create it first;
     * without a source type, one derived from the record schema.
     */
    private static String columnType(Connection connection, TableId table, Field field) throws SQLException {
        String builtIn = TypeMapping.fromSourceType(field.schema());
        if (builtIn != null) {
            return builtIn;
        }
        String sourceType = TypeMapping.sourceTypeName(field.schema());
        if (sourceType == null || sourceType.isBlank()) {
            return TypeMapping.fromConnect(field.schema());
        }
        boolean array = sourceType.startsWith("_");
        String element = array ? sourceType.substring(1) : sourceType;
        List<String> found = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT format_type(t.oid, NULL) FROM pg_type t "
                + "JOIN pg_namespace n ON n.oid = t.typnamespace WHERE lower(t.typname) = lower(?) "
                + "AND t.typtype IN ('b', 'c', 'd', 'e', 'r', 'm') AND t.typisdefined "
                + "AND n.nspname NOT LIKE 'pg_toast%' ORDER BY n.nspname = 'pg_catalog' DESC, 1")) {
            ps.setString(1, element);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.add(rs.getString(1));
                }
            }
        }
        if (found.isEmpty()) {
            throw new ConnectException("Column " + field.name() + " of " + table.quoted() + " has the source type "
                    + sourceType.toLowerCase(Locale.ROOT) + ", which the target database does not have: create "
                    + "the type (or the extension that provides it) on the target first, as pg2ts schema does, then "
                    + "restart the sink task");
        }
        if (found.size() > 1 && !found.get(0).equals(element.toLowerCase(Locale.ROOT))) {
            throw new ConnectException("Column " + field.name() + " of " + table.quoted() + " has the source type "
                    + sourceType + ", and the target has several types of that name (" + String.join(", ", found)
                    + "): create the table on the target yourself, with the type you mean");
        }
        return found.get(0) + (array ? "[]" : "");
    }

    /**
     * After a batch of the table is written, in the same transaction: enables the table's
     * compression once its snapshot is applied ({@code snapshotApplied} says whether this batch
     * shows that), never during the bulk load. A table found with compression enabled already,
     * committed before, is not looked at again.
     */
    public void afterBatch(Connection connection, TableId table, BooleanSupplier snapshotApplied) throws SQLException {
        enableCompression(connection, table, snapshotApplied);
        if (resolved.containsKey(table)) {
            readFacts(connection, table);
        }
    }

    /** The facts of every hypertable this task writes to, as of its last batch (safe from any thread). */
    public Map<TableId, HypertableFacts> hypertableFacts() {
        return Map.copyOf(facts);
    }

    private void readFacts(Connection connection, TableId table) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT coalesce((SELECT (extract(epoch FROM d.time_interval) "
                + "* 1000)::bigint FROM timescaledb_information.dimensions d WHERE d.hypertable_schema = h.hypertable_schema "
                + "AND d.hypertable_name = h.hypertable_name AND d.dimension_number = 1), -1), "
                + "(SELECT count(*) FROM timescaledb_information.chunks c WHERE c.hypertable_schema = h.hypertable_schema "
                + "AND c.hypertable_name = h.hypertable_name), h.compression_enabled "
                + "FROM timescaledb_information.hypertables h WHERE h.hypertable_schema = ? AND h.hypertable_name = ?")) {
            ps.setString(1, table.schema());
            ps.setString(2, table.table());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return;
                }
                HypertableFacts before = facts.get(table);
                long chunks = rs.getLong(2);
                facts.put(table, new HypertableFacts(table, rs.getLong(1), before == null ? chunks : before.chunksAtStart(),
                        chunks, rs.getBoolean(3)));
            }
        }
    }

    private void enableCompression(Connection connection, TableId table, BooleanSupplier snapshotApplied)
            throws SQLException {
        HypertableSpec spec = resolved.get(table);
        if (spec == null || spec.compression() == null || compressionConfirmed.contains(table)
                || !snapshotApplied.getAsBoolean()) {
            return;
        }
        try (PreparedStatement ps = connection.prepareStatement("SELECT compression_enabled FROM "
                + "timescaledb_information.hypertables WHERE hypertable_schema = ? AND hypertable_name = ?")) {
            ps.setString(1, table.schema());
            ps.setString(2, table.table());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next() && rs.getBoolean(1)) {
                    compressionConfirmed.add(table);
                    return;
                }
            }
        }
        try (Statement s = connection.createStatement()) {
            for (String sql : spec.compression().sql(table)) {
                s.execute(sql);
            }
        } catch (SQLException e) {
            throw new ConnectException("Could not enable compression on " + table.quoted() + ": " + e.getMessage()
                    + " (SQLState " + e.getSQLState() + "); check the hypertable.<table>.compress.* options of " + table, e);
        }
        log.info("Snapshot of {} applied: compression enabled (segment by '{}', order by '{}'){}", table.quoted(),
                spec.compression().segmentBy(), spec.compression().orderBy(),
                spec.compression().after() == null ? "" : ", policy after " + spec.compression().after());
    }

    /** The table's hypertable options: listed ones, else with the auto mode those its record key implies, else null. */
    private HypertableSpec hypertableOf(TableId table, RecordShape shape) {
        HypertableSpec listed = hypertables.get(table);
        if (listed != null || !auto || !shape.keyed()) {
            return listed;
        }
        for (String key : shape.keyNames()) {
            Field field = shape.columns().stream().filter(f -> f.name().equals(key)).findFirst().orElse(null);
            String sourceType = field == null ? null : TypeMapping.sourceTypeName(field.schema());
            boolean temporal = sourceType != null && TEMPORAL.contains(sourceType.toUpperCase(Locale.ROOT));
            if (temporal || autoTimeColumns.contains(key)) {
                return new HypertableSpec(table, key, null, null, null, true);
            }
        }
        return null;
    }

    private static final Set<String> TEMPORAL = Set.of("TIMESTAMPTZ", "TIMESTAMP", "DATE");

    /**
     * The record key, and for a hypertable whose time column or space partitioning column the key
     * lacks, the key and those columns: TimescaleDB requires every partitioning column in every
     * primary key. The sink then applies such a table by the record key (ChangeApplier), so a
     * source key still has one row.
     */
    private List<String> primaryKey(TableId table, RecordShape shape) {
        HypertableSpec spec = hypertableOf(table, shape);
        if (spec == null || !shape.keyed()) {
            return shape.keyNames();
        }
        List<String> key = new ArrayList<>(shape.keyNames());
        for (String column : new String[] {spec.timeColumn(), spec.partitioningColumn()}) {
            if (column != null && !key.contains(column)) {
                key.add(column);
            }
        }
        return key;
    }

    // New columns are nullable: rows already in the table have no value for them.
    private void addColumns(Connection connection, TableId table, List<Field> fields) throws SQLException {
        try (Statement s = connection.createStatement()) {
            for (Field field : fields) {
                s.execute(PostgresDialect.addColumn(table,
                        new ColumnDefinition(field.name(), columnType(connection, table, field), false)));
            }
        }
        catalog.forget(table);
    }
}
