package io.pg2ts.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.pg2ts.testsupport.LocalPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code PostgresSourceConnector.validate} against real servers. */
class SourceDatabaseCheckTest {

    private static final String DB = "shop";

    private static LocalPostgres source;

    @BeforeAll
    static void startSource() throws Exception {
        source = LocalPostgres.startSource();
        source.createDatabase(DB);
        source.execute(DB,
                "CREATE TABLE public.orders (id bigint PRIMARY KEY, total numeric(12, 2))",
                "CREATE TABLE public.events (at timestamptz, payload text)",
                "CREATE TABLE public.audit (at timestamptz, payload text)",
                "ALTER TABLE public.audit REPLICA IDENTITY FULL",
                "CREATE VIEW public.order_totals AS SELECT sum(total) FROM public.orders",
                "CREATE ROLE reader LOGIN",
                "GRANT SELECT ON public.orders TO reader",
                "CREATE ROLE replicator LOGIN REPLICATION",
                "CREATE ROLE replicator_reader LOGIN REPLICATION",
                "GRANT SELECT ON public.orders TO replicator_reader",
                "CREATE ROLE pw_user LOGIN REPLICATION PASSWORD 'right-password'");
        requirePasswordFor("pw_user");
    }

    /** The embedded server trusts everyone; this makes it ask pw_user for a password. */
    private static void requirePasswordFor(String role) throws Exception {
        try (Connection c = source.connect(DB); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SHOW hba_file")) {
            rs.next();
            Path hba = Path.of(rs.getString(1));
            Files.writeString(hba, "host all " + role + " 127.0.0.1/32 scram-sha-256\n" + Files.readString(hba));
            s.execute("SELECT pg_reload_conf()");
        }
    }

    @AfterAll
    static void stopSource() {
        source.close();
    }

    @Test
    void validConfigurationValidatesClean() {
        Map<String, String> props = TestConfigs.forServer(source, DB);
        props.put("table.include.list", "public.orders,public.audit");

        assertThat(TestValidation.errors(validate(props))).isEmpty();
    }

    @Test
    void walLevelReplicaIsReportedOnHostnameWithTheFix() {
        try (LocalPostgres replica = LocalPostgres.start(Map.of("wal_level", "replica"))) {
            Map<String, String> props = TestConfigs.forServer(replica, "postgres");

            List<String> errors = messages(validate(props), "database.hostname");

            assertThat(errors).singleElement().asString()
                    .contains("wal_level", "'replica'", "wal_level = logical", "ALTER SYSTEM", "restart");
        }
    }

    @Test
    void unreachablePortIsReportedOnHostnameAndPort() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Map<String, String> props = TestConfigs.forServer(source, DB);
        props.put("database.port", Integer.toString(closedPort));

        Config result = validate(props);

