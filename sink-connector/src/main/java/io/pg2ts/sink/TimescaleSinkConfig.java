package io.pg2ts.sink;

import io.pg2ts.common.HypertableSpec;
import io.pg2ts.common.TableId;
import io.pg2ts.sink.record.TableNameFormat;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.NonEmptyString;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * Configuration of the pg2ts TimescaleDB sink connector: the target connection, how target
 * tables are named, created and evolved, how changes are batched, where the applied offsets are
 * kept, and how transient failures are retried.
 *
 * <p>The schema {@code offsets.schema} holds two tables the sink creates when missing, both written
 * in the transaction of the rows they cover: {@code sink_offsets}, the next Kafka offset per
 * connector, topic and partition; and {@code sink_tables}, the changes applied per connector, target
 * table and task (cumulative {@code snapshot_rows}, {@code inserted}, {@code updated}, {@code deleted},
 * {@code truncated}; {@code snapshot_done}; {@code newest_source_ts}), which {@code pg2ts status}
 * reads. See {@link io.pg2ts.sink.apply.ProgressStore}.
 */
public final class TimescaleSinkConfig extends AbstractConfig {

    // Kafka Connect's own error-handling option: read, not defined, by this connector.
    static final String ERRORS_TOLERANCE_PROPERTY = "errors.tolerance";
    // Put into every connector configuration by Connect; the task configurations are copies.
    static final String CONNECTOR_NAME_PROPERTY = "name";
    // Internal: set by the connector in each task's copy of the configuration, never by users.
    static final String TASK_ID_PROPERTY = "pg2ts.task.id";

    private static final String CONNECTION_GROUP = "Connection";
    private static final String TABLES_GROUP = "Tables";
    private static final String BATCHING_GROUP = "Batching";
    private static final String EXACTLY_ONCE_GROUP = "Exactly once";
    private static final String RETRIES_GROUP = "Retries";

    static final String JDBC_URL_PREFIX = "jdbc:postgresql://";

    public static final String CONNECTION_URL_CONFIG = "connection.url";
    public static final String CONNECTION_URL_DOC = "JDBC URL of the target TimescaleDB or PostgreSQL database, "
            + "jdbc:postgresql://host:port/database, optionally with pgjdbc parameters (?sslmode=require).";

    public static final String CONNECTION_USER_CONFIG = "connection.user";
    public static final String CONNECTION_USER_DOC = "Role to connect as. It needs INSERT, UPDATE, DELETE and "
            + "TRUNCATE on the target tables and, for auto.create and auto.evolve, CREATE on the database and "
            + "ownership of the tables it alters.";

    public static final String CONNECTION_PASSWORD_CONFIG = "connection.password";
    public static final String CONNECTION_PASSWORD_DOC = "Password of the role; empty when the server does not ask for one.";
    public static final String CONNECTION_PASSWORD_DEFAULT = "";

    public static final String TABLE_NAME_FORMAT_CONFIG = "table.name.format";
    public static final String TABLE_NAME_FORMAT_DOC = "Target table of each change event, as schema.table with "
            + "the placeholders ${topic}, ${schema} and ${table} (schema and table from the event's source block). "
            + "Double quotes keep dots in a part: \"${schema}\".\"${table}\". A format without a schema part "
            + "names a table in schema public.";
    public static final String TABLE_NAME_FORMAT_DEFAULT = "${schema}.${table}";

    public static final String AUTO_CREATE_CONFIG = "auto.create";
    public static final String AUTO_CREATE_DOC = "Create a missing target table (and its schema) from the record "
            + "schema: the source's column types where the source propagates them, the record key as primary key.";
    public static final boolean AUTO_CREATE_DEFAULT = true;

    public static final String AUTO_EVOLVE_CONFIG = "auto.evolve";
    public static final String AUTO_EVOLVE_DOC = "Add a nullable column to the target table when records carry a "
            + "field the table does not have. When false, such a record fails the task.";
    public static final boolean AUTO_EVOLVE_DEFAULT = true;

