package io.pg2ts.sink.schema;

import io.pg2ts.common.Identifiers;
import io.pg2ts.common.TableId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How one target table becomes a TimescaleDB hypertable, from the sink's options:
 *
 * <pre>
 * "hypertables": "public.metrics, public.events",
 * "hypertable.public.metrics.time.column": "ts",
 * "hypertable.public.metrics.chunk.interval": "1 day",
 * "hypertable.public.metrics.partitioning.column": "device_id",
 * "hypertable.public.metrics.partitions": "4",
 * "hypertable.public.metrics.create.default.indexes": "false"
 * </pre>
 *
 * Only {@code time.column} is required. The table is named as in {@code hypertables}, which names
 * target tables (after {@code table.name.format}).
 *
 * @param chunkInterval a PostgreSQL interval, or null for TimescaleDB's default (7 days)
 * @param partitioningColumn a space dimension's column, or null
 * @param partitions the space dimension's partitions, with {@code partitioningColumn}
 */
public record HypertableSpec(TableId table, String timeColumn, String chunkInterval, String partitioningColumn,
        Integer partitions, boolean createDefaultIndexes) {

    public static final String TABLES_CONFIG = "hypertables";
    public static final String PREFIX = "hypertable.";

    static final String TIME_COLUMN = "time.column";
    static final String CHUNK_INTERVAL = "chunk.interval";
    static final String PARTITIONING_COLUMN = "partitioning.column";
    static final String PARTITIONS = "partitions";
    static final String CREATE_DEFAULT_INDEXES = "create.default.indexes";
    private static final Set<String> OPTIONS = Set.of(TIME_COLUMN, CHUNK_INTERVAL, PARTITIONING_COLUMN, PARTITIONS,
            CREATE_DEFAULT_INDEXES);

    // An interval as users write one ("1 day", "6 hours", "30 minutes", "1 week", "P1D"): digits,
    // letters, spaces, signs and dots, no quotes or semicolons.
    private static final Pattern INTERVAL = Pattern.compile("[0-9A-Za-z .:+-]{1,64}");

    /**
     * The hypertable options of a sink configuration, or the problems with them, each naming the
     * table and the option.
     */
    public record Parsed(Map<TableId, HypertableSpec> specs, List<String> problems) {
    }

    /** Parses the {@code hypertables} list and the {@code hypertable.<table>.*} options. */
    public static Parsed parse(Map<String, String> config) {
        Map<TableId, HypertableSpec> specs = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        String list = config.getOrDefault(TABLES_CONFIG, "");
        List<String> names = new ArrayList<>();
        for (String entry : splitList(list)) {
            TableId table;
            try {
                table = TableId.parse(entry);
            } catch (IllegalArgumentException e) {
                problems.add(TABLES_CONFIG + ": '" + entry + "' is not schema.table: " + e.getMessage());
                continue;
            }
            names.add(entry);
            String prefix = PREFIX + entry + ".";
            String time = config.get(prefix + TIME_COLUMN);
            if (time == null || time.isBlank()) {
                problems.add("Hypertable " + table + ": set " + prefix + TIME_COLUMN
                        + " to its time column (timestamptz, timestamp, date or an integer type, NOT NULL)");
                continue;
            }
            String interval = blankToNull(config.get(prefix + CHUNK_INTERVAL));
            if (interval != null && !INTERVAL.matcher(interval).matches()) {
                problems.add("Hypertable " + table + ": " + prefix + CHUNK_INTERVAL + " '" + interval
                        + "' is not an interval such as '1 day' or '6 hours'");
                continue;
            }
            String space = blankToNull(config.get(prefix + PARTITIONING_COLUMN));
            String partitionsText = blankToNull(config.get(prefix + PARTITIONS));
            Integer partitions = null;
            if (partitionsText != null) {
                try {
                    partitions = Integer.valueOf(partitionsText);
                } catch (NumberFormatException e) {
                    partitions = -1;
                }
                if (partitions < 1) {
                    problems.add("Hypertable " + table + ": " + prefix + PARTITIONS + " must be a whole number of at least 1");
                    continue;
                }
            }
            if ((space == null) != (partitions == null)) {
                problems.add("Hypertable " + table + ": set both " + prefix + PARTITIONING_COLUMN + " and " + prefix
                        + PARTITIONS + " for a space dimension, or neither");
                continue;
            }
            String indexes = config.getOrDefault(prefix + CREATE_DEFAULT_INDEXES, "true").strip().toLowerCase(Locale.ROOT);
            if (!indexes.equals("true") && !indexes.equals("false")) {
                problems.add("Hypertable " + table + ": " + prefix + CREATE_DEFAULT_INDEXES + " must be true or false");
                continue;
            }
            specs.put(table, new HypertableSpec(table, time.strip(), interval, space == null ? null : space.strip(),
                    partitions, indexes.equals("true")));
        }
        // An option for a table the list does not name is a typo that would silently do nothing.
        for (String key : config.keySet()) {
            if (!key.startsWith(PREFIX)) {
                continue;
            }
            boolean known = names.stream().anyMatch(name -> OPTIONS.stream()
                    .anyMatch(option -> key.equals(PREFIX + name + "." + option)));
            if (!known) {
                problems.add(key + ": no such hypertable option, or its table is not in " + TABLES_CONFIG + " ("
                        + (names.isEmpty() ? "empty" : String.join(", ", names)) + "); options are hypertable.<table>."
                        + String.join(", hypertable.<table>.", OPTIONS.stream().sorted().toList()));
            }
        }
        return new Parsed(specs, problems);
    }

    /** The statement that makes the (empty, or with {@code migrateData} non-empty) table a hypertable. */
    public String createSql(boolean migrateData) {
        StringBuilder sql = new StringBuilder("SELECT create_hypertable(")
                .append(Identifiers.literal(table.quoted())).append("::regclass, ")
                .append(Identifiers.literal(timeColumn));
        if (partitioningColumn != null) {
            sql.append(", partitioning_column => ").append(Identifiers.literal(partitioningColumn))
                    .append(", number_partitions => ").append(partitions);
        }
        if (chunkInterval != null) {
            sql.append(", chunk_time_interval => ").append(Identifiers.literal(chunkInterval)).append("::interval");
        }
        sql.append(", create_default_indexes => ").append(createDefaultIndexes)
                .append(", migrate_data => ").append(migrateData)
                .append(", if_not_exists => true)");
        return sql.toString();
    }

    private static List<String> splitList(String list) {
        List<String> entries = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (char c : list.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == ',' && !quoted) {
                add(entries, current);
            } else {
                current.append(c);
            }
        }
        add(entries, current);
        return entries;
    }

    private static void add(List<String> entries, StringBuilder current) {
        String entry = current.toString().strip();
        if (!entry.isEmpty()) {
            entries.add(entry);
        }
        current.setLength(0);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
