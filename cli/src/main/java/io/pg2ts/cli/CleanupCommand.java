package io.pg2ts.cli;

import io.pg2ts.cli.connect.ConnectRestClient;
import io.pg2ts.cli.connect.PostgresEndpoint;
import io.pg2ts.cli.connect.Relations;
import io.pg2ts.common.Identifiers;
import io.pg2ts.common.ReplicationNames;
import io.pg2ts.common.TableId;
import java.io.PrintStream;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "cleanup", mixinStandardHelpOptions = true,
        description = {"Removes what a finished migration leaves behind.",
            "Deletes the source and sink connectors from Connect (with --connect), then drops the source's "
                + "replication slot, which otherwise keeps WAL on the source's disk for ever, and its publication. "
                + "With --drop-offsets and --target it also deletes the sink connector's rows from the offsets and "
                + "progress tables on the target, and the tables themselves when no connector has rows left; without "
                + "them a sink of the same name would skip what it already applied, which is what a re-run after a "
                + "restored target must not do.",
            "Slot and publication names come from the source connector's config (its derived names when it sets "
                + "none); without --connect, or when the connector is gone, give --slot (and --publication when it "
                + "differs from the slot's name). "
                + "Exit status 0 when everything named is gone, 2 on an error."})
final class CleanupCommand implements Callable<Integer> {

    private static final Duration SLOT_RELEASE = Duration.ofSeconds(60);

    @Option(names = "--source", required = true, paramLabel = "JDBC_URL", description = "Source database.")
    String source;

    @Option(names = "--target", paramLabel = "JDBC_URL", description = "Target database (for --drop-offsets).")
    String target;

    @Option(names = "--connect", paramLabel = "URL", description = "REST URL of the Kafka Connect cluster running the connectors.")
    URI connect;

    @Mixin
    ConnectorNames connectors;

    @Option(names = "--slot", paramLabel = "NAME", description = "Replication slot to drop (default: the source connector's slot.name).")
    String slot;

    @Option(names = "--publication", paramLabel = "NAME", description = "Publication to drop (default: the source connector's "
            + "publication.name, else the slot's name).")
    String publication;

    @Option(names = "--offsets-schema", defaultValue = "pg2ts", paramLabel = "SCHEMA",
            description = "The sink's offsets.schema on the target (default: ${DEFAULT-VALUE}).")
    String offsetsSchema;

    @Option(names = "--drop-offsets", description = "Also forget what the sink applied (needs --target).")
    boolean dropOffsets;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        if (dropOffsets && target == null) {
            throw new IllegalArgumentException("--drop-offsets needs --target, the database the sink wrote to");
        }
        if (connect != null) {
            ConnectRestClient rest = new ConnectRestClient(connect);
            if (slot == null) {
                slot = setting(rest, "slot.name");
            }
            if (publication == null) {
                publication = setting(rest, "publication.name");
            }
            for (String name : new String[] {connectors.source, connectors.sink}) {
                try {
                    rest.delete(name);
                    out.println("deleted connector " + name);
                } catch (ConnectRestClient.ConnectRestException e) {
                    if (e.status() != 404) {
                        throw e;
                    }
                    out.println("connector " + name + ": none");
                }
            }
        }
        if (slot == null) {
            throw new IllegalArgumentException("no slot name: pass --connect with the cluster that runs "
                    + connectors.source + ", or --slot");
        }
        if (publication == null) {
            publication = slot;
        }
        PostgresEndpoint sourceEndpoint = PostgresEndpoint.fromUrl(source);
        try (Connection db = open(sourceEndpoint)) {
            dropSlot(db, slot, out);
            try (Statement s = db.createStatement()) {
                s.execute("DROP PUBLICATION IF EXISTS " + Identifiers.quote(publication));
            }
            out.println("dropped publication " + publication + " (if it existed)");
        }
        if (dropOffsets) {
            PostgresEndpoint targetEndpoint = PostgresEndpoint.fromUrl(target);
            try (Connection db = open(targetEndpoint)) {
                for (String table : new String[] {"sink_offsets", "sink_tables"}) {
                    forget(db, new TableId(offsetsSchema, table), out);
                }
            }
        }
        return 0;
    }

    // The task's setting while it runs; once stopped (cutover stops it) the connector's config, or
    // the name the source derives from the connector's name when the config sets none.
    private String setting(ConnectRestClient rest, String key) throws Exception {
        try {
            String value = rest.taskSetting(connectors.source, key);
            if (value != null) {
                return value;
            }
            String configured = rest.config(connectors.source).getOrDefault(key, "").strip();
            return configured.isEmpty() ? ReplicationNames.derived(connectors.source) : configured;
        } catch (ConnectRestClient.ConnectRestException e) {
            if (e.status() == 404) {
                return null;
            }
            throw e;
        }
    }

    // A deleted connector's task lets go of the slot a moment later; dropping an active slot fails.
    private static void dropSlot(Connection db, String slot, PrintStream out) throws Exception {
        Instant deadline = Instant.now().plus(SLOT_RELEASE);
        while (true) {
            try (PreparedStatement s = db.prepareStatement(
                    "SELECT active, active_pid FROM pg_replication_slots WHERE slot_name = ?")) {
                s.setString(1, slot);
                try (ResultSet rs = s.executeQuery()) {
                    if (!rs.next()) {
                        out.println("slot " + slot + ": none");
                        return;
                    }
                    if (!rs.getBoolean(1)) {
                        break;
                    }
                    if (Instant.now().isAfter(deadline)) {
                        throw new IllegalStateException("slot " + slot + " is still in use by server process "
                                + rs.getInt(2) + " after " + SLOT_RELEASE + ": stop or delete the connector that "
                                + "reads it (pg2ts cleanup --connect URL), then run cleanup again");
                    }
                }
            }
            Thread.sleep(500);
        }
        try (PreparedStatement s = db.prepareStatement("SELECT pg_drop_replication_slot(?)")) {
            s.setString(1, slot);
            s.execute();
        }
        out.println("dropped replication slot " + slot);
    }

    private void forget(Connection db, TableId table, PrintStream out) throws SQLException {
        if (!Relations.exists(db, table)) {
            return;
        }
        int deleted;
        try (PreparedStatement s = db.prepareStatement("DELETE FROM " + table.quoted() + " WHERE connector = ?")) {
            s.setString(1, connectors.sink);
            deleted = s.executeUpdate();
        }
        boolean empty;
        try (Statement s = db.createStatement();
                ResultSet rs = s.executeQuery("SELECT NOT EXISTS (SELECT 1 FROM " + table.quoted() + ")")) {
            rs.next();
            empty = rs.getBoolean(1);
        }
        if (empty) {
            try (Statement s = db.createStatement()) {
                s.execute("DROP TABLE " + table.quoted());
            }
        }
        out.println(table + ": deleted " + deleted + " rows of " + connectors.sink + (empty ? "; dropped the table, now empty" : ""));
    }

    private static Connection open(PostgresEndpoint endpoint) throws SQLException {
        return endpoint.connect("pg2ts cleanup");
    }
}
