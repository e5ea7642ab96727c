package io.pg2ts.cli.schema;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The part of a schema that waits until after the snapshot (secondary indexes, foreign keys,
 * triggers), kept on the target itself in {@code pg2ts.deferred_schema}, beside the sink's
 * {@code pg2ts.sink_offsets}: it belongs to that database, survives the machine that ran
 * {@code pg2ts schema}, and {@link #finish(Connection)} needs nothing but a connection to the
 * target (no client tools, no file to keep). Each object is created in its own transaction with
 * the mark that it was, so a failed or interrupted finish goes on where it stopped, and a
 * finished one does nothing.
 */
public final class DeferredSchema {

    static final String TABLE = "pg2ts.deferred_schema";

    // The header pg_restore writes before each entry of a script.
    private static final Pattern HEADER = Pattern.compile("^-- Name: (.*); Type: (.*); Schema: (.*); Owner: (.*)$");

    private DeferredSchema() {
    }

    /**
     * One deferred object.
     *
     * @param kind the dump's entry type: INDEX, FK CONSTRAINT, CONSTRAINT, TRIGGER, COMMENT, ...
     * @param name as the dump names it, with its schema: "public.orders_customer_idx",
     *     "public.orders orders_customer_fkey" (table, then constraint or trigger)
     * @param sql the statements that create it; names in them are schema-qualified
     */
    public record Entry(String kind, String name, String sql) {

        /** "index", "foreign key", "trigger", ... */
        public String label() {
            return switch (kind) {
                case "FK CONSTRAINT" -> "foreign key";
                default -> kind.toLowerCase(Locale.ROOT);
            };
        }

        /** "index public.orders_customer_idx", "foreign key orders_customer_fkey on public.orders". */
        public String describe() {
            String label = label();
            int space = name.indexOf(' ');
            boolean onTable = space > 0 && (kind.contains("CONSTRAINT") || kind.contains("TRIGGER"));
            return onTable ? label + " " + name.substring(space + 1) + " on " + name.substring(0, space) : label + " " + name;
        }
    }

    /**
     * What a finish did.
     *
     * @param created the objects it created, in order
     * @param createdBefore how many deferred objects earlier runs had created already
     */
    public record Finished(List<Entry> created, int createdBefore) {

        /** "created 2 indexes, 1 foreign key", or why there was nothing to do. */
        public String summary() {
            if (created.isEmpty()) {
                return createdBefore == 0 ? "nothing deferred on this target: no deferred schema to create"
                        : "nothing to do: the " + createdBefore + " deferred object(s) were created already";
            }
            Map<String, Integer> counts = new LinkedHashMap<>();
            for (Entry entry : created) {
                counts.merge(entry.label(), 1, Integer::sum);
            }
            List<String> parts = new ArrayList<>();
            counts.forEach((label, n) -> parts.add(n + " " + (n == 1 ? label : SchemaPlan.plural(label))));
            return "created " + String.join(", ", parts);
        }
    }

    /** The entries of a {@code pg_restore --file} script, without its session settings and comments. */
    static List<Entry> parseScript(String script) {
        List<Entry> entries = new ArrayList<>();
        String kind = null;
        String name = null;
        StringBuilder sql = new StringBuilder();
        for (String line : script.split("\n")) {
            Matcher header = HEADER.matcher(line);
            if (header.matches()) {
                add(entries, kind, name, sql);
                kind = header.group(2);
                String schema = header.group(3);
                name = (schema.equals("-") ? "" : schema + ".") + header.group(1);
                sql.setLength(0);
            } else if (kind != null && !isSessionOrComment(line)) {
                sql.append(line).append('\n');
            }
        }
        add(entries, kind, name, sql);
        return entries;
    }

    // Settings pg_restore puts between entries (search_path, default_tablespace, ...), the psql
    // meta-commands of newer versions (\restrict), and comments: finish sets what it needs itself.
    private static boolean isSessionOrComment(String line) {
        return line.startsWith("--") || line.startsWith("\\") || line.startsWith("SET ")
                || line.startsWith("SELECT pg_catalog.set_config(");
    }

    private static void add(List<Entry> entries, String kind, String name, StringBuilder sql) {
        String text = sql.toString().strip();
        if (kind != null && !text.isEmpty()) {
            entries.add(new Entry(kind, name, text));
        }
    }

    /** Keeps the entries on the target, for a later {@link #finish(Connection)}. */
    static void store(Connection target, List<Entry> entries) throws SQLException {
        boolean autoCommit = target.getAutoCommit();
        target.setAutoCommit(false);
        try (Statement s = target.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS pg2ts");
            s.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (position integer PRIMARY KEY, kind text NOT NULL, "
                    + "name text NOT NULL, statement text NOT NULL, deferred_at timestamptz NOT NULL DEFAULT now(), "
                    + "created_at timestamptz)");
            int position;
            try (ResultSet rs = s.executeQuery("SELECT coalesce(max(position), 0) FROM " + TABLE)) {
                rs.next();
                position = rs.getInt(1);
            }
            try (PreparedStatement insert = target.prepareStatement("INSERT INTO " + TABLE
                    + " (position, kind, name, statement) VALUES (?, ?, ?, ?)")) {
                for (Entry entry : entries) {
                    insert.setInt(1, ++position);
                    insert.setString(2, entry.kind());
                    insert.setString(3, entry.name());
                    insert.setString(4, entry.sql());
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            target.commit();
        } catch (SQLException e) {
            target.rollback();
            throw e;
        } finally {
            target.setAutoCommit(autoCommit);
        }
    }

    /** Creates the entries now, in one transaction. */
    static void create(Connection target, List<Entry> entries) throws SchemaException, SQLException {
        boolean autoCommit = target.getAutoCommit();
        target.setAutoCommit(false);
        try {
            for (Entry entry : entries) {
                execute(target, entry);
            }
            target.commit();
        } catch (SchemaException | SQLException e) {
            target.rollback();
            throw e;
        } finally {
            target.setAutoCommit(autoCommit);
        }
    }

    /**
     * Creates what {@code pg2ts schema --defer-indexes} left for after the snapshot, each object in
     * its own transaction; safe to run again (it skips what exists) and from several places at once.
     *
     * @throws SchemaException naming the object that could not be created and why; those before it stay created
     */
    public static Finished finish(Connection target) throws SchemaException, SQLException {
        if (!exists(target)) {
            return new Finished(List.of(), 0);
        }
        List<Integer> pending = new ArrayList<>();
        int createdBefore = 0;
        try (Statement s = target.createStatement();
                ResultSet rs = s.executeQuery("SELECT position, created_at IS NOT NULL FROM " + TABLE + " ORDER BY position")) {
            while (rs.next()) {
                if (rs.getBoolean(2)) {
                    createdBefore++;
                } else {
                    pending.add(rs.getInt(1));
                }
            }
        }
        List<Entry> created = new ArrayList<>();
        boolean autoCommit = target.getAutoCommit();
        target.setAutoCommit(false);
        try {
            for (int position : pending) {
                Entry entry = lockPending(target, position);
                if (entry != null) {
                    execute(target, entry);
                    try (PreparedStatement mark = target.prepareStatement("UPDATE " + TABLE
                            + " SET created_at = now() WHERE position = ?")) {
                        mark.setInt(1, position);
                        mark.executeUpdate();
                    }
                    created.add(entry);
                }
                target.commit();
            }
        } catch (SchemaException | SQLException e) {
            target.rollback();
            throw e;
        } finally {
            target.setAutoCommit(autoCommit);
        }
        return new Finished(created, createdBefore);
    }

    /** How many deferred objects wait to be created (0 when there is no deferred schema). */
    public static int pending(Connection target) throws SQLException {
        if (!exists(target)) {
            return 0;
        }
        try (Statement s = target.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM " + TABLE + " WHERE created_at IS NULL")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static boolean exists(Connection target) throws SQLException {
        try (Statement s = target.createStatement();
                ResultSet rs = s.executeQuery("SELECT pg_catalog.to_regclass('" + TABLE + "') IS NOT NULL")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    // Another finish (cutover's and a user's) may hold it: wait, then skip it if that one created it.
    private static Entry lockPending(Connection target, int position) throws SQLException {
        try (PreparedStatement s = target.prepareStatement("SELECT kind, name, statement FROM " + TABLE
                + " WHERE position = ? AND created_at IS NULL FOR UPDATE")) {
            s.setInt(1, position);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? new Entry(rs.getString(1), rs.getString(2), rs.getString(3)) : null;
            }
        }
    }

    // pg_dump's statements qualify every name and expect an empty search_path; set it for this transaction only.
    private static void execute(Connection target, Entry entry) throws SchemaException, SQLException {
        try (Statement s = target.createStatement()) {
            s.execute("SELECT pg_catalog.set_config('search_path', '', true)");
            s.execute("SET LOCAL check_function_bodies = false");
            s.execute(entry.sql());
        } catch (SQLException e) {
            throw new SchemaException("could not create the deferred " + entry.describe() + ": " + e.getMessage()
                    + " (SQLState " + e.getSQLState() + "). Fix the cause on the target (for a unique index or "
                    + "foreign key: the rows that violate it) and run `pg2ts schema --finish` again; it goes on from "
                    + "this object.", e);
        }
    }
}
