package io.pg2ts.sink;

import io.pg2ts.sink.apply.OffsetStore;
import io.pg2ts.sink.apply.ProgressStore;
import java.sql.Connection;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

// A task's one connection to the target, opened when first needed and again after it is lost,
// with autocommit off. Its application name, pg2ts-sink/<connector>/<task>, shows in
// pg_stat_activity. The first time it connects it makes sure the offsets and progress tables are there.
final class TaskConnection {

    private static final Logger log = LoggerFactory.getLogger(TaskConnection.class);

    private final TimescaleSinkConfig config;
    private final String applicationName;
    private final OffsetStore offsets;
    private final ProgressStore progress;
    private Connection connection;
    private boolean offsetsTableReady;

    TaskConnection(TimescaleSinkConfig config, String applicationName, OffsetStore offsets, ProgressStore progress) {
        this.config = config;
        this.applicationName = applicationName;
        this.offsets = offsets;
        this.progress = progress;
    }

    Connection get() throws SQLException {
        if (connection != null) {
            return connection;
        }
        Connection c = TargetConnection.open(config.connectionUrl(), config.connectionUser(),
                config.connectionPassword().value(), applicationName);
        try {
            c.setAutoCommit(false);
            if (!offsetsTableReady) {
                offsets.createIfMissing(c);
                progress.createIfMissing(c);
                c.commit();
                offsetsTableReady = true;
                log.info("Offsets table {} and progress table {} are ready", offsets.table(), progress.table());
            }
        } catch (SQLException | RuntimeException e) {
            try {
                c.close();
            } catch (SQLException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
        connection = c;
        return c;
    }

    void rollbackQuietly() {
        if (connection == null) {
            return;
        }
        try {
            connection.rollback();
        } catch (SQLException e) {
            log.debug("Rollback failed, the connection is probably gone (SQLState {})", e.getSQLState());
        }
    }

    // The next get() opens a new connection.
    void closeQuietly() {
        if (connection == null) {
            return;
        }
        try {
            connection.close();
        } catch (SQLException e) {
            log.debug("Closing the connection failed (SQLState {})", e.getSQLState());
        }
        connection = null;
    }
}
