package io.pg2ts.cli.schema;

import io.pg2ts.cli.connect.PostgresEndpoint;
import io.pg2ts.common.HypertableSpec;
import io.pg2ts.common.TableId;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Copies a source database's schema to the target with the PostgreSQL client tools: {@code pg_dump
 * --schema-only} into an archive, then {@code pg_restore} of its entries in two parts. First, in one
 * transaction, everything the sink needs before rows land (types, domains, sequences, tables with
 * their primary keys, views, functions), after which the sink configuration's hypertables are
 * converted; then the rest (secondary indexes, foreign keys, unique constraints, triggers), either
 * at once or, deferred, kept on the target for {@link #finish}. See {@link SchemaPlan} for which is which.
 */
public final class SchemaCopy {

    private SchemaCopy() {
    }

    /**
     * @param pgBin the directory of pg_dump and pg_restore, or null for the PATH
     * @param deferIndexes whether secondary indexes, foreign keys and triggers wait for {@link #finish}
     * @param keepOwners whether to copy owners and privileges (the roles must exist on the target)
     * @param hypertables the sink's hypertable options by target table, which is the source table's name
     */
    public record Options(Path pgBin, boolean deferIndexes, boolean keepOwners, Map<TableId, HypertableSpec> hypertables) {
    }

    /** The hypertable options of a sink connector's JSON configuration file. */
    public static Map<TableId, HypertableSpec> hypertables(Path sinkConfig) throws SchemaException {
        return HypertableSetup.readSinkConfig(sinkConfig);
    }

    /**
     * Copies the schema, printing a line per step.
     *
     * @throws SchemaException saying what failed and what to do
     */
    public static void copy(PostgresEndpoint source, PostgresEndpoint target, Options options, PrintStream out)
            throws SchemaException {
        int sourceMajor;
        List<HypertableSpec> hypertables;
        try (Connection s = open(source, "source")) {
            String version;
            try (Statement st = s.createStatement(); ResultSet rs = st.executeQuery(
                    "SELECT current_setting('server_version_num')::int, current_setting('server_version')")) {
                rs.next();
                sourceMajor = rs.getInt(1) / 10000;
                version = rs.getString(2);
            }
            ClientTools tools = ClientTools.find(options.pgBin(), sourceMajor);
            out.printf("source %s is PostgreSQL %s; using pg_dump %s (%s) and pg_restore %s (%s)%n", source, version,
                    tools.pgDump().version(), tools.pgDump().path(), tools.pgRestore().version(), tools.pgRestore().path());
            hypertables = HypertableSetup.check(s, options.hypertables());
            for (TableId table : options.hypertables().keySet()) {
                if (hypertables.stream().noneMatch(spec -> spec.table().equals(table))) {
                    out.printf("%s: listed in hypertables but not a table of the source; the sink makes it a hypertable "
                            + "if it creates it%n", table);
                }
            }
            if (!hypertables.isEmpty()) {
                try (Connection t = open(target, "target")) {
                    HypertableSetup.requireTimescale(t, hypertables);
                }
            }
            Path work = Files.createTempDirectory("pg2ts-schema-");
            try {
                copy(s, tools, source, target, options, hypertables, work, out);
            } finally {
                deleteTree(work);
            }
        } catch (SQLException e) {
            throw new SchemaException("a query failed: " + e.getMessage() + " (SQLState " + e.getSQLState() + ")", e);
        } catch (IOException e) {
            throw new SchemaException("could not use a temporary directory for the schema dump: " + e.getMessage(), e);
        }
    }

    private static void copy(Connection sourceConnection, ClientTools tools, PostgresEndpoint source,
            PostgresEndpoint target, Options options, List<HypertableSpec> hypertables, Path work, PrintStream out)
            throws SchemaException, SQLException, IOException {
        Path dump = work.resolve("schema.dump");
        List<String> pgDump = new ArrayList<>(List.of(tools.pgDump().path().toString(), "--schema-only",
                "--format=custom", "--file=" + dump, "--no-publications", "--no-subscriptions", "--no-tablespaces",
                "--no-security-labels"));
        SchemaPlan.excludedSchemaPatterns().forEach(pattern -> pgDump.add("--exclude-schema=" + pattern));
        pgDump.addAll(ownership(options));
        pgDump.add("--dbname=" + ClientTools.conninfo(source));
        check(ClientTools.run(pgDump, source.password(), work), "pg_dump", "reading the schema of the source " + source,
                "check that " + source.user() + " may read every schema and table of the source database");

        ClientTools.Result listing = ClientTools.run(List.of(tools.pgRestore().path().toString(), "--list", dump.toString()),
                null, work);
        check(listing, "pg_restore --list", "listing the schema dump", "check the pg_restore installation");
        List<TocEntry> entries = TocEntry.parse(listing.stdout());
        SchemaPlan plan = SchemaPlan.of(entries, SchemaPlan.readFacts(sourceConnection, entries));

        Path nowList = writeList(work.resolve("now.list"), plan.now());
        List<String> restore = new ArrayList<>(List.of(tools.pgRestore().path().toString(),
                "--dbname=" + ClientTools.conninfo(target), "--use-list=" + nowList, "--single-transaction",
                "--exit-on-error"));
        restore.addAll(ownership(options));
        restore.add(dump.toString());
        check(ClientTools.run(restore, target.password(), work), "pg_restore", "creating the schema in the target "
                + target, "nothing was created (one transaction). If the target holds some of these objects already "
                + "(from an earlier run), drop them or start from an empty database; if a role or extension is "
                + "missing there, create it" + (options.keepOwners() ? " or leave out --keep-owners" : ""));
        out.printf("created %s in the target %s%n", plan.count(plan.now()), target);

        List<DeferredSchema.Entry> rest = List.of();
        if (!plan.deferred().isEmpty()) {
            Path script = work.resolve("deferred.sql");
            List<String> toScript = new ArrayList<>(List.of(tools.pgRestore().path().toString(), "--file=" + script,
                    "--use-list=" + writeList(work.resolve("deferred.list"), plan.deferred())));
            toScript.addAll(ownership(options));
            toScript.add(dump.toString());
            check(ClientTools.run(toScript, null, work), "pg_restore", "writing the indexes, foreign keys and triggers "
                    + "as SQL", "check the free space in " + work.getParent());
            rest = DeferredSchema.parseScript(Files.readString(script, StandardCharsets.UTF_8));
        }

        try (Connection t = open(target, "target")) {
            for (HypertableSpec spec : hypertables) {
                out.println(HypertableSetup.convert(t, spec));
            }
            if (rest.isEmpty()) {
                return;
            }
            if (options.deferIndexes()) {
                DeferredSchema.store(t, rest);
                out.printf("deferred %s (kept in %s on the target): run `pg2ts schema --finish` or `pg2ts cutover` "
                        + "once the snapshot is applied%n", plan.count(plan.deferred()), DeferredSchema.TABLE);
            } else {
                DeferredSchema.create(t, rest);
                out.printf("created %s%n", plan.count(plan.deferred()));
            }
        }
    }

    /**
     * Creates what a {@code --defer-indexes} copy left for after the snapshot; does nothing when that
     * is done already, or there was none.
     *
     * @throws SchemaException naming the object that failed and what to do
     */
    public static DeferredSchema.Finished finish(PostgresEndpoint target) throws SchemaException {
        try (Connection t = open(target, "target")) {
            return DeferredSchema.finish(t);
        } catch (SQLException e) {
            throw new SchemaException("a query on the target failed: " + e.getMessage() + " (SQLState "
                    + e.getSQLState() + ")", e);
        }
    }

    private static List<String> ownership(Options options) {
        return options.keepOwners() ? List.of() : List.of("--no-owner", "--no-privileges");
    }

    private static void check(ClientTools.Result result, String tool, String doing, String advice) throws SchemaException {
        if (result.exitCode() != 0) {
            String stderr = result.stderr().strip().replaceAll("(?i)(password=)\\S*", "$1***");
            throw new SchemaException(tool + " failed while " + doing + " (exit " + result.exitCode() + "): "
                    + (stderr.isEmpty() ? "no message" : stderr) + "\n" + advice);
        }
    }

    private static Path writeList(Path file, List<TocEntry> entries) throws IOException {
        StringBuilder text = new StringBuilder();
        for (TocEntry entry : entries) {
            text.append(entry.line()).append('\n');
        }
        return Files.writeString(file, text.toString(), StandardCharsets.UTF_8);
    }

    private static Connection open(PostgresEndpoint endpoint, String role) throws SchemaException {
        try {
            return DriverManager.getConnection(endpoint.jdbcUrl(), endpoint.user(), endpoint.password());
        } catch (SQLException e) {
            throw new SchemaException("could not connect to the " + role + " " + endpoint + ": " + e.getMessage()
                    + " (check --" + role + " and PGUSER/PGPASSWORD)", e);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            // A leftover temporary directory is harmless.
        }
    }
}
