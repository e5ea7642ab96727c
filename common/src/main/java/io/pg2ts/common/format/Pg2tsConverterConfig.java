package io.pg2ts.common.format;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;

/** Configuration of {@link Pg2tsConverter}; Connect hands it the {@code key.converter.}/{@code value.converter.} props. */
public final class Pg2tsConverterConfig extends AbstractConfig {

    private static final String GROUP = "Schemas topic";

    public static final String BOOTSTRAP_SERVERS_CONFIG = "bootstrap.servers";
    public static final String BOOTSTRAP_SERVERS_DOC = "Kafka brokers that hold the schemas topic, usually the "
            + "worker's own: set value.converter.bootstrap.servers (and key.converter.bootstrap.servers).";

    public static final String SCHEMAS_TOPIC_CONFIG = "schemas.topic";
    public static final String SCHEMAS_TOPIC_DOC = "Compacted topic that holds each record schema once, keyed by "
            + "its id. Writers and readers of the same data must use the same topic.";
    public static final String SCHEMAS_TOPIC_DEFAULT = "_pg2ts_schemas";

    public static final String SCHEMAS_TOPIC_REPLICATION_FACTOR_CONFIG = "schemas.topic.replication.factor";
    public static final String SCHEMAS_TOPIC_REPLICATION_FACTOR_DOC = "Replication factor of the schemas topic "
            + "when the converter creates it; -1 uses the broker's default.";
    public static final short SCHEMAS_TOPIC_REPLICATION_FACTOR_DEFAULT = -1;

    /** Producer, consumer and admin settings (security, timeouts) ride under this prefix. */
    public static final String KAFKA_PREFIX = "kafka.";

    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(BOOTSTRAP_SERVERS_CONFIG, Type.LIST, ConfigDef.NO_DEFAULT_VALUE, Importance.HIGH,
                    BOOTSTRAP_SERVERS_DOC, GROUP, 1, Width.LONG, "Bootstrap servers")
            .define(SCHEMAS_TOPIC_CONFIG, Type.STRING, SCHEMAS_TOPIC_DEFAULT, new ConfigDef.NonEmptyString(),
                    Importance.MEDIUM, SCHEMAS_TOPIC_DOC, GROUP, 2, Width.MEDIUM, "Schemas topic")
            .define(SCHEMAS_TOPIC_REPLICATION_FACTOR_CONFIG, Type.SHORT, SCHEMAS_TOPIC_REPLICATION_FACTOR_DEFAULT,
                    new ReplicationFactor(),
                    Importance.LOW, SCHEMAS_TOPIC_REPLICATION_FACTOR_DOC, GROUP, 3, Width.SHORT,
                    "Schemas topic replication factor");

    // A named validator: the README's generated reference shows its toString.
    private static final class ReplicationFactor implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            if (value != null && (Short) value < 1 && (Short) value != -1) {
                throw new ConfigException(name, value, "must be -1 (broker default) or at least 1");
            }
        }

        @Override
        public String toString() {
            return "-1 (broker default) or at least 1";
        }
    }

    private final List<String> bootstrapServers;
    private final String schemasTopic;
    private final short replicationFactor;
    private final Map<String, Object> clientProps;

    public Pg2tsConverterConfig(Map<String, ?> props) {
        super(CONFIG_DEF, requireBootstrap(props));
        bootstrapServers = getList(BOOTSTRAP_SERVERS_CONFIG);
        schemasTopic = getString(SCHEMAS_TOPIC_CONFIG);
        replicationFactor = getShort(SCHEMAS_TOPIC_REPLICATION_FACTOR_CONFIG);
        Map<String, Object> client = new HashMap<>(originalsWithPrefix(KAFKA_PREFIX));
        client.put(BOOTSTRAP_SERVERS_CONFIG, String.join(",", bootstrapServers));
        clientProps = Map.copyOf(client);
    }

    private static Map<String, ?> requireBootstrap(Map<String, ?> props) {
        Object servers = props.get(BOOTSTRAP_SERVERS_CONFIG);
        if (servers == null || servers.toString().isBlank()) {
            throw new ConfigException("Pg2tsConverter needs " + BOOTSTRAP_SERVERS_CONFIG + " for its schemas topic: set "
                    + "value.converter." + BOOTSTRAP_SERVERS_CONFIG + " and key.converter." + BOOTSTRAP_SERVERS_CONFIG
                    + " (Connect passes a converter only the settings under its own prefix)");
        }
        return props;
    }

    public String schemasTopic() {
        return schemasTopic;
    }

    public short replicationFactor() {
        return replicationFactor;
    }

    /** bootstrap.servers plus every {@code kafka.}-prefixed setting, prefix removed. */
    public Map<String, Object> clientProps() {
        return clientProps;
    }
}