    public static final String HYPERTABLES_CONFIG = HypertableSpec.TABLES_CONFIG;
    public static final String HYPERTABLES_DOC = "Target tables (schema.table, comma-separated) the sink makes "
            + "TimescaleDB hypertables before their first row lands: a table it creates right after creating it, an "
            + "existing empty plain table at its first batch. Per table: hypertable.<table>.time.column (required), "
            + "hypertable.<table>.chunk.interval (a PostgreSQL interval; default TimescaleDB's, 7 days), "
            + "hypertable.<table>.partitioning.column and hypertable.<table>.partitions (an optional space dimension), "
            + "hypertable.<table>.create.default.indexes (default true); compression, set once the table's snapshot "
            + "is applied: hypertable.<table>.compress.segmentby, hypertable.<table>.compress.orderby (\"ts DESC\") and "
            + "hypertable.<table>.compress.after (an interval: a compression policy). Needs the timescaledb extension on the "
            + "target. TimescaleDB requires every primary key and unique index of a hypertable to contain the time "
            + "column.";
    public static final String HYPERTABLES_DEFAULT = "";

    public static final String HYPERTABLES_MIGRATE_DATA_CONFIG = "hypertables.migrate.data";
    public static final String HYPERTABLES_MIGRATE_DATA_DOC = "Convert an existing plain table listed in hypertables "
            + "that already holds rows, moving them into chunks (create_hypertable's migrate_data: it locks the table "
            + "and takes long on large ones). When false, such a table stops the task with a message.";
    public static final boolean HYPERTABLES_MIGRATE_DATA_DEFAULT = false;

    public static final String HYPERTABLES_AUTO_CONFIG = "hypertables.auto";
    public static final String HYPERTABLES_AUTO_DOC = "Also make a hypertable of every other table whose record key "
            + "holds a timestamptz, timestamp or date column (by the source column type the source propagates), or a "
            + "column named in hypertables.auto.time.columns: the first such key column is the time column, with "
            + "TimescaleDB's default chunk interval (7 days) and default indexes. Keyless tables stay plain. The "
            + "rules of hypertables apply (empty tables only, unless hypertables.migrate.data).";
    public static final boolean HYPERTABLES_AUTO_DEFAULT = false;

    public static final String HYPERTABLES_AUTO_TIME_COLUMNS_CONFIG = "hypertables.auto.time.columns";
    public static final String HYPERTABLES_AUTO_TIME_COLUMNS_DOC = "Key column names that hypertables.auto takes as "
            + "the time column whatever their type, e.g. for records without propagated source types. Their type "
            + "must be one TimescaleDB partitions by an interval (timestamptz, timestamp, date).";
    public static final String HYPERTABLES_AUTO_TIME_COLUMNS_DEFAULT = "";

    public static final String BATCH_MAX_ROWS_CONFIG = "batch.max.rows";
    public static final String BATCH_MAX_ROWS_DOC = "Changes a task holds in memory before it writes them to the "
            + "target in one transaction. Repeated changes of one key count once, as only the last is kept. Each "
            + "held change keeps its Kafka record in the worker's heap until its transaction commits; larger "
            + "batches save round trips to a distant target but cost the worker garbage collection.";
    public static final int BATCH_MAX_ROWS_DEFAULT = 2_000;

    public static final String BATCH_MAX_BYTES_CONFIG = "batch.max.bytes";
    public static final String BATCH_MAX_BYTES_DOC = "Size of the changes a task holds in memory before it writes "
            + "them, counted roughly as the text of their values. Together with batch.max.rows this bounds the "
            + "memory of a task: while it writes, it takes no new records from Kafka.";
    public static final long BATCH_MAX_BYTES_DEFAULT = 64L * 1024 * 1024;

    public static final String BATCH_LINGER_MS_CONFIG = "batch.linger.ms";
    public static final String BATCH_LINGER_MS_DOC = "Longest time a change waits in memory for more changes "
            + "before it is written, in milliseconds; 0 writes at the end of every batch Connect delivers.";
    public static final long BATCH_LINGER_MS_DEFAULT = 100L;

