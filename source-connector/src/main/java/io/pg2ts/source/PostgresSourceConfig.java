package io.pg2ts.source;

import io.pg2ts.common.ReplicationNames;
import io.pg2ts.common.TableId;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * Configuration of the pg2ts source connector: connection, tables, replication, and the
 * {@code debezium.*} escape hatch. Every option has a migration default; {@link DebeziumConfig}
 * turns it into the configuration of Debezium's PostgreSQL connector.
 */
public final class PostgresSourceConfig extends AbstractConfig {

    /** The property Kafka Connect sets to the connector's name; slot and publication names derive from it. */
    public static final String CONNECTOR_NAME_PROPERTY = "name";

    /** Properties with this prefix go to Debezium unchanged, without the prefix. */
    public static final String DEBEZIUM_PREFIX = "debezium.";

    private static final String CONNECTION_GROUP = "Connection";
    private static final String TABLES_GROUP = "Tables";
    private static final String REPLICATION_GROUP = "Replication";
    private static final String ADVANCED_GROUP = "Advanced";

    public static final String HOSTNAME_CONFIG = "database.hostname";
    public static final String HOSTNAME_DOC = "Host name or IP address of the source PostgreSQL server.";

    public static final String PORT_CONFIG = "database.port";
    public static final String PORT_DOC = "Port of the source PostgreSQL server.";
    public static final int PORT_DEFAULT = 5432;

    public static final String USER_CONFIG = "database.user";
    public static final String USER_DOC = "Role to connect as. It needs the REPLICATION attribute (on Amazon RDS: "
            + "membership in rds_replication), SELECT on every captured table, and, unless the publication "
            + "already exists with exactly the captured tables, ownership of those tables and CREATE on the database.";

    public static final String PASSWORD_CONFIG = "database.password";
    public static final String PASSWORD_DOC = "Password of the role; empty when the server does not ask for one.";
    public static final String PASSWORD_DEFAULT = "";

    public static final String DBNAME_CONFIG = "database.dbname";
    public static final String DBNAME_DOC = "Database to migrate. One connector captures one database.";

    public static final String SSLMODE_CONFIG = "database.sslmode";
    public static final String SSLMODE_DOC = "TLS mode of the connection, as libpq's sslmode: disable, allow, prefer, "
            + "require, verify-ca or verify-full. Certificates and keys: debezium.database.sslrootcert, "
            + "debezium.database.sslcert, debezium.database.sslkey.";
    public static final String SSLMODE_DEFAULT = "prefer";

    public static final String TOPIC_PREFIX_CONFIG = "topic.prefix";
    public static final String TOPIC_PREFIX_DOC = "Prefix of the Kafka topics: each table's changes go to the "
            + "topic named prefix.schema.table (shop.public.orders for prefix shop). Unique per source database; "
            + "letters, digits, '.', '_' and '-'.";

    public static final String TABLE_INCLUDE_LIST_CONFIG = "table.include.list";
    public static final String TABLE_INCLUDE_LIST_DOC = "Tables to migrate, as schema.table (a name without schema "
            + "means public.table; double quotes keep case and dots: \"My.Schema\".\"Tab\"). Names are exact, "
            + "not patterns; a name cannot contain a comma, which separates the entries. Empty: every table of every schema except pg_catalog, information_schema, pg_toast, "
            + "temporary schemas and TimescaleDB's internal schemas (_timescaledb_*, timescaledb_information, "
            + "timescaledb_experimental, toolkit_experimental).";
    public static final String TABLE_INCLUDE_LIST_DEFAULT = "";

    public static final String SLOT_NAME_CONFIG = "slot.name";
    public static final String SLOT_NAME_DOC = "Logical replication slot. Default: pg2ts_ followed by the connector "
            + "name in lower case with every character other than a-z, 0-9 and _ replaced by _, cut to 63 bytes. "
            + "Explicit names: 1 to 63 of a-z, 0-9 and _.";

    public static final String PUBLICATION_NAME_CONFIG = "publication.name";
    public static final String PUBLICATION_NAME_DOC = "Publication the slot decodes with pgoutput, created (or updated) "
            + "with exactly the captured tables. Default: the derived slot name (see slot.name). Explicit names: "
            + "a-z or _ followed by up to 62 of a-z, 0-9 and _.";

