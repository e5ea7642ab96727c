package io.pg2ts.common;

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
        Integer partitions, boolean createDefaultIndexes, Compression compression) {

    /**
     * Compression (the columnstore), set on the hypertable once the table's snapshot is applied,
     * never during the bulk load.
     *
     * @param segmentBy columns to segment by, or empty
     * @param orderBy the order within a segment ("ts DESC"), or empty for TimescaleDB's default
     * @param after a compression policy's age, or null for none
     */
    public record Compression(String segmentBy, String orderBy, String after) {

        /** The statements that enable it, in order. */
        public List<String> sql(TableId table) {
            StringBuilder alter = new StringBuilder("ALTER TABLE ").append(table.quoted())
                    .append(" SET (timescaledb.compress");
            if (!segmentBy.isEmpty()) {
                alter.append(", timescaledb.compress_segmentby = ").append(Identifiers.literal(segmentBy));
            }
            if (!orderBy.isEmpty()) {
                alter.append(", timescaledb.compress_orderby = ").append(Identifiers.literal(orderBy));
            }
            alter.append(')');
            List<String> sql = new ArrayList<>(List.of(alter.toString()));
            if (after != null) {
                sql.add("SELECT add_compression_policy(" + Identifiers.literal(table.quoted()) + "::regclass, "
                        + Identifiers.literal(after) + "::interval, if_not_exists => true)");
            }
            return sql;
        }
    }

    /** Without compression. */
    public HypertableSpec(TableId table, String timeColumn, String chunkInterval, String partitioningColumn,
            Integer partitions, boolean createDefaultIndexes) {
        this(table, timeColumn, chunkInterval, partitioningColumn, partitions, createDefaultIndexes, null);
    }

    public static final String TABLES_CONFIG = "hypertables";
    public static final String PREFIX = "hypertable.";

    static final String TIME_COLUMN = "time.column";
    static final String CHUNK_INTERVAL = "chunk.interval";
    static final String PARTITIONING_COLUMN = "partitioning.column";
    static final String PARTITIONS = "partitions";
    static final String CREATE_DEFAULT_INDEXES = "create.default.indexes";
    static final String COMPRESS_SEGMENTBY = "compress.segmentby";
    static final String COMPRESS_ORDERBY = "compress.orderby";
    static final String COMPRESS_AFTER = "compress.after";
    private static final Set<String> OPTIONS = Set.of(TIME_COLUMN, CHUNK_INTERVAL, PARTITIONING_COLUMN, PARTITIONS,
            CREATE_DEFAULT_INDEXES, COMPRESS_SEGMENTBY, COMPRESS_ORDERBY, COMPRESS_AFTER);
    // Column lists as compress_segmentby and compress_orderby take them: names, commas, ASC/DESC, NULLS FIRST/LAST.
    private static final Pattern COLUMN_LIST = Pattern.compile("[A-Za-z0-9_ ,\"]{1,500}");

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
            String segmentBy = blankToNull(config.get(prefix + COMPRESS_SEGMENTBY));
            String orderBy = blankToNull(config.get(prefix + COMPRESS_ORDERBY));
            String after = blankToNull(config.get(prefix + COMPRESS_AFTER));
            if ((segmentBy != null && !COLUMN_LIST.matcher(segmentBy).matches())
                    || (orderBy != null && !COLUMN_LIST.matcher(orderBy).matches())) {
                problems.add("Hypertable " + table + ": " + prefix + COMPRESS_SEGMENTBY + " and " + prefix + COMPRESS_ORDERBY
                        + " take column names separated by commas (orderby with ASC or DESC)");
                continue;
            }
            if (after != null && !INTERVAL.matcher(after).matches()) {
                problems.add("Hypertable " + table + ": " + prefix + COMPRESS_AFTER + " '" + after
                        + "' is not an interval such as '7 days'");
                continue;
            }
            Compression compression = segmentBy == null && orderBy == null && after == null ? null
                    : new Compression(segmentBy == null ? "" : segmentBy, orderBy == null ? "" : orderBy, after);
            specs.put(table, new HypertableSpec(table, time.strip(), interval, space == null ? null : space.strip(),
                    partitions, indexes.equals("true"), compression));
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
