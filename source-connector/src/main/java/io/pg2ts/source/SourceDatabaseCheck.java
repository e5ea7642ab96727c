package io.pg2ts.source;

import static io.pg2ts.source.PostgresSourceConfig.DBNAME_CONFIG;
import static io.pg2ts.source.PostgresSourceConfig.HOSTNAME_CONFIG;
import static io.pg2ts.source.PostgresSourceConfig.PASSWORD_CONFIG;
import static io.pg2ts.source.PostgresSourceConfig.PORT_CONFIG;
import static io.pg2ts.source.PostgresSourceConfig.PUBLICATION_NAME_CONFIG;
import static io.pg2ts.source.PostgresSourceConfig.SLOT_NAME_CONFIG;
import static io.pg2ts.source.PostgresSourceConfig.SSLMODE_CONFIG;
import static io.pg2ts.source.PostgresSourceConfig.TABLE_INCLUDE_LIST_CONFIG;
import static io.pg2ts.source.PostgresSourceConfig.USER_CONFIG;

import io.pg2ts.common.Identifiers;
import io.pg2ts.common.TableId;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigValue;

/**
 * The checks against the live source that {@code validate} runs once the configuration itself is
 * valid: can we connect and log in, is {@code wal_level} logical, may the role replicate, do the
 * tables exist and can they be read and replicated, can the slot and publication be set up. Each
 * problem becomes an error on the option the user has to change, saying what to change.
 */
final class SourceDatabaseCheck {

    static final int CONNECT_TIMEOUT_SECONDS = 5;
    private static final int QUERY_TIMEOUT_SECONDS = 30;
    private static final int MAX_LISTED_TABLES = 20;

    private final PostgresSourceConfig config;
    private final Map<String, ConfigValue> values;

    private SourceDatabaseCheck(PostgresSourceConfig config, Map<String, ConfigValue> values) {
        this.config = config;
        this.values = values;
    }

    /** Adds an error message to {@code values} for every problem found; never throws. */
    static void run(PostgresSourceConfig config, Map<String, ConfigValue> values) {
        new SourceDatabaseCheck(config, values).run();
    }

    private void run() {
        Connection connection;
        try {
            connection = connect(config);
        } catch (SQLException e) {
            reportConnectFailure(e);
            return;
        }
        try (connection) {
            checkWalLevel(connection);
            checkReplicationRole(connection);
            List<CatalogTable> tables = CatalogTable.lookUp(connection, config.tableIncludeList());
            checkTables(tables);
            checkSlot(connection);
            checkPublication(connection, tables);
        } catch (SQLException | RuntimeException e) {
            error("Could not check the source database " + address() + ": " + describe(e), HOSTNAME_CONFIG);
        }
    }

    /** A connection as the connector's role, with pg2ts's short timeouts. */
    static Connection connect(PostgresSourceConfig config) throws SQLException {
        Map<String, String> tls = new HashMap<>();
        for (String key : List.of("sslrootcert", "sslcert", "sslkey", "sslpassword", "sslfactory")) {
            String value = config.passThrough().get("database." + key);
            if (value != null) {
                tls.put(key, value);
            }
        }
        return connect(config.hostname(), config.port(), config.dbname(), config.user(), config.password().value(),
                config.sslMode(), tls, "pg2ts validate");
    }