    public static final String SNAPSHOT_MODE_CONFIG = "snapshot.mode";
    public static final String SNAPSHOT_MODE_DOC = "initial: copy every table, then stream changes from the snapshot's "
            + "position (a restart with stored offsets streams on); no_data: stream changes only; when_needed: "
            + "snapshot again whenever the stored position is no longer available in the slot; initial_only: copy "
            + "the tables and stop.";
    public static final String SNAPSHOT_MODE_DEFAULT = "initial";

    public static final String HEARTBEAT_INTERVAL_MS_CONFIG = "heartbeat.interval.ms";
    public static final String HEARTBEAT_INTERVAL_MS_DOC = "Interval of heartbeat records (topic "
            + "__debezium-heartbeat.shop for prefix shop). They let the slot advance while the captured tables are idle "
            + "but the server writes WAL, so the slot does not pin WAL on disk. 0 disables them.";
    public static final long HEARTBEAT_INTERVAL_MS_DEFAULT = 10_000L;

    public static final String SNAPSHOT_MAX_THREADS_CONFIG = "snapshot.max.threads";
    public static final String SNAPSHOT_MAX_THREADS_DOC = "Tables copied in parallel during the snapshot, each over "
            + "its own connection to the source.";
    public static final int SNAPSHOT_MAX_THREADS_DEFAULT = 1;

    public static final String SLOT_DROP_ON_STOP_CONFIG = "slot.drop.on.stop";
    public static final String SLOT_DROP_ON_STOP_DOC = "Drop the replication slot when the task stops in an orderly "
            + "way. Keep false during a migration: a dropped slot forces a new snapshot on restart. Useful for tests.";
    public static final boolean SLOT_DROP_ON_STOP_DEFAULT = false;

    public static final String MAX_UNACKNOWLEDGED_RECORDS_CONFIG = "max.unacknowledged.records";
    public static final String MAX_UNACKNOWLEDGED_RECORDS_DOC = "Records the task has handed to Kafka Connect that "
            + "Kafka has not yet acknowledged. At this bound the task reads no more changes until Kafka catches up. "
            + "Connect holds each such record in the worker's heap (a few kB with its schema) until Kafka "
            + "acknowledges it, and the producer's buffer.memory alone does not bound that when records are small "
            + "on the wire (the pg2ts converter): this bound keeps the worker's heap small whatever the converter.";
    public static final int MAX_UNACKNOWLEDGED_RECORDS_DEFAULT = 10_000;

    /** PostgreSQL's limit on identifier and slot names, in bytes. */
    static final int MAX_NAME_BYTES = ReplicationNames.MAX_NAME_BYTES;

    private static final Pattern SLOT_NAME = Pattern.compile("[a-z0-9_]{1,63}");
    private static final Pattern PUBLICATION_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final Pattern TOPIC_PREFIX = Pattern.compile("[A-Za-z0-9._-]{1,200}");

    public static final ConfigDef CONFIG_DEF = configDef();

    /** Snapshot behaviours pg2ts offers; the value is Debezium's name for it. */
    public enum SnapshotMode {
        INITIAL, NO_DATA, WHEN_NEEDED, INITIAL_ONLY;

        public String value() {
            return name().toLowerCase(Locale.ROOT);
        }

        static SnapshotMode of(String value) {
            return valueOf(value.toUpperCase(Locale.ROOT));
        }
    }

    private final String connectorName;
    private final String hostname;
    private final int port;
    private final String user;
    private final Password password;
    private final String dbname;
    private final String sslMode;
    private final String topicPrefix;
    private final List<TableId> tableIncludeList;
    private final String slotName;
    private final String publicationName;
    private final SnapshotMode snapshotMode;
    private final Duration heartbeatInterval;
    private final int snapshotMaxThreads;
    private final boolean slotDropOnStop;
    private final Map<String, String> passThrough;

