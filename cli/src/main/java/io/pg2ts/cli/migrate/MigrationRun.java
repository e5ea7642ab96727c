package io.pg2ts.cli.migrate;

import com.fasterxml.jackson.databind.JsonNode;
import io.pg2ts.cli.connect.ConnectRestClient;
import io.pg2ts.cli.connect.ConnectorConfigs;
import io.pg2ts.cli.connect.PostgresEndpoint;
import io.pg2ts.cli.deploy.ConfigErrors;
import io.pg2ts.cli.status.MigrationStatus;
import io.pg2ts.cli.status.StatusDisplay;
import io.pg2ts.cli.status.StatusReader;
import io.pg2ts.common.TableId;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Deploys the source and sink connectors from the config examples to a Connect cluster, shows
 * progress (as {@code pg2ts status} does: redrawn on a terminal, a reading every 2 s otherwise)
 * until the target has caught up, and verifies that every table equals its source (as
 * {@code pg2ts verify} does, by key ranges), again until it does.
 */
public final class MigrationRun {

    public static final String SOURCE_CONNECTOR = "pg2ts-source";
    public static final String SINK_CONNECTOR = "pg2ts-sink";

    private static final Duration POLL = Duration.ofSeconds(2);

    private final ConnectRestClient connect;
    private final PostgresEndpoint source;
    private final PostgresEndpoint target;
    private final Path examples;
    private final String kafka;
    private final PrintStream out;

    /**
     * @param kafka the Kafka brokers of the Connect cluster ({@code host:port,...}), for converters
     *     that keep state in Kafka (the pg2ts converter's schemas topic); null when not known, which
     *     is an error only when the examples use such a converter
     */
    public MigrationRun(ConnectRestClient connect, PostgresEndpoint source, PostgresEndpoint target, Path examples,
            String kafka, PrintStream out) {
        this.connect = connect;
        this.kafka = kafka;
        this.source = source;
        this.target = target;
        this.examples = examples;
        this.out = out;
    }

    /** PUTs both connector configs from the examples and waits until both run. */
    public void deploy() throws Exception {
        deploy(sourceConfig(), sinkConfig());
    }

    /**
     * Validates both configs with Connect (as pg2ts deploy does), then PUTs them and waits until
     * both run. Nothing is created when either has an error.
     */
    public void deploy(Map<String, String> sourceConfig, Map<String, String> sinkConfig) throws Exception {
        List<String> errors = new ArrayList<>();
        for (Map.Entry<String, Map<String, String>> connector
                : Map.of(SOURCE_CONNECTOR, sourceConfig, SINK_CONNECTOR, sinkConfig).entrySet()) {
            Map<String, String> config = new LinkedHashMap<>(connector.getValue());
            config.putIfAbsent("name", connector.getKey());
            for (ConfigErrors.FieldError error : ConfigErrors.of(
                    connect.validate(config.get("connector.class"), config), config)) {
                errors.add(connector.getKey() + ": " + error.field() + ": " + error.message());
            }
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("the connector configs from " + examples + " do not validate; nothing "
                    + "was deployed:\n  " + String.join("\n  ", errors));
        }
        connect.putConnectorConfig(SOURCE_CONNECTOR, sourceConfig);
        connect.awaitRunning(SOURCE_CONNECTOR, Duration.ofMinutes(2));
        out.println("source connector " + SOURCE_CONNECTOR + " running against " + source);
        connect.putConnectorConfig(SINK_CONNECTOR, sinkConfig);
        connect.awaitRunning(SINK_CONNECTOR, Duration.ofMinutes(2));
        out.println("sink connector " + SINK_CONNECTOR + " running against " + target);
    }

