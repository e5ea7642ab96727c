package io.pg2ts.cli.connect;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Where a PostgreSQL database is and who connects to it, parsed from a pgjdbc URL such as
 * {@code jdbc:postgresql://db.example.com:5432/app?user=migrator&password=secret}.
 */
public record PostgresEndpoint(String host, int port, String database, String user, String password) {

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
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                int eq = pair.indexOf('=');
                String key = eq < 0 ? pair : pair.substring(0, eq);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                if (key.equals("user")) {
                    user = value;
                } else if (key.equals("password")) {
                    password = value;
                }
            }
        }
        return new PostgresEndpoint(uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort(),
                uri.getPath().substring(1), user, password == null ? "" : password);
    }

    /** The URL without credentials, as the sink's {@code connection.url} wants it. */
    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    /** Shows a URL in a message without the password it may carry. */
    static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&]*", "$1***");
    }

    @Override
    public String toString() {
        return user + "@" + host + ":" + port + "/" + database;
    }
}
