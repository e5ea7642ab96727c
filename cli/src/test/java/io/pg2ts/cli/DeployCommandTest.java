package io.pg2ts.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pg2ts.cli.connect.ConnectRestClient;
import io.pg2ts.cli.connect.ConnectorConfigs;
import io.pg2ts.cli.connect.PostgresEndpoint;
import io.pg2ts.testsupport.LocalPostgres;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * pg2ts deploy against one real Connect worker (with the built plugins) for the whole class, a
 * source PostgreSQL with logical WAL and a target PostgreSQL.
 */
class DeployCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SINK_PASSWORD = "s3cret-sink-pass";

    private static LocalCluster cluster;
    private static LocalPostgres source;
    private static LocalPostgres target;

    @TempDir
    Path dir;

    private final List<String> created = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        source = LocalPostgres.startSource();
        target = LocalPostgres.startTarget();
        cluster = LocalCluster.start(examples(), Path.of(System.getProperty("pg2ts.plugin.path")),
                new PrintStream(OutputStream.nullOutputStream()));
        source.execute("postgres", "CREATE TABLE public.readings (id bigint PRIMARY KEY, value double precision)",
                "INSERT INTO public.readings SELECT g, g * 0.5 FROM generate_series(1, 3) g");
    }

    @AfterAll
    static void stop() {
        try {
            if (cluster != null) {
                cluster.close();
            }
        } finally {
            target.close();
            source.close();
        }
    }

    @AfterEach
    void deleteConnectors() throws Exception {
        for (String name : created) {
            if (rest().exists(name)) {
                rest().delete(name);
            }
        }
    }

    @Test
    void everyErrorOfEveryFileIsPrintedPerOptionAndNothingIsCreated() throws Exception {
        Map<String, String> badSource = sourceConfig();
        badSource.put("database.port", "70000");
        badSource.put("snapshot.mode", "sometimes");
        Map<String, String> badSink = sinkConfig();
        badSink.put("connection.url", "jdbc:mysql://" + target.host() + "/postgres?password=" + SINK_PASSWORD);
        badSink.remove("connection.user");
        badSink.put("table.name.format", "${schema}.${tabel}");
        Path sourceFile = writeFlat("bad-source.json", badSource);
        Path sinkFile = writeFlat("bad-sink.json", badSink);
        Path validFile = writeFlat("good-sink.json", sinkConfig());
        Path notLogicalFile = writeFlat("replica-source.json",
                ConnectorConfigs.withSource(sourceConfig(), endpoint(target, "")));

        Run run = deploy(sourceFile.toString(), sinkFile.toString(), validFile.toString(), notLogicalFile.toString());

        assertThat(run.status).as(run.out).isEqualTo(1);
        assertThat(run.out).contains(sourceFile + ": database.port: Invalid value 70000 for configuration database.port: "
                        + "Value must be no more than 65535")
                .contains(sourceFile + ": snapshot.mode: Invalid value sometimes for configuration snapshot.mode")
                .contains(sinkFile + ": connection.url: Invalid value jdbc:mysql://" + target.host()
                        + "/postgres?password=[hidden] for configuration connection.url: must be a PostgreSQL JDBC URL")
                .contains(sinkFile + ": connection.user: Missing required configuration \"connection.user\"")
                .contains(sinkFile + ": table.name.format: Invalid value ${schema}.${tabel} for configuration "
                        + "table.name.format: unknown placeholder ${tabel}")
                .contains(notLogicalFile + ": database.hostname: wal_level is 'replica' on ")
                .contains(validFile + ": valid (connector good-sink, io.pg2ts.sink.TimescaleSinkConnector)")
                .contains("error(s) in 3 of 4 file(s): nothing deployed")
                .doesNotContain(SINK_PASSWORD);
        assertThat(linesOf(run.out, sourceFile)).hasSize(2);
        assertThat(linesOf(run.out, sinkFile)).hasSize(3);
        for (String name : List.of("bad-source", "bad-sink", "good-sink", "replica-source")) {
            assertThat(rest().exists(name)).as(name).isFalse();
        }
    }

    @Test
    void anUnknownConnectorClassIsNamedWithTheClassesTheWorkerHas() throws Exception {
        Map<String, String> config = sinkConfig();
        config.put("connector.class", "io.pg2ts.sink.TimescaleSinkConector");
        Path file = writeFlat("typo.json", config);

        Run run = deploy(file.toString());

        assertThat(run.status).as(run.out).isEqualTo(1);
        assertThat(run.out).contains(file + ": connector.class: the Connect cluster at " + rest().base()
                        + " has no connector io.pg2ts.sink.TimescaleSinkConector; it has ")
                .contains("io.pg2ts.sink.TimescaleSinkConnector", "io.pg2ts.source.PostgresSourceConnector");
        assertThat(rest().exists("typo")).isFalse();
    }

    @Test
    void nameWithSeveralFilesIsAUsageErrorAndAnUnreachableWorkerIsNamed() throws Exception {
        Path sourceFile = writeFlat("pg2ts-source.json", sourceConfig());
        Path sinkFile = writeFlat("pg2ts-sink.json", sinkConfig());

        Run named = deploy("--name", "one", sourceFile.toString(), sinkFile.toString());

        assertThat(named.status).isEqualTo(2);
        assertThat(named.err).contains("--name names one connector, but 2 files were given");
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Run unreachable = run("--connect", "http://127.0.0.1:" + closedPort, sourceFile.toString());
        assertThat(unreachable.status).isEqualTo(2);
        assertThat(unreachable.err).contains("Kafka Connect does not answer at http://127.0.0.1:" + closedPort + "/");
    }

    @Test
    void dryRunValidatesBothShapesAndCreatesNothing() throws Exception {
        Path sourceFile = writeFlat("pg2ts-source.json", sourceConfig());
        Path sinkFile = writeRest("sink.json", "pg2ts-sink", sinkConfig());

        Run run = deploy("--dry-run", sourceFile.toString(), sinkFile.toString());

        assertThat(run.status).as(run.out).isZero();
        assertThat(run.out).contains(sourceFile + ": valid (connector pg2ts-source, io.pg2ts.source.PostgresSourceConnector)")
                .contains(sinkFile + ": valid (connector pg2ts-sink, io.pg2ts.sink.TimescaleSinkConnector)")
                .contains("all 2 file(s) valid; nothing deployed (--dry-run)");
        assertThat(run.err).contains("note: the converters of " + sourceFile + ", " + sinkFile
                + " keep their schemas in the brokers kafka:9092 of docker-compose.yml; pass --kafka HOST:PORT");
        assertThat(rest().exists("pg2ts-source")).isFalse();
        assertThat(rest().exists("pg2ts-sink")).isFalse();
    }

    @Test
    void aValidPairIsCreatedRunsAndMovesRowsAndDeployingAgainUpdatesItKeepingAStoppedOneStopped() throws Exception {
        Path sourceFile = writeFlat("pg2ts-source.json", sourceConfig());
        Path sinkFile = writeRest("sink.json", "pg2ts-sink", sinkConfig());
        created.addAll(List.of("pg2ts-source", "pg2ts-sink"));

        Run first = deploy("--kafka", cluster.bootstrapServers(), sourceFile.toString(), sinkFile.toString());

        assertThat(first.status).as(first.out + first.err).isZero();
        assertThat(first.out).contains("pg2ts-source: created from " + sourceFile, "pg2ts-sink: created from " + sinkFile,
                "pg2ts-source: RUNNING with 1 task(s)", "pg2ts-sink: RUNNING with 1 task(s)", "deployed 2 connector(s)");
        assertThat(first.err).doesNotContain("kafka:9092");
        awaitTargetRows("public.readings", 3);

        Run again = deploy("--kafka", cluster.bootstrapServers(), sourceFile.toString(), sinkFile.toString());

        assertThat(again.status).as(again.out + again.err).isZero();
        assertThat(again.out).contains("pg2ts-source: updated from " + sourceFile, "pg2ts-sink: updated from " + sinkFile,
                "pg2ts-source: RUNNING with 1 task(s)", "pg2ts-sink: RUNNING with 1 task(s)");

        rest().stop("pg2ts-sink");
        rest().awaitStopped("pg2ts-sink", Duration.ofMinutes(1));
        Run stopped = deploy("--kafka", cluster.bootstrapServers(), sinkFile.toString());

        assertThat(stopped.status).as(stopped.out + stopped.err).isZero();
        assertThat(stopped.out).contains("pg2ts-sink: updated from " + sinkFile, "pg2ts-sink: STOPPED as before");
        // Connect moves an updated connector through UNASSIGNED; a stopped one settles back as STOPPED.
        rest().awaitStopped("pg2ts-sink", Duration.ofSeconds(30));
        assertThat(rest().status("pg2ts-sink").path("tasks").size()).isZero();
    }

    /** The examples with only the databases filled in: their converters still name kafka:9092. */
    private static Map<String, String> sourceConfig() throws Exception {
        return ConnectorConfigs.withSource(ConnectorConfigs.load(examples().resolve("source.json")), endpoint(source, ""));
    }

    private static Map<String, String> sinkConfig() throws Exception {
        return ConnectorConfigs.withTarget(ConnectorConfigs.load(examples().resolve("sink.json")),
                endpoint(target, SINK_PASSWORD));
    }

    /** The local servers trust every local login, so the sink's password is checked by nobody, only never shown. */
    private static PostgresEndpoint endpoint(LocalPostgres pg, String password) {
        return new PostgresEndpoint(pg.host(), pg.port(), "postgres", LocalPostgres.USER, password);
    }

    private Path writeFlat(String fileName, Map<String, String> config) throws Exception {
        Map<String, Object> json = new LinkedHashMap<>(config);
        json.put("tasks.max", 1);
        return Files.writeString(dir.resolve(fileName), JSON.writeValueAsString(json));
    }

    private Path writeRest(String fileName, String name, Map<String, String> config) throws Exception {
        return Files.writeString(dir.resolve(fileName), JSON.writeValueAsString(Map.of("name", name, "config", config)));
    }

    private Run deploy(String... args) {
        List<String> all = new ArrayList<>(List.of("--connect", rest().base().toString()));
        all.addAll(List.of(args));
        return run(all.toArray(String[]::new));
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = new CommandLine(new DeployCommand()).setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true)).execute(args);
        return new Run(status, out.toString(), err.toString());
    }

    private static List<String> linesOf(String out, Path file) {
        return out.lines().filter(line -> line.startsWith(file + ": ")).toList();
    }

    private static void awaitTargetRows(String table, long rows) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        long seen = -1;
        while (Instant.now().isBefore(deadline)) {
            try (Connection c = target.connect("postgres");
                    ResultSet r = c.createStatement().executeQuery("SELECT count(*) FROM " + table)) {
                r.next();
                seen = r.getLong(1);
                if (seen == rows) {
                    return;
                }
            } catch (SQLException notThereYet) {
                seen = -1;
            }
            Thread.sleep(500);
        }
        throw new AssertionError(table + " on the target has " + seen + " rows, expected " + rows);
    }

    private static ConnectRestClient rest() {
        return cluster.rest();
    }

    private static Path examples() {
        return Path.of(System.getProperty("pg2ts.config.examples"));
    }

    private record Run(int status, String out, String err) {
    }
}