    public static final String APPLY_COPY_CONFIG = "apply.copy";
    public static final String APPLY_COPY_DOC = "Load batches that only insert rows (snapshot rows, inserts into "
            + "tables without key) with COPY, which is faster than INSERT. Turn off for servers or proxies that do "
            + "not support COPY FROM STDIN.";
    public static final boolean APPLY_COPY_DEFAULT = true;

    public static final String OFFSETS_SCHEMA_CONFIG = "offsets.schema";
    public static final String OFFSETS_SCHEMA_DOC = "Schema of the tables sink_offsets and sink_tables on the "
            + "target. sink_offsets stores the Kafka offsets of the applied changes, per connector name, topic and "
            + "partition, in the same transaction as the rows, so each change is applied exactly once; sink_tables "
            + "counts the changes applied per target table in that transaction (pg2ts status reads it). Created "
            + "when missing, which needs CREATE on the database; otherwise create them beforehand.";
    public static final String OFFSETS_SCHEMA_DEFAULT = "pg2ts";

    public static final String MAX_RETRIES_CONFIG = "max.retries";
    public static final String MAX_RETRIES_DOC = "How many times in a row a batch is retried after a transient "
            + "failure (lost connection, deadlock, serialization failure, server shutdown) before the task fails.";
    public static final int MAX_RETRIES_DEFAULT = 10;

    public static final String RETRY_BACKOFF_MS_CONFIG = "retry.backoff.ms";
    public static final String RETRY_BACKOFF_MS_DOC = "Wait before retrying a batch after a transient failure, in milliseconds.";
    public static final long RETRY_BACKOFF_MS_DEFAULT = 3000L;

    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(CONNECTION_URL_CONFIG, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new JdbcUrlValidator(),
                    Importance.HIGH, CONNECTION_URL_DOC, CONNECTION_GROUP, 1, Width.LONG, "JDBC URL")
            .define(CONNECTION_USER_CONFIG, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new NonEmptyString(),
                    Importance.HIGH, CONNECTION_USER_DOC, CONNECTION_GROUP, 2, Width.MEDIUM, "User")
            .define(CONNECTION_PASSWORD_CONFIG, Type.PASSWORD, CONNECTION_PASSWORD_DEFAULT,
                    Importance.HIGH, CONNECTION_PASSWORD_DOC, CONNECTION_GROUP, 3, Width.MEDIUM, "Password")
            .define(TABLE_NAME_FORMAT_CONFIG, Type.STRING, TABLE_NAME_FORMAT_DEFAULT, new TableNameFormatValidator(),
                    Importance.MEDIUM, TABLE_NAME_FORMAT_DOC, TABLES_GROUP, 1, Width.LONG, "Table name format")
            .define(AUTO_CREATE_CONFIG, Type.BOOLEAN, AUTO_CREATE_DEFAULT,
                    Importance.MEDIUM, AUTO_CREATE_DOC, TABLES_GROUP, 2, Width.SHORT, "Create missing tables")
            .define(AUTO_EVOLVE_CONFIG, Type.BOOLEAN, AUTO_EVOLVE_DEFAULT,
                    Importance.MEDIUM, AUTO_EVOLVE_DOC, TABLES_GROUP, 3, Width.SHORT, "Add missing columns")
            .define(HYPERTABLES_CONFIG, Type.STRING, HYPERTABLES_DEFAULT,
                    Importance.MEDIUM, HYPERTABLES_DOC, TABLES_GROUP, 4, Width.LONG, "Hypertables")
            .define(HYPERTABLES_MIGRATE_DATA_CONFIG, Type.BOOLEAN, HYPERTABLES_MIGRATE_DATA_DEFAULT,
                    Importance.LOW, HYPERTABLES_MIGRATE_DATA_DOC, TABLES_GROUP, 5, Width.SHORT, "Convert tables with rows")
            .define(HYPERTABLES_AUTO_CONFIG, Type.BOOLEAN, HYPERTABLES_AUTO_DEFAULT,
                    Importance.MEDIUM, HYPERTABLES_AUTO_DOC, TABLES_GROUP, 6, Width.SHORT, "Automatic hypertables")
            .define(HYPERTABLES_AUTO_TIME_COLUMNS_CONFIG, Type.LIST, HYPERTABLES_AUTO_TIME_COLUMNS_DEFAULT,
                    Importance.LOW, HYPERTABLES_AUTO_TIME_COLUMNS_DOC, TABLES_GROUP, 7, Width.MEDIUM, "Time column names")
            .define(BATCH_MAX_ROWS_CONFIG, Type.INT, BATCH_MAX_ROWS_DEFAULT, Range.atLeast(1),
                    Importance.MEDIUM, BATCH_MAX_ROWS_DOC, BATCHING_GROUP, 1, Width.SHORT, "Maximum rows per batch")
            .define(BATCH_MAX_BYTES_CONFIG, Type.LONG, BATCH_MAX_BYTES_DEFAULT, Range.atLeast(1024),
                    Importance.MEDIUM, BATCH_MAX_BYTES_DOC, BATCHING_GROUP, 2, Width.SHORT, "Maximum bytes per batch")
            .define(BATCH_LINGER_MS_CONFIG, Type.LONG, BATCH_LINGER_MS_DEFAULT, Range.atLeast(0),
                    Importance.MEDIUM, BATCH_LINGER_MS_DOC, BATCHING_GROUP, 3, Width.SHORT, "Linger (ms)")
            .define(APPLY_COPY_CONFIG, Type.BOOLEAN, APPLY_COPY_DEFAULT,
                    Importance.LOW, APPLY_COPY_DOC, BATCHING_GROUP, 4, Width.SHORT, "Use COPY")
            .define(OFFSETS_SCHEMA_CONFIG, Type.STRING, OFFSETS_SCHEMA_DEFAULT, new NonEmptyString(),
                    Importance.LOW, OFFSETS_SCHEMA_DOC, EXACTLY_ONCE_GROUP, 1, Width.MEDIUM, "Offsets schema")
            .define(MAX_RETRIES_CONFIG, Type.INT, MAX_RETRIES_DEFAULT, Range.atLeast(0),
                    Importance.LOW, MAX_RETRIES_DOC, RETRIES_GROUP, 1, Width.SHORT, "Maximum retries")
            .define(RETRY_BACKOFF_MS_CONFIG, Type.LONG, RETRY_BACKOFF_MS_DEFAULT, Range.atLeast(0),
                    Importance.LOW, RETRY_BACKOFF_MS_DOC, RETRIES_GROUP, 2, Width.SHORT, "Retry back-off (ms)");

