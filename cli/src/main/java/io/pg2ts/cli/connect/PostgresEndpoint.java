package io.pg2ts.cli.connect;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * Where a PostgreSQL database is and who connects to it, parsed from a pgjdbc URL such as
 * {@code jdbc:postgresql://db.example.com:5432/app?user=migrator&password=secret&sslmode=require}.
 *
 * @param parameters the URL's pgjdbc parameters other than user and password ({@code sslmode}, ...), in order
 */
public record PostgresEndpoint(String host, int port, String database, String user, String password,
        Map<String, String> parameters) {

    public PostgresEndpoint {
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    /** Without URL parameters. */
    public PostgresEndpoint(String host, int port, String database, String user, String password) {
        this(host, port, database, user, password, Map.of());
    }

    /** Parses the URL; a user or password it does not give comes from PGUSER or PGPASSWORD. */
    public static PostgresEndpoint fromUrl(String jdbcUrl) {
        return parse(jdbcUrl, System.getenv("PGUSER"), System.getenv("PGPASSWORD"));
    }

    /**
     * Connects, shown as {@code applicationName} in the server's {@code pg_stat_activity}.
     */
    public Connection connect(String applicationName) throws SQLException {
        Properties props = new Properties();
        // Without a user from the URL or PGUSER, pgjdbc logs in as the operating system's user.
        if (user != null) {
            props.setProperty("user", user);
        }
        props.setProperty("password", password);
        props.setProperty("ApplicationName", applicationName);
        try {
            return DriverManager.getConnection(jdbcUrl(), props);
        } catch (SQLException e) {
            throw new SQLException("cannot connect to " + this + ": " + e.getMessage(), e.getSQLState(), e);
        }
    }

    public static PostgresEndpoint parse(String jdbcUrl, String defaultUser, String defaultPassword) {
        if (!jdbcUrl.startsWith("jdbc:postgresql://")) {
            throw new IllegalArgumentException("not a PostgreSQL JDBC URL (jdbc:postgresql://host:port/database): "
                    + redact(jdbcUrl));
        }
        URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
        if (uri.getHost() == null || uri.getPath() == null || uri.getPath().length() < 2) {
            throw new IllegalArgumentException("the URL needs a host and a database: " + redact(jdbcUrl));
        }
        String user = defaultUser;
        String password = defaultPassword;
        Map<String, String> parameters = new LinkedHashMap<>();
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                int eq = pair.indexOf('=');
                String key = eq < 0 ? pair : pair.substring(0, eq);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                if (key.equals("user")) {
                    user = value;
                } else if (key.equals("password")) {
                    password = value;
                } else {
                    parameters.put(key, value);
                }
            }
        }
        return new PostgresEndpoint(uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort(),
                uri.getPath().substring(1), user, password == null ? "" : password, parameters);
    }

    /** The URL without credentials, with its other parameters, as the sink's {@code connection.url} wants it. */
    public String jdbcUrl() {
        String url = "jdbc:postgresql://" + host + ":" + port + "/" + database;
        return parameters.isEmpty() ? url : url + "?" + parameters.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    /** Shows a URL in a message without the password it may carry. */
    static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&]*", "$1***");
    }

    @Override
    public String toString() {
        return (user == null ? "" : user + "@") + host + ":" + port + "/" + database;
    }
}
