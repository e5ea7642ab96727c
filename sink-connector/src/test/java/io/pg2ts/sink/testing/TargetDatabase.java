package io.pg2ts.sink.testing;

import io.pg2ts.sink.TimescaleSinkConfig;
import io.pg2ts.sink.TimescaleSinkTask;
import io.pg2ts.testsupport.LocalPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A target PostgreSQL for the tests of one class (register with {@code @RegisterExtension}),
 * sink tasks started against it, and its rows read back as text.
 */
public final class TargetDatabase implements BeforeAllCallback, AfterAllCallback {

    public static final String DATABASE = "target";
    /** The connector name tasks get unless a test gives another. */
    public static final String CONNECTOR = "test-sink";

    private LocalPostgres postgres;

    @Override
    public void beforeAll(ExtensionContext context) throws SQLException {
        postgres = LocalPostgres.startTarget();
        postgres.createDatabase(DATABASE);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        postgres.close();
    }

    public String jdbcUrl() {
        return postgres.jdbcUrl(DATABASE);
    }

    public int port() {
        return postgres.port();
    }

    public String jdbcUrl(String database) {
        return postgres.jdbcUrl(database);
    }

    /**
     * The options a task needs to write here, with a short retry back-off and no linger, so every
     * {@code put} is written before it returns.
     */
    public Map<String, String> taskProps(Map<String, String> extra) {
        Map<String, String> props = new HashMap<>();
        props.put("name", CONNECTOR);
        props.put(TimescaleSinkConfig.CONNECTION_URL_CONFIG, jdbcUrl());
        props.put(TimescaleSinkConfig.CONNECTION_USER_CONFIG, LocalPostgres.USER);
        props.put(TimescaleSinkConfig.RETRY_BACKOFF_MS_CONFIG, "10");
        props.put(TimescaleSinkConfig.BATCH_LINGER_MS_CONFIG, "0");
        props.putAll(extra);
        return props;
    }

    /** A started task; the caller stops it. */
    public TimescaleSinkTask startTask(RecordingContext context) {
        context.assign(new TopicPartition("test", 0));
        TimescaleSinkTask task = new TimescaleSinkTask();
        task.initialize(context);
        task.start(context.configs());
        return task;
    }

    /** The next offsets stored for a connector, as "topic/partition=offset", ordered. */
    public List<String> storedOffsets(String connector) throws SQLException {
        return query("SELECT topic || '/' || kafka_partition || '=' || next_offset FROM pg2ts.sink_offsets "
                + "WHERE connector = '" + connector.replace("'", "''") + "' ORDER BY topic, kafka_partition");
    }

    /** Ends the sessions of a task, found by the application name it sets; returns how many. */
    public int terminateSessions(String connector, String taskId) throws SQLException {
        List<String> ended = query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'pg2ts-sink/"
                + connector.replace("'", "''") + "/" + taskId + "'");
        return ended.size();
    }

    public void execute(String... sql) throws SQLException {
        postgres.execute(DATABASE, sql);
    }

    public Connection connect() throws SQLException {
        return postgres.connect(DATABASE);
    }

    /** Every row of the query, columns as PostgreSQL's text joined with '|', NULL as "null". Session time zone UTC. */
    public List<String> query(String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("SET TimeZone = 'UTC'");
            try (ResultSet rs = s.executeQuery(sql)) {
                int columns = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    StringBuilder row = new StringBuilder();
                    for (int i = 1; i <= columns; i++) {
                        row.append(i > 1 ? "|" : "").append(rs.getString(i));
                    }
                    rows.add(row.toString());
                }
            }
        }
        return rows;
    }

    /** The one row of the query, one element per column, SQL NULL as null. Session time zone UTC. */
    public List<String> queryRow(String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("SET TimeZone = 'UTC'");
            try (ResultSet rs = s.executeQuery(sql)) {
                rs.next();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    values.add(rs.getString(i));
                }
            }
        }
        return values;
    }
}
