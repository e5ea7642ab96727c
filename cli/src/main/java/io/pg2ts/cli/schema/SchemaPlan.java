package io.pg2ts.cli.schema;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which entries of a schema dump are created before the snapshot, which may wait until after it
 * (secondary indexes, foreign keys, unique and exclusion constraints, triggers), and which are not
 * copied at all (TimescaleDB's own extension and internals).
 *
 * <p>Primary keys are never deferred: the sink upserts on them. Nor are the indexes behind a replica
 * identity. Foreign keys and unique constraints other than the key are deferred because the sink
 * applies each table in the order of its own key, so a child row may land before its parent and two
 * rows may swap a unique value in an order the target would refuse; triggers because they would
 * fire on the sink's writes.
 */
final class SchemaPlan {

    enum Placement { NOW, DEFERRED, SKIPPED }

    /** What the source catalog says about a constraint or index a TOC entry names. */
    record KeyFacts(char constraintType, boolean primary, boolean replicaIdentity) {
    }

    private final List<TocEntry> now = new ArrayList<>();
    private final List<TocEntry> deferred = new ArrayList<>();
    private final Map<Long, KeyFacts> facts;

    private SchemaPlan(Map<Long, KeyFacts> facts) {
        this.facts = facts;
    }

    /**
     * @param defer whether secondary indexes, foreign keys and triggers wait for {@code --finish};
     *     without, they are still created after the tables (and their hypertables), at once
     * @param facts per constraint or index OID (in {@code entries}) what the source's catalog says
     */
    static SchemaPlan of(List<TocEntry> entries, Map<Long, KeyFacts> facts) {
        SchemaPlan plan = new SchemaPlan(facts);
        Set<String> deferredIndexes = new HashSet<>();
        for (TocEntry entry : entries) {
            if (entry.desc().equals("INDEX") && plan.place(entry) == Placement.DEFERRED) {
                deferredIndexes.add(entry.schema() + "." + entry.tag());
            }
        }
        for (TocEntry entry : entries) {
            // Attaching a partition's index waits with that index; a partition's key is attached at once,
            // or the partitioned table's key stays invalid. The entry names the partition's index.
            Placement placement = entry.desc().equals("INDEX ATTACH")
                    ? deferredIndexes.contains(entry.schema() + "." + entry.tag()) ? Placement.DEFERRED : Placement.NOW
                    : plan.place(entry);
            switch (placement) {
                case NOW -> plan.now.add(entry);
                case DEFERRED -> plan.deferred.add(entry);
                case SKIPPED -> { }
            }
        }
        return plan;
    }

    List<TocEntry> now() {
        return now;
    }

    List<TocEntry> deferred() {
        return deferred;
    }

    Placement place(TocEntry entry) {
        if (skipped(entry)) {
            return Placement.SKIPPED;
        }
        KeyFacts key = facts.get(entry.oid());
        return switch (entry.desc()) {
            case "FK CONSTRAINT", "TRIGGER", "EVENT TRIGGER", "MATERIALIZED VIEW DATA" -> Placement.DEFERRED;
            case "INDEX" -> key != null && (key.primary() || key.replicaIdentity())
                    ? Placement.NOW : Placement.DEFERRED;
            case "CONSTRAINT" -> key != null && (key.constraintType() == 'u' || key.constraintType() == 'x')
                    && !key.replicaIdentity() ? Placement.DEFERRED : Placement.NOW;
            // A comment on a deferred object must wait for it; one on a key waits harmlessly.
            case "COMMENT" -> entry.tag().startsWith("INDEX ") || entry.tag().startsWith("CONSTRAINT ")
                    || entry.tag().startsWith("TRIGGER ") || entry.tag().startsWith("EVENT TRIGGER ")
                    ? Placement.DEFERRED : Placement.NOW;
            default -> Placement.NOW;
        };
    }

    private static boolean skipped(TocEntry entry) {
        if (isInternalSchema(entry.schema())) {
            return true;
        }
        return switch (entry.desc()) {
            // The target has its own timescaledb, of its own version; the source's must not touch it.
            case "EXTENSION" -> entry.tag().equals("timescaledb");
            case "COMMENT" -> entry.tag().equals("EXTENSION timescaledb");
            // TimescaleDB's guard against rows in a hypertable's root table; the target's TimescaleDB adds its own.
            case "TRIGGER" -> entry.tag().endsWith(" ts_insert_blocker");
            case "PUBLICATION", "PUBLICATION TABLE", "PUBLICATION TABLES IN SCHEMA", "SUBSCRIPTION",
                    "SUBSCRIPTION TABLE" -> true;
            default -> false;
        };
    }

    /** Schemas a copy leaves out: pg2ts's own and TimescaleDB's internals. */
    static boolean isInternalSchema(String schema) {
        return schema.equals("pg2ts") || schema.startsWith("_timescaledb") || schema.startsWith("timescaledb_");
    }

    /** The {@code pg_dump --exclude-schema} patterns of {@link #isInternalSchema}. */
    static List<String> excludedSchemaPatterns() {
        return List.of("pg2ts", "_timescaledb*", "timescaledb_*");
    }

    /** Reads, for the constraint and index entries, what kind of key they are in the source. */
    static Map<Long, KeyFacts> readFacts(Connection source, List<TocEntry> entries) throws SQLException {
        List<Long> constraints = entries.stream().filter(e -> e.catalog() == TocEntry.PG_CONSTRAINT)
                .map(TocEntry::oid).toList();
        List<Long> indexes = entries.stream().filter(e -> e.catalog() == TocEntry.PG_CLASS && e.desc().equals("INDEX"))
                .map(TocEntry::oid).toList();
        Map<Long, KeyFacts> facts = new HashMap<>();
        try (PreparedStatement s = source.prepareStatement("SELECT c.oid, c.contype, coalesce(i.indisprimary, false), "
                + "coalesce(i.indisreplident, false) FROM pg_catalog.pg_constraint c "
                + "LEFT JOIN pg_catalog.pg_index i ON i.indexrelid = c.conindid WHERE c.oid = ANY (?::oid[])")) {
            s.setArray(1, source.createArrayOf("bigint", constraints.toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    facts.put(rs.getLong(1), new KeyFacts(rs.getString(2).charAt(0), rs.getBoolean(3), rs.getBoolean(4)));
                }
            }
        }
        try (PreparedStatement s = source.prepareStatement("SELECT i.indexrelid, i.indisprimary, i.indisreplident "
                + "FROM pg_catalog.pg_index i WHERE i.indexrelid = ANY (?::oid[])")) {
            s.setArray(1, source.createArrayOf("bigint", indexes.toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    facts.put(rs.getLong(1), new KeyFacts(' ', rs.getBoolean(2), rs.getBoolean(3)));
                }
            }
        }
        return facts;
    }

    /** "5 tables, 2 sequences, 1 view, 3 primary keys" for the kinds a user counts; "nothing" when none. */
    String count(List<TocEntry> entries) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String label : LABEL_ORDER) {
            counts.put(label, 0);
        }
        for (TocEntry entry : entries) {
            String label = label(entry);
            if (label != null) {
                counts.merge(label, 1, Integer::sum);
            }
        }
        List<String> parts = new ArrayList<>();
        counts.forEach((label, n) -> {
            if (n > 0) {
                parts.add(n + " " + (n == 1 ? label : plural(label)));
            }
        });
        return parts.isEmpty() ? "nothing" : String.join(", ", parts);
    }

    private static final List<String> LABEL_ORDER = List.of("schema", "extension", "type", "domain", "sequence", "table",
            "view", "materialized view", "function", "procedure", "aggregate", "primary key", "unique constraint",
            "exclusion constraint", "check constraint", "index", "foreign key", "trigger");

    private static final Set<String> COUNTED = Set.of("SCHEMA", "EXTENSION", "TYPE", "DOMAIN", "SEQUENCE", "TABLE",
            "VIEW", "MATERIALIZED VIEW", "FUNCTION", "PROCEDURE", "AGGREGATE", "INDEX", "FK CONSTRAINT", "TRIGGER",
            "EVENT TRIGGER");

    private String label(TocEntry entry) {
        if (entry.desc().equals("CONSTRAINT") || entry.desc().equals("CHECK CONSTRAINT")) {
            KeyFacts key = facts.get(entry.oid());
            char type = key == null ? 'c' : key.constraintType();
            return switch (type) {
                case 'p' -> "primary key";
                case 'u' -> "unique constraint";
                case 'x' -> "exclusion constraint";
                default -> "check constraint";
            };
        }
        if (!COUNTED.contains(entry.desc())) {
            return null;
        }
        return switch (entry.desc()) {
            case "FK CONSTRAINT" -> "foreign key";
            case "EVENT TRIGGER" -> "trigger";
            default -> entry.desc().toLowerCase(java.util.Locale.ROOT);
        };
    }

    static String plural(String label) {
        return label.endsWith("x") ? label + "es" : label + "s";
    }
}