    private final String connectionUrl;
    private final String connectionUser;
    private final Password connectionPassword;
    private final TableNameFormat tableNameFormat;
    private final boolean autoCreate;
    private final boolean autoEvolve;
    private final int batchMaxRows;
    private final long batchMaxBytes;
    private final Duration batchLinger;
    private final boolean applyCopy;
    private final TableId offsetsTable;
    private final int maxRetries;
    private final Duration retryBackoff;
    private final boolean toleratesAllErrors;
    private final String connectorName;
    private final String taskId;
    private final Map<TableId, HypertableSpec> hypertables;
    private final boolean hypertablesMigrateData;
    private final boolean hypertablesAuto;
    private final List<String> hypertablesAutoTimeColumns;

    public TimescaleSinkConfig(Map<String, String> props) {
        super(CONFIG_DEF, props);
        connectionUrl = getString(CONNECTION_URL_CONFIG);
        connectionUser = getString(CONNECTION_USER_CONFIG);
        connectionPassword = getPassword(CONNECTION_PASSWORD_CONFIG);
        tableNameFormat = TableNameFormat.parse(getString(TABLE_NAME_FORMAT_CONFIG));
        autoCreate = getBoolean(AUTO_CREATE_CONFIG);
        autoEvolve = getBoolean(AUTO_EVOLVE_CONFIG);
        HypertableSpec.Parsed parsed = HypertableSpec.parse(props);
        if (!parsed.problems().isEmpty()) {
            throw new ConfigException(String.join("; ", parsed.problems()));
        }
        hypertables = parsed.specs();
        hypertablesMigrateData = getBoolean(HYPERTABLES_MIGRATE_DATA_CONFIG);
        hypertablesAuto = getBoolean(HYPERTABLES_AUTO_CONFIG);
        hypertablesAutoTimeColumns = getList(HYPERTABLES_AUTO_TIME_COLUMNS_CONFIG).stream().map(String::strip)
                .filter(c -> !c.isEmpty()).toList();
        batchMaxRows = getInt(BATCH_MAX_ROWS_CONFIG);
        batchMaxBytes = getLong(BATCH_MAX_BYTES_CONFIG);
        batchLinger = Duration.ofMillis(getLong(BATCH_LINGER_MS_CONFIG));
        applyCopy = getBoolean(APPLY_COPY_CONFIG);
        offsetsTable = new TableId(getString(OFFSETS_SCHEMA_CONFIG).strip(), "sink_offsets");
        maxRetries = getInt(MAX_RETRIES_CONFIG);
        retryBackoff = Duration.ofMillis(getLong(RETRY_BACKOFF_MS_CONFIG));
        toleratesAllErrors = "all".equalsIgnoreCase(String.valueOf(props.get(ERRORS_TOLERANCE_PROPERTY)).strip());
        String name = props.get(CONNECTOR_NAME_PROPERTY);
        connectorName = name == null || name.isBlank() ? null : name.strip();
        String id = props.get(TASK_ID_PROPERTY);
        taskId = id == null || id.isBlank() ? "0" : id.strip();
    }