        assertThat(messages(result, "database.hostname")).singleElement().asString()
                .contains("127.0.0.1:" + closedPort, "database.port");
        assertThat(messages(result, "database.port")).hasSize(1);
    }

    @Test
    void wrongPasswordIsReportedOnUserAndPassword() {
        Map<String, String> props = TestConfigs.forServer(source, DB);
        props.put("database.user", "pw_user");
        props.put("database.password", "wrong-password");

        Config result = validate(props);

        assertThat(messages(result, "database.user")).singleElement().asString().contains("pw_user", "password");
        assertThat(messages(result, "database.password")).hasSize(1);
        assertThat(messages(result, "database.hostname")).isEmpty();
        assertThat(String.join("\n", TestValidation.errors(result))).doesNotContain("wrong-password");
    }

    @Test
    void unknownRoleIsReportedOnUser() {
        Map<String, String> props = TestConfigs.forServer(source, DB);
        props.put("database.user", "nobody");

        assertThat(messages(validate(props), "database.user")).singleElement().asString().contains("nobody");
    }

    @Test
    void unknownDatabaseIsReportedOnDbname() {
        Map<String, String> props = TestConfigs.forServer(source, "no_such_db");

        Config result = validate(props);

        assertThat(messages(result, "database.dbname")).singleElement().asString().contains("no_such_db");
        assertThat(messages(result, "database.hostname")).isEmpty();
    }

    @Test
    void roleWithoutReplicationIsReportedOnUserWithTheStatementToRun() {
        Map<String, String> props = TestConfigs.forServer(source, DB);
        props.put("database.user", "reader");
        props.put("table.include.list", "public.orders");

        assertThat(messages(validate(props), "database.user")).singleElement().asString()
                .contains("REPLICATION", "ALTER ROLE \"reader\" WITH REPLICATION", "rds_replication");
    }

    @Test
    void roleWithoutSelectIsReportedOnTableIncludeListNamingTheTables() {
        Map<String, String> props = TestConfigs.forServer(source, DB);
        props.put("database.user", "replicator");
        props.put("table.include.list", "public.orders");

        Config result = validate(props);

        assertThat(messages(result, "table.include.list")).singleElement().asString()
                .contains("public.orders", "GRANT SELECT ON \"public\".\"orders\" TO \"replicator\"");
        assertThat(messages(result, "database.user")).isEmpty();
    }

    @Test
    void missingTablesAreNamed() {
        Map<String, String> props = TestConfigs.forServer(source, DB);
        props.put("table.include.list", "public.orders,public.nope,\"Public\".orders");

        assertThat(messages(validate(props), "table.include.list")).singleElement().asString()
                .contains("public.nope", "Public.orders").doesNotContain("public.orders,");
    }

    @Test
    void viewsAreNotTables() {
        Map<String, String> props = TestConfigs.forServer(source, DB);
        props.put("table.include.list", "public.order_totals");

        assertThat(messages(validate(props), "table.include.list")).singleElement().asString()
                .contains("public.order_totals", "Not tables");
    }

    @Test
    void tableWithoutPrimaryKeyOrReplicaIdentityFullIsAnError() {
        Map<String, String> props = TestConfigs.forServer(source, DB);

        assertThat(messages(validate(props), "table.include.list")).singleElement().asString()
                .contains("public.events", "REPLICA IDENTITY FULL",
                        "ALTER TABLE \"public\".\"events\" REPLICA IDENTITY FULL;")
                .doesNotContain("public.audit", "public.orders");
    }

    @Test
    void roleThatCannotCreateThePublicationIsToldWhoMust() {
        Map<String, String> props = TestConfigs.forServer(source, DB);
        props.put("database.user", "replicator_reader");
        props.put("table.include.list", "public.orders");

        assertThat(messages(validate(props), "publication.name")).singleElement().asString()
                .contains("does not own public.orders",
                        "CREATE PUBLICATION \"pg2ts_orders_migration\" FOR TABLE \"public\".\"orders\";");
    }

    @Test
    void publicationPreparedByTheOwnerIsAccepted() throws Exception {
        source.execute(DB, "CREATE PUBLICATION prepared FOR TABLE public.orders");
        try {
            Map<String, String> props = TestConfigs.forServer(source, DB);
            props.put("database.user", "replicator_reader");
            props.put("table.include.list", "public.orders");
            props.put("publication.name", "prepared");

            assertThat(TestValidation.errors(validate(props))).isEmpty();
        } finally {
            source.execute(DB, "DROP PUBLICATION prepared");
        }
    }

    @Test
    void publicationForAllTablesIsRejected() throws Exception {
        source.execute(DB, "CREATE PUBLICATION everything FOR ALL TABLES");
        try {
            Map<String, String> props = TestConfigs.forServer(source, DB);
            props.put("table.include.list", "public.orders");
            props.put("publication.name", "everything");

            assertThat(messages(validate(props), "publication.name")).singleElement().asString()
                    .contains("ALL TABLES", "DROP PUBLICATION \"everything\"");
        } finally {
            source.execute(DB, "DROP PUBLICATION everything");
        }
    }

    @Test
    void slotOfAnotherDatabaseIsReportedOnSlotName() throws Exception {
        source.execute("postgres", "SELECT pg_create_logical_replication_slot('taken', 'pgoutput')");
        try {
            Map<String, String> props = TestConfigs.forServer(source, DB);
            props.put("table.include.list", "public.orders");
            props.put("slot.name", "taken");

            assertThat(messages(validate(props), "slot.name")).singleElement().asString()
                    .contains("\"taken\"", "database \"postgres\"", "pg_drop_replication_slot('taken')");
        } finally {
            source.execute("postgres", "SELECT pg_drop_replication_slot('taken')");
        }
    }

    private static Config validate(Map<String, String> props) {
        return new PostgresSourceConnector().validate(props);
    }

    private static List<String> messages(Config result, String option) {
        ConfigValue value = TestValidation.byName(result).get(option);
        return value.errorMessages();
    }
}
