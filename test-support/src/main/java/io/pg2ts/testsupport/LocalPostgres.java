package io.pg2ts.testsupport;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A throwaway PostgreSQL server from the embedded binaries on the classpath, for tests and the
 * demo. Superuser {@code postgres}, no password, listening on 127.0.0.1 on a free port; its data
 * directory lives below {@code java.io.tmpdir} and is removed on {@link #close()}.
 */
public final class LocalPostgres implements AutoCloseable {

    public static final String USER = "postgres";

    private final EmbeddedPostgres server;

    private LocalPostgres(EmbeddedPostgres server) {
        this.server = server;
    }

    /** A server ready to be a logical replication source ({@code wal_level=logical}). */
    public static LocalPostgres startSource() {
        return start(Map.of("wal_level", "logical"));
    }

    /** A server with default settings, for targets. */
    public static LocalPostgres startTarget() {
        return start(Map.of());
    }

    /** A server with these settings on top of the defaults this class chooses. */
    public static LocalPostgres start(Map<String, String> settings) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("max_wal_senders", "10");
        config.put("max_replication_slots", "10");
        config.put("fsync", "off");
        config.put("synchronous_commit", "off");
        config.put("full_page_writes", "off");
        config.put("max_connections", "100");
        config.putAll(settings);
        try {
            Path parent = Path.of(System.getProperty("java.io.tmpdir"));
            Files.createDirectories(parent);
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setOverrideWorkingDirectory(parent.toFile())
                    .setDataDirectory(Files.createTempDirectory(parent, "pgdata-"))
                    .setCleanDataDirectory(true)
                    .setLocaleConfig("locale", "C.UTF-8")
                    .setLocaleConfig("encoding", "UTF8");
            config.forEach(builder::setServerConfig);
            return new LocalPostgres(builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException("could not start an embedded PostgreSQL server", e);
        }
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return server.getPort();
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host() + ":" + port() + "/" + database;
    }

    /** A new connection to {@code database} as the superuser; the caller closes it. */
    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), USER, "");
    }

    public void createDatabase(String name) throws SQLException {
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE \"" + name.replace("\"", "\"\"") + "\"");
        }
    }

    /** Runs statements in one connection, autocommit, in order. */
    public void execute(String database, String... sql) throws SQLException {
        try (Connection c = connect(database); Statement s = c.createStatement()) {
            for (String statement : sql) {
                s.execute(statement);
            }
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException("could not stop the embedded PostgreSQL server", e);
        }
    }
}