    /**
     * Parses and validates the connector properties.
     *
     * @throws ConfigException when a value is invalid, or slot or publication name can be neither
     *     read nor derived (no {@code name} property)
     */
    public PostgresSourceConfig(Map<?, ?> props) {
        super(CONFIG_DEF, props, false);
        Object name = originals().get(CONNECTOR_NAME_PROPERTY);
        connectorName = name == null ? null : name.toString();
        hostname = getString(HOSTNAME_CONFIG);
        port = getInt(PORT_CONFIG);
        user = getString(USER_CONFIG);
        password = getPassword(PASSWORD_CONFIG);
        dbname = getString(DBNAME_CONFIG);
        sslMode = getString(SSLMODE_CONFIG);
        topicPrefix = getString(TOPIC_PREFIX_CONFIG);
        tableIncludeList = getList(TABLE_INCLUDE_LIST_CONFIG).stream().map(TableId::parse).distinct().toList();
        slotName = nameOrDerived(SLOT_NAME_CONFIG);
        publicationName = nameOrDerived(PUBLICATION_NAME_CONFIG);
        snapshotMode = SnapshotMode.of(getString(SNAPSHOT_MODE_CONFIG));
        heartbeatInterval = Duration.ofMillis(getLong(HEARTBEAT_INTERVAL_MS_CONFIG));
        snapshotMaxThreads = getInt(SNAPSHOT_MAX_THREADS_CONFIG);
        slotDropOnStop = getBoolean(SLOT_DROP_ON_STOP_CONFIG);
        passThrough = passThrough(originalsStrings());
    }

    private String nameOrDerived(String key) {
        String explicit = getString(key);
        if (explicit != null && !explicit.isEmpty()) {
            return explicit;
        }
        if (connectorName == null || connectorName.isBlank()) {
            throw new ConfigException(key, null, "set " + key
                    + " explicitly: it is derived from the connector's name, and this configuration has none");
        }
        return derivedName(connectorName);
    }

    /**
     * The default slot and publication name for a connector: {@code pg2ts_} followed by the name
     * in lower case, every character other than a-z, 0-9 and _ replaced by _, at most 63 bytes.
     */
    public static String derivedName(String connectorName) {
        return ReplicationNames.derived(connectorName);
    }

    private static Map<String, String> passThrough(Map<String, String> originals) {
        Map<String, String> result = new LinkedHashMap<>();
        originals.forEach((key, value) -> {
            if (key.startsWith(DEBEZIUM_PREFIX) && key.length() > DEBEZIUM_PREFIX.length()) {
                result.put(key.substring(DEBEZIUM_PREFIX.length()), value);
            }
        });
        return Map.copyOf(result);
    }

    private static ConfigDef configDef() {
        ConfigDef def = new ConfigDef();
        int order = 0;
        def.define(HOSTNAME_CONFIG, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyStringWithoutControlChars(),
                Importance.HIGH, HOSTNAME_DOC, CONNECTION_GROUP, ++order, Width.MEDIUM, "Host");
        def.define(PORT_CONFIG, Type.INT, PORT_DEFAULT, Range.between(1, 65535),
                Importance.HIGH, PORT_DOC, CONNECTION_GROUP, ++order, Width.SHORT, "Port");
        def.define(USER_CONFIG, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(),
                Importance.HIGH, USER_DOC, CONNECTION_GROUP, ++order, Width.MEDIUM, "User");
        def.define(PASSWORD_CONFIG, Type.PASSWORD, PASSWORD_DEFAULT,
                Importance.HIGH, PASSWORD_DOC, CONNECTION_GROUP, ++order, Width.MEDIUM, "Password");
        def.define(DBNAME_CONFIG, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(),
                Importance.HIGH, DBNAME_DOC, CONNECTION_GROUP, ++order, Width.MEDIUM, "Database");
        def.define(SSLMODE_CONFIG, Type.STRING, SSLMODE_DEFAULT,
                ValidString.in("disable", "allow", "prefer", "require", "verify-ca", "verify-full"),
                Importance.MEDIUM, SSLMODE_DOC, CONNECTION_GROUP, ++order, Width.SHORT, "SSL mode");

        order = 0;
        def.define(TOPIC_PREFIX_CONFIG, Type.STRING, ConfigDef.NO_DEFAULT_VALUE,
                matching(TOPIC_PREFIX, "1 to 200 letters, digits, '.', '_' or '-'"),
                Importance.HIGH, TOPIC_PREFIX_DOC, TABLES_GROUP, ++order, Width.MEDIUM, "Topic prefix");
        def.define(TABLE_INCLUDE_LIST_CONFIG, Type.LIST, TABLE_INCLUDE_LIST_DEFAULT, new TableListValidator(),
                Importance.HIGH, TABLE_INCLUDE_LIST_DOC, TABLES_GROUP, ++order, Width.LONG, "Tables");

        order = 0;
        def.define(SLOT_NAME_CONFIG, Type.STRING, null,
                optionalMatching(SLOT_NAME, "1 to 63 characters, each a-z, 0-9 or _"),
                Importance.MEDIUM, SLOT_NAME_DOC, REPLICATION_GROUP, ++order, Width.MEDIUM, "Slot");
        def.define(PUBLICATION_NAME_CONFIG, Type.STRING, null,
                optionalMatching(PUBLICATION_NAME, "a-z or _, then up to 62 characters, each a-z, 0-9 or _"),
                Importance.MEDIUM, PUBLICATION_NAME_DOC, REPLICATION_GROUP, ++order, Width.MEDIUM, "Publication");
        def.define(SNAPSHOT_MODE_CONFIG, Type.STRING, SNAPSHOT_MODE_DEFAULT,
                ValidString.in("initial", "no_data", "when_needed", "initial_only"),
                Importance.MEDIUM, SNAPSHOT_MODE_DOC, REPLICATION_GROUP, ++order, Width.SHORT, "Snapshot mode");
        def.define(HEARTBEAT_INTERVAL_MS_CONFIG, Type.LONG, HEARTBEAT_INTERVAL_MS_DEFAULT, Range.atLeast(0),
                Importance.MEDIUM, HEARTBEAT_INTERVAL_MS_DOC, REPLICATION_GROUP, ++order, Width.SHORT, "Heartbeat (ms)");

        order = 0;
        def.define(SNAPSHOT_MAX_THREADS_CONFIG, Type.INT, SNAPSHOT_MAX_THREADS_DEFAULT, Range.atLeast(1),
                Importance.LOW, SNAPSHOT_MAX_THREADS_DOC, ADVANCED_GROUP, ++order, Width.SHORT, "Snapshot threads");
        def.define(SLOT_DROP_ON_STOP_CONFIG, Type.BOOLEAN, SLOT_DROP_ON_STOP_DEFAULT,
                Importance.LOW, SLOT_DROP_ON_STOP_DOC, ADVANCED_GROUP, ++order, Width.SHORT, "Drop slot on stop");
        def.define(MAX_UNACKNOWLEDGED_RECORDS_CONFIG, Type.INT, MAX_UNACKNOWLEDGED_RECORDS_DEFAULT, Range.atLeast(1),
                Importance.LOW, MAX_UNACKNOWLEDGED_RECORDS_DOC, ADVANCED_GROUP, ++order, Width.SHORT,
                "Unacknowledged records");
        return def;
    }