    /**
     * Prints progress until every table on the target equals its source, or the timeout passes.
     *
     * @param sourceQuiet whether the source has stopped changing; equality is checked only then
     * @return whether the target was verified equal
     */
    public boolean awaitVerified(BooleanSupplier sourceQuiet, Duration timeout) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        StatusDisplay display = StatusDisplay.forConsole(new PrintWriter(out));
        try (Connection sourceDb = open(source); Connection targetDb = open(target)) {
            Map<TableId, TableId> tables = tables(sourceDb);
            MigrationMonitor monitor = new MigrationMonitor(sourceDb, targetDb, tables);
            try (StatusReader status = statusReader(tables)) {
                while (Instant.now().isBefore(deadline)) {
                    ConnectRestClient.failIfFailed(SOURCE_CONNECTOR, connect.status(SOURCE_CONNECTOR));
                    ConnectRestClient.failIfFailed(SINK_CONNECTOR, connect.status(SINK_CONNECTOR));
                    MigrationStatus reading = status.read();
                    display.show(reading);
                    // Caught up by the slot and Kafka's backlog, or (where the backlog is not known, or
                    // the slot has yet to confirm WAL of other databases) by equal row counts.
                    boolean applied = Boolean.TRUE.equals(reading.caughtUp()) || monitor.read().rowCountsMatch();
                    if (sourceQuiet.getAsBoolean() && applied && monitor.mismatches().isEmpty()) {
                        out.println("verified: every table on the target equals its source (row count and checksum)");
                        return true;
                    }
                    Thread.sleep(POLL.toMillis());
                }
            }
            out.println("not caught up within " + timeout + ":");
            monitor.mismatches().forEach(m -> out.println("  " + m));
            return false;
        }
    }

    // The migration's status as pg2ts status shows it, with the Kafka backlog when the brokers are known.
    private StatusReader statusReader(Map<TableId, TableId> tables) throws Exception {
        String offsetsSchema = ConnectorConfigs.load(examples.resolve("sink.json")).getOrDefault("offsets.schema", "pg2ts");
        String slot = slotName();
        return new StatusReader(source, target, new StatusReader.Settings(SOURCE_CONNECTOR, SINK_CONNECTOR, offsetsSchema,
                slot.isEmpty() ? null : slot, new ArrayList<>(tables.keySet()), connect, kafka, 65_536));
    }

    /** The source example pointed at the source database and the Kafka brokers. */
    public Map<String, String> sourceConfig() throws Exception {
        return withKafka("source.json",
                ConnectorConfigs.withSource(ConnectorConfigs.load(examples.resolve("source.json")), source));
    }

    /** The sink example pointed at the target database and the Kafka brokers. */
    public Map<String, String> sinkConfig() throws Exception {
        return withKafka("sink.json",
                ConnectorConfigs.withTarget(ConnectorConfigs.load(examples.resolve("sink.json")), target));
    }

    private Map<String, String> withKafka(String file, Map<String, String> config) {
        if (!ConnectorConfigs.needsKafka(config)) {
            return config;
        }
        if (kafka == null) {
            throw new IllegalArgumentException(examples.resolve(file) + " sets a converter's bootstrap.servers "
                    + "(the pg2ts converter keeps its schemas in Kafka): pass --kafka host:port with the brokers of the "
                    + "Connect cluster, or set the converters of that file to Connect's JsonConverter");
        }
        return ConnectorConfigs.withKafka(config, kafka);
    }

    private String slotName() throws Exception {
        JsonNode tasks = connect.tasks(SOURCE_CONNECTOR);
        return tasks.path(0).path("config").path("slot.name").asText();
    }

    /** Source tables and where the sink writes them, per the examples' include list and name format. */
    private Map<TableId, TableId> tables(Connection sourceDb) throws Exception {
        Map<String, String> sourceConfig = sourceConfig();
        Map<String, String> sinkConfig = ConnectorConfigs.load(examples.resolve("sink.json"));
        String include = sourceConfig.getOrDefault("table.include.list", "").strip();
        List<TableId> sourceTables = include.isEmpty() ? MigrationMonitor.userTables(sourceDb)
                : Arrays.stream(include.split(",")).map(String::strip).map(TableId::parse).toList();
        String format = sinkConfig.getOrDefault("table.name.format", "${schema}.${table}");
        String prefix = sourceConfig.get("topic.prefix");
        Map<TableId, TableId> targetOf = new LinkedHashMap<>();
        for (TableId table : sourceTables) {
            String name = format.replace("${topic}", prefix + "." + table.schema() + "." + table.table())
                    .replace("${schema}", table.schema()).replace("${table}", table.table());
            targetOf.put(table, TableId.parse(name));
        }
        return targetOf;
    }

    private static Connection open(PostgresEndpoint endpoint) throws SQLException {
        return endpoint.connect("pg2ts migrate");
    }
}