    /**
     * A connection with pg2ts's short timeouts.
     *
     * @param tls further pgjdbc TLS properties (sslrootcert, sslcert, ...)
     */
    static Connection connect(String hostname, int port, String dbname, String user, String password, String sslMode,
            Map<String, String> tls, String applicationName) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password == null ? "" : password);
        props.setProperty("sslmode", sslMode == null ? "prefer" : sslMode);
        props.setProperty("connectTimeout", Integer.toString(CONNECT_TIMEOUT_SECONDS));
        props.setProperty("loginTimeout", Integer.toString(CONNECT_TIMEOUT_SECONDS));
        props.setProperty("socketTimeout", Integer.toString(QUERY_TIMEOUT_SECONDS));
        props.setProperty("ApplicationName", applicationName);
        // The TLS material Debezium will use, so that verify-ca/verify-full are checked as the task connects.
        tls.forEach(props::setProperty);
        String host = hostname.contains(":") && !hostname.startsWith("[") ? "[" + hostname + "]" : hostname;
        String url = "jdbc:postgresql://" + host + ":" + port + "/" + URLEncoder.encode(dbname, StandardCharsets.UTF_8);
        // The driver directly rather than DriverManager, which may not see drivers of a Connect plugin's class loader.
        Connection connection = new org.postgresql.Driver().connect(url, props);
        if (connection == null) {
            throw new SQLException("pgjdbc did not accept the URL " + url, "08001");
        }
        return connection;
    }

    private void reportConnectFailure(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (state.startsWith("28")) {
            error("PostgreSQL at " + address() + " refused role " + quoted(config.user()) + ": " + describe(e)
                    + ". Check database.user and database.password, and that pg_hba.conf lets this role connect "
                    + "to database " + quoted(config.dbname()) + " from the Connect worker's address.",
                    USER_CONFIG, PASSWORD_CONFIG);
        } else if (state.equals("3D000")) {
            error("Database " + quoted(config.dbname()) + " does not exist on " + address() + ": " + describe(e)
                    + ". Check database.dbname.", DBNAME_CONFIG);
        } else if (state.startsWith("08") || causedByIo(e)) {
            error("Cannot connect to PostgreSQL at " + address() + " (connect timeout " + CONNECT_TIMEOUT_SECONDS
                    + " s): " + describe(e) + ". Check database.hostname and database.port, that the server is running "
                    + "and accepts TCP connections from the Connect worker (listen_addresses, pg_hba.conf, firewall).",
                    HOSTNAME_CONFIG, PORT_CONFIG);
            if (Set.of("require", "verify-ca", "verify-full").contains(config.sslMode())) {
                error("The connection to " + address() + " failed with database.sslmode=" + config.sslMode()
                        + ": check that the server has TLS enabled and, for verify-ca/verify-full, the "
                        + "certificates (debezium.database.sslrootcert).", SSLMODE_CONFIG);
            }
        } else {
            error("Cannot log in to PostgreSQL at " + address() + ": " + describe(e) + " (SQLState " + state + ")",
                    HOSTNAME_CONFIG);
        }
    }

    /** The driver's message without its final period, and the root cause when the driver hides it. */
    private static String describe(Throwable e) {
        String message = String.valueOf(e.getMessage()).strip();
        if (message.endsWith(".")) {
            message = message.substring(0, message.length() - 1);
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? message : message + " (" + root + ")";
    }

    private static boolean causedByIo(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    private void checkWalLevel(Connection connection) throws SQLException {
        String walLevel = queryString(connection, "SHOW wal_level");
        if (!"logical".equals(walLevel)) {
            error("wal_level is '" + walLevel + "' on " + address() + ", and logical replication needs "
                    + "wal_level = logical. Set wal_level = logical in postgresql.conf (or run ALTER SYSTEM SET "
                    + "wal_level = logical) and restart PostgreSQL. On a managed service set the provider's logical "
                    + "replication parameter instead (Amazon RDS/Aurora: rds.logical_replication = 1; Google Cloud "
                    + "SQL: cloudsql.logical_decoding = on; Azure: wal_level = logical) and restart the instance.",
                    HOSTNAME_CONFIG);
        }
    }

    private void checkReplicationRole(Connection connection) throws SQLException {
        boolean mayReplicate = queryBoolean(connection, """
                SELECT r.rolsuper OR r.rolreplication OR EXISTS (
                    SELECT 1 FROM pg_catalog.pg_roles g
                    WHERE g.rolname IN ('rds_replication', 'rds_superuser')
                      AND pg_has_role(r.oid, g.oid, 'MEMBER'))
                FROM pg_catalog.pg_roles r WHERE r.rolname = current_user
                """);
        if (!mayReplicate) {
            String role = Identifiers.quote(config.user());
            error("Role " + quoted(config.user()) + " may not use logical replication: it needs the REPLICATION "
                    + "attribute or superuser. Run as a superuser: ALTER ROLE " + role + " WITH REPLICATION; "
                    + "(on Amazon RDS/Aurora: GRANT rds_replication TO " + role + ";)", USER_CONFIG);
        }
    }

    private void checkTables(List<CatalogTable> tables) {
        if (config.tableIncludeList().isEmpty() && tables.isEmpty()) {
            error("Database " + quoted(config.dbname()) + " on " + address() + " has no tables outside system and "
                    + "TimescaleDB internal schemas; check database.dbname.", TABLE_INCLUDE_LIST_CONFIG);
            return;
        }
        List<TableId> missing = ids(tables, t -> !t.exists());
        if (!missing.isEmpty()) {
            error("Tables not found in database " + quoted(config.dbname()) + ": " + list(missing)
                    + ". Names are exact and case-sensitive; quote mixed-case names (\"Schema\".\"Table\").",
                    TABLE_INCLUDE_LIST_CONFIG);
        }
        List<TableId> notTables = ids(tables, t -> t.exists() && !t.isTable());
        if (!notTables.isEmpty()) {
            error("Not tables (views, sequences, foreign tables, ... cannot be replicated): " + list(notTables)
                    + ". Remove them from table.include.list.", TABLE_INCLUDE_LIST_CONFIG);
        }
        List<TableId> unreadable = ids(tables, t -> t.isTable() && !t.canSelect());
        if (!unreadable.isEmpty()) {
            error("Role " + quoted(config.user()) + " lacks SELECT on " + list(unreadable) + ". Run: GRANT SELECT ON "
                    + sqlList(unreadable) + " TO " + Identifiers.quote(config.user()) + ";", TABLE_INCLUDE_LIST_CONFIG);
        }
        List<TableId> noIdentity = ids(tables, t -> t.isTable() && !t.hasReplicaIdentity());
        if (!noIdentity.isEmpty()) {
            error("Tables without primary key and without REPLICA IDENTITY FULL: " + list(noIdentity) + ". Their "
                    + "updates and deletes could not be migrated, and once they are in the publication PostgreSQL "
                    + "rejects UPDATE and DELETE on them. Add a primary key, or run ALTER TABLE ... REPLICA "
                    + "IDENTITY FULL for each (" + identityStatement(noIdentity.get(0)) + "), or leave them out "
                    + "of table.include.list.", TABLE_INCLUDE_LIST_CONFIG);
        }
    }

    private static String identityStatement(TableId table) {
        return "ALTER TABLE " + table.quoted() + " REPLICA IDENTITY FULL;";
    }

    private void checkSlot(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT slot_type, plugin, database FROM pg_catalog.pg_replication_slots WHERE slot_name = ?")) {
            statement.setString(1, config.slotName());
            try (ResultSet rs = statement.executeQuery()) {
                if (rs.next()) {
                    String plugin = rs.getString("plugin");
                    String database = rs.getString("database");
                    if (!"logical".equals(rs.getString("slot_type")) || !"pgoutput".equals(plugin)
                            || !config.dbname().equals(database)) {
                        error("Replication slot " + quoted(config.slotName()) + " already exists for "
                                + (plugin == null ? "physical replication" : "plugin " + plugin + " on database "
                                + quoted(database)) + ". Choose another slot.name, or drop it if it is unused: "
                                + "SELECT pg_drop_replication_slot('" + config.slotName() + "');", SLOT_NAME_CONFIG);
                    }
                    return;
                }
            }
        }
        boolean full = queryBoolean(connection, "SELECT count(*) >= current_setting('max_replication_slots')::int "
                + "FROM pg_catalog.pg_replication_slots");
        if (full) {
            error("Every replication slot on " + address() + " is taken (max_replication_slots = "
                    + queryString(connection, "SHOW max_replication_slots") + "), so slot "
                    + quoted(config.slotName()) + " cannot be created. Drop an unused slot "
                    + "(SELECT pg_drop_replication_slot('name')) or raise max_replication_slots and restart "
                    + "PostgreSQL.", SLOT_NAME_CONFIG);
        }
    }

    /**
     * Debezium creates the publication, or alters it to hold exactly the captured tables; both need
     * ownership of the tables, and creating needs CREATE on the database. A publication prepared by
     * the owner with exactly those tables is used as it is.
     */
    private void checkPublication(Connection connection, List<CatalogTable> tables) throws SQLException {
        Boolean allTables = null;
        Set<TableId> published = new HashSet<>();
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT p.puballtables, t.schemaname, t.tablename FROM pg_catalog.pg_publication p "
                        + "LEFT JOIN pg_catalog.pg_publication_tables t ON t.pubname = p.pubname WHERE p.pubname = ?")) {
            statement.setString(1, config.publicationName());
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    allTables = rs.getBoolean("puballtables");
                    if (rs.getString("schemaname") != null) {
                        published.add(new TableId(rs.getString("schemaname"), rs.getString("tablename")));
                    }
                }
            }
        }
        String name = config.publicationName();
        if (Boolean.TRUE.equals(allTables)) {
            error("Publication " + quoted(name) + " publishes ALL TABLES; pg2ts needs one with exactly the captured "
                    + "tables. Choose another publication.name, or drop it if it is unused: DROP PUBLICATION "
                    + Identifiers.quote(name) + ";", PUBLICATION_NAME_CONFIG);
            return;
        }
        List<CatalogTable> captured = tables.stream().filter(CatalogTable::isTable).toList();
        Set<TableId> wanted = captured.stream().map(CatalogTable::id).collect(Collectors.toSet());
        if (captured.isEmpty() || wanted.equals(published)) {
            return;
        }
        List<TableId> notOwned = ids(captured, t -> !t.owned());
        boolean mayCreate = allTables != null || queryBoolean(connection,
                "SELECT has_database_privilege(current_database(), 'CREATE')");
        if (!notOwned.isEmpty() || !mayCreate) {
            error("Publication " + quoted(name) + (allTables == null ? " does not exist" : " does not hold exactly the "
                    + "captured tables") + ", and role " + quoted(config.user()) + " cannot "
                    + (allTables == null ? "create" : "alter") + " it: "
                    + (notOwned.isEmpty() ? "" : "it does not own " + list(notOwned) + (mayCreate ? "" : "; "))
                    + (mayCreate ? "" : "it lacks CREATE on database " + quoted(config.dbname()))
                    + ". Have the tables' owner run: " + (allTables == null ? "CREATE" : "ALTER") + " PUBLICATION "
                    + Identifiers.quote(name) + (allTables == null ? " FOR TABLE " : " SET TABLE ")
                    + sqlList(wanted.stream().sorted().toList()) + ";", PUBLICATION_NAME_CONFIG);
        }
    }

    private void error(String message, String... fields) {
        for (String field : fields) {
            values.get(field).addErrorMessage(message);
        }
    }

    private String address() {
        return config.hostname() + ":" + config.port();
    }

    private static String quoted(String name) {
        return "\"" + name + "\"";
    }

    private static List<TableId> ids(List<CatalogTable> tables, Predicate<CatalogTable> filter) {
        return tables.stream().filter(filter).map(CatalogTable::id).toList();
    }

    private static String list(List<TableId> tables) {
        String shown = tables.stream().limit(MAX_LISTED_TABLES).map(TableId::toString).collect(Collectors.joining(", "));
        return tables.size() > MAX_LISTED_TABLES ? shown + " and " + (tables.size() - MAX_LISTED_TABLES) + " more" : shown;
    }

    private static String sqlList(List<TableId> tables) {
        String shown = tables.stream().limit(MAX_LISTED_TABLES).map(TableId::quoted).collect(Collectors.joining(", "));
        return tables.size() > MAX_LISTED_TABLES ? shown + ", ... (" + tables.size() + " tables in all)" : shown;
    }

    private static String queryString(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static boolean queryBoolean(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            return rs.next() && rs.getBoolean(1);
        }
    }
}