    private static ConfigDef.Validator matching(Pattern pattern, String expected) {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                if (value == null || !pattern.matcher(value.toString()).matches()) {
                    throw new ConfigException(name, value, "expected " + expected);
                }
            }

            @Override
            public String toString() {
                return expected;
            }
        };
    }

    private static ConfigDef.Validator optionalMatching(Pattern pattern, String expected) {
        ConfigDef.Validator required = matching(pattern, expected);
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                if (value != null && !value.toString().isEmpty()) {
                    required.ensureValid(name, value);
                }
            }

            @Override
            public String toString() {
                return "empty for the derived name, or " + expected;
            }
        };
    }

    private static final class TableListValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            for (Object entry : (List<?>) value) {
                try {
                    TableId.parse(entry.toString());
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(name, value, "'" + entry + "' is not schema.table: " + e.getMessage());
                }
            }
        }

        @Override
        public String toString() {
            return "schema.table, ...";
        }
    }

    /** The connector's name as Connect gave it, or null when the properties have none. */
    public String connectorName() {
        return connectorName;
    }

    public String hostname() {
        return hostname;
    }

    public int port() {
        return port;
    }

    public String user() {
        return user;
    }

    public Password password() {
        return password;
    }

    public String dbname() {
        return dbname;
    }

    public String sslMode() {
        return sslMode;
    }

    public String topicPrefix() {
        return topicPrefix;
    }

    /** The tables to capture, in the order given, without duplicates; empty means all user tables. */
    public List<TableId> tableIncludeList() {
        return tableIncludeList;
    }

    public String slotName() {
        return slotName;
    }

    public String publicationName() {
        return publicationName;
    }

    public SnapshotMode snapshotMode() {
        return snapshotMode;
    }

    public Duration heartbeatInterval() {
        return heartbeatInterval;
    }

    public int snapshotMaxThreads() {
        return snapshotMaxThreads;
    }

    public boolean slotDropOnStop() {
        return slotDropOnStop;
    }

    public int maxUnacknowledgedRecords() {
        return getInt(MAX_UNACKNOWLEDGED_RECORDS_CONFIG);
    }

    /** The {@code debezium.*} properties, prefix removed. */
    public Map<String, String> passThrough() {
        return passThrough;
    }

}