    public String connectionUrl() {
        return connectionUrl;
    }

    public String connectionUser() {
        return connectionUser;
    }

    public Password connectionPassword() {
        return connectionPassword;
    }

    public TableNameFormat tableNameFormat() {
        return tableNameFormat;
    }

    public boolean autoCreate() {
        return autoCreate;
    }

    public boolean autoEvolve() {
        return autoEvolve;
    }

    /** The tables to make hypertables, by target table. */
    public Map<TableId, HypertableSpec> hypertables() {
        return hypertables;
    }

    public boolean hypertablesMigrateData() {
        return hypertablesMigrateData;
    }

    /** With {@link #hypertablesAuto()}: the key column names taken as time columns whatever their type. */
    public List<String> hypertablesAutoTimeColumns() {
        return hypertablesAutoTimeColumns;
    }

    public boolean hypertablesAuto() {
        return hypertablesAuto;
    }

    public int batchMaxRows() {
        return batchMaxRows;
    }

    public long batchMaxBytes() {
        return batchMaxBytes;
    }

    public Duration batchLinger() {
        return batchLinger;
    }

    public boolean applyCopy() {
        return applyCopy;
    }

    /** {@code <offsets.schema>.sink_offsets}; {@code <offsets.schema>.sink_tables} is next to it. */
    public TableId offsetsTable() {
        return offsetsTable;
    }

    /** The connector's name, from the {@code name} Connect puts into every connector configuration; null when absent. */
    public String connectorName() {
        return connectorName;
    }

    /** The task's number among the connector's tasks, set by the connector; "0" when absent. */
    public String taskId() {
        return taskId;
    }

    public int maxRetries() {
        return maxRetries;
    }

    public Duration retryBackoff() {
        return retryBackoff;
    }

    /** Whether Connect is set to tolerate bad records ({@code errors.tolerance=all}), so they may be reported and skipped. */
    public boolean toleratesAllErrors() {
        return toleratesAllErrors;
    }

    private static final class JdbcUrlValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            if (value == null) {
                return;
            }
            String url = ((String) value).strip();
            if (!url.startsWith(JDBC_URL_PREFIX) || url.length() == JDBC_URL_PREFIX.length()) {
                throw new ConfigException(name, value, "must be a PostgreSQL JDBC URL: " + JDBC_URL_PREFIX + "host:port/database");
            }
        }

        @Override
        public String toString() {
            return JDBC_URL_PREFIX + "host:port/database";
        }
    }

    private static final class TableNameFormatValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            try {
                TableNameFormat.parse((String) value);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(name, value, e.getMessage());
            }
        }

        @Override
        public String toString() {
            return "schema.table with ${topic}, ${schema}, ${table}";
        }
    }
}
