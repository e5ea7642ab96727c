package io.pg2ts.sink;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;
import org.postgresql.Driver;

final class TargetConnection {

    private static final Driver DRIVER = new Driver();

    record Problem(List<String> options, String message) {
    }

    private TargetConnection() {
    }

    // The driver is called directly rather than through DriverManager, which does not see drivers
    // that live only in a Connect plugin's class loader. The application name shows in
    // pg_stat_activity, so DBAs can tell the sink's sessions apart.
    static Connection open(String url, String user, String password, String applicationName) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("password", password);
        properties.setProperty("ApplicationName", applicationName);
        properties.setProperty("tcpKeepAlive", "true");
        // Server error details quote row values ("Key (id)=(42) already exists"); keep them out of
        // exception messages, which end up in logs.
        properties.setProperty("logServerErrorDetail", "false");
        Connection connection = DRIVER.connect(url, properties);
        if (connection == null) {
            throw new SQLException("not a PostgreSQL JDBC URL", "08001");
        }
        return connection;
    }

    static Problem problem(SQLException e, String url, String user) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        return switch (state) {
            case "28P01", "28000" -> new Problem(
                    List.of(TimescaleSinkConfig.CONNECTION_USER_CONFIG, TimescaleSinkConfig.CONNECTION_PASSWORD_CONFIG),
                    "The target server refused role " + user + " (authentication failed, SQLState " + state
                            + "): check connection.user and connection.password, and pg_hba.conf on the server");
            case "3D000" -> new Problem(List.of(TimescaleSinkConfig.CONNECTION_URL_CONFIG),
                    "The database named in connection.url does not exist on " + hostAndPort(url));
            default -> new Problem(List.of(TimescaleSinkConfig.CONNECTION_URL_CONFIG),
                    "Could not connect to " + hostAndPort(url) + " (SQLState " + (state.isEmpty() ? "none" : state)
                            + "): check the host and port in connection.url, and that the server is running and accepts connections from this worker");
        };
    }

    // Without the URL's parameters, which may hold a password.
    static String hostAndPort(String url) {
        Properties parsed = Driver.parseURL(url, null);
        if (parsed == null) {
            return "the server in connection.url";
        }
        return parsed.getProperty("PGHOST") + ":" + parsed.getProperty("PGPORT") + "/" + parsed.getProperty("PGDBNAME");
    }
}
