package io.pg2ts.cli.verify;

import io.pg2ts.common.Identifiers;
import io.pg2ts.cli.connect.Relations;
import io.pg2ts.common.TableId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.LongConsumer;

/**
 * Compares one table on the source and the target: row count and a checksum of its rows' text
 * ({@code t::text}), range by range of the primary key, and this process holds only the range
 * boundaries. The checksum is the sum of each row's md5 (as two 64-bit halves): it needs no sort
 * and constant memory on either server, whatever the width of the rows, and two sides agree
 * exactly when they hold the same rows (but for a chance of about 2^-64). A range that differs is
 * split into smaller ones until they hold at most {@link #NARROWEST_ROWS} source rows, and those
 * are reported. A table without a primary key is compared whole, in one pass of constant memory.
 */
public final class TableVerifier {

    /** Ranges are narrowed down to this many source rows. */
    static final int NARROWEST_ROWS = 100;

    /** One key range's comparison; {@code from} and {@code to} are key values as text, null for open. */
    public record Range(List<String> from, List<String> to, long sourceRows, String sourceChecksum, long targetRows,
            String targetChecksum) {

        public boolean equal() {
            return sourceRows == targetRows && Objects.equals(sourceChecksum, targetChecksum);
        }

        /** {@code [from, to)} with the key values, "start" and "end" for open ends. */
        public String describe() {
            return "[" + (from == null ? "start" : "(" + String.join(", ", from) + ")") + ", "
                    + (to == null ? "end" : "(" + String.join(", ", to) + ")") + ")";
        }
    }

    /** A table's outcome: its rows on both sides, and the narrowest key ranges that differ. */
    public record Result(TableId table, List<String> key, long sourceRows, long targetRows, List<Range> differing,
            String problem) {

        public boolean equal() {
            return problem == null && differing.isEmpty();
        }
    }

    private final Connection source;
    private final Connection target;
    private final int rangeRows;
    private final LongConsumer compared;

    /** @param rangeRows source rows per range at the first pass */
    public TableVerifier(Connection source, Connection target, int rangeRows) {
        this(source, target, rangeRows, rows -> { });
    }

    /**
     * @param compared told the source rows of each range compared at the first pass, for progress
     */
    public TableVerifier(Connection source, Connection target, int rangeRows, LongConsumer compared) {
        this.source = source;
        this.target = target;
        this.rangeRows = rangeRows;
        this.compared = compared;
    }

    /** Compares the table with the target's table of the same name. */
    public Result verify(TableId table) throws SQLException {
        return verify(table, table);
    }

    /** Compares the source's table with the target's table it is migrated to. */
    public Result verify(TableId table, TableId onTarget) throws SQLException {
        if (!Relations.exists(target, onTarget)) {
            return new Result(table, List.of(), count(source, table), 0, List.of(), "missing on the target");
        }
        List<String[]> key = primaryKey(table);
        if (key.isEmpty()) {
            Range whole = compare(table, onTarget, key, null, null);
            return new Result(table, List.of(), whole.sourceRows(), whole.targetRows(),
                    whole.equal() ? List.of() : List.of(whole), null);
        }
        List<Range> differing = new ArrayList<>();
        long sourceRows = 0;
        long targetRows = 0;
        List<List<String>> bounds = boundaries(table, key, null, null, rangeRows);
        for (int i = 0; i <= bounds.size(); i++) {
            List<String> from = i == 0 ? null : bounds.get(i - 1);
            List<String> to = i == bounds.size() ? null : bounds.get(i);
            Range range = compare(table, onTarget, key, from, to);
            compared.accept(range.sourceRows());
            sourceRows += range.sourceRows();
            targetRows += range.targetRows();
            if (!range.equal()) {
                narrow(table, onTarget, key, range, rangeRows, differing);
            }
        }
        return new Result(table, key.stream().map(k -> k[0]).toList(), sourceRows, targetRows, differing, null);
    }

    /** Splits a differing range into ranges of a tenth the rows, down to {@link #NARROWEST_ROWS}. */
    private void narrow(TableId table, TableId onTarget, List<String[]> key, Range range, int rows,
            List<Range> differing) throws SQLException {
        int smaller = Math.max(NARROWEST_ROWS, rows / 10);
        if (rows <= NARROWEST_ROWS || range.sourceRows() <= NARROWEST_ROWS) {
            differing.add(range);
            return;
        }
        List<List<String>> bounds = boundaries(table, key, range.from(), range.to(), smaller);
        if (bounds.isEmpty()) {
            differing.add(range);
            return;
        }
        for (int i = 0; i <= bounds.size(); i++) {
            List<String> from = i == 0 ? range.from() : bounds.get(i - 1);
            List<String> to = i == bounds.size() ? range.to() : bounds.get(i);
            Range part = compare(table, onTarget, key, from, to);
            if (!part.equal()) {
                narrow(table, onTarget, key, part, smaller, differing);
            }
        }
    }

    /** Every {@code every}-th key of the source within the range, the first excluded: range starts. */
    private List<List<String>> boundaries(TableId table, List<String[]> key, List<String> from, List<String> to,
            int every) throws SQLException {
        String columns = columnList(key);
        String sql = "SELECT " + textColumns(key) + " FROM (SELECT " + columns + ", row_number() OVER (ORDER BY "
                + columns + ") AS pg2ts_n FROM " + table.quoted() + " t" + where(key, from, to)
                + ") s WHERE pg2ts_n % " + every + " = 1 AND pg2ts_n > 1 ORDER BY pg2ts_n";
        List<List<String>> bounds = new ArrayList<>();
        try (PreparedStatement ps = source.prepareStatement(sql)) {
            bind(ps, from, to);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    List<String> values = new ArrayList<>();
                    for (int c = 1; c <= key.size(); c++) {
                        values.add(rs.getString(c));
                    }
                    bounds.add(values);
                }
            }
        }
        return bounds;
    }

    private Range compare(TableId table, TableId onTarget, List<String[]> key, List<String> from, List<String> to)
            throws SQLException {
        long[] rows = new long[2];
        String[] checksums = new String[2];
        Connection[] sides = {source, target};
        TableId[] tables = {table, onTarget};
        for (int side = 0; side < 2; side++) {
            try (PreparedStatement ps = sides[side].prepareStatement(checksumSql(tables[side], key, from, to))) {
                bind(ps, from, to);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    rows[side] = rs.getLong(1);
                    checksums[side] = rs.getString(2);
                }
            }
        }
        return new Range(from, to, rows[0], checksums[0], rows[1], checksums[1]);
    }

    /** Rows and the sum of their md5s, as two 64-bit halves summed in numeric (no overflow), in a range. */
    static String checksumSql(TableId table, List<String[]> key, List<String> from, List<String> to) {
        String half = "('x' || %s(h, 16))::bit(64)::bigint::numeric";
        return "SELECT count(*), coalesce(sum(" + half.formatted("left") + "), 0) || '/' || coalesce(sum("
                + half.formatted("right") + "), 0) FROM (SELECT md5(t::text) AS h FROM " + table.quoted() + " t"
                + where(key, from, to) + ") s";
    }

    private static String where(List<String[]> key, List<String> from, List<String> to) {
        List<String> conditions = new ArrayList<>();
        if (from != null) {
            conditions.add("(" + columnList(key) + ") >= (" + typedParameters(key) + ")");
        }
        if (to != null) {
            conditions.add("(" + columnList(key) + ") < (" + typedParameters(key) + ")");
        }
        return conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
    }

    private static void bind(PreparedStatement ps, List<String> from, List<String> to) throws SQLException {
        int p = 1;
        for (List<String> values : new List[] {from, to}) {
            if (values != null) {
                for (String value : values) {
                    ps.setString(p++, value);
                }
            }
        }
    }

    private static String columnList(List<String[]> key) {
        return String.join(", ", key.stream().map(k -> "t." + Identifiers.quote(k[0])).toList());
    }

    private static String textColumns(List<String[]> key) {
        return String.join(", ", key.stream().map(k -> Identifiers.quote(k[0]) + "::text").toList());
    }

    private static String typedParameters(List<String[]> key) {
        return String.join(", ", key.stream().map(k -> "?::" + k[1]).toList());
    }

    /** The source's primary key columns, with their types, in key order. */
    private List<String[]> primaryKey(TableId table) throws SQLException {
        List<String[]> key = new ArrayList<>();
        try (PreparedStatement ps = source.prepareStatement("SELECT a.attname, format_type(a.atttypid, a.atttypmod) "
                + "FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey::int2[]) "
                + "WHERE i.indrelid = ?::regclass AND i.indisprimary ORDER BY array_position(i.indkey::int2[], a.attnum)")) {
            ps.setString(1, table.quoted());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    key.add(new String[] {rs.getString(1), rs.getString(2)});
                }
            }
        }
        return key;
    }


    private static long count(Connection c, TableId table) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table.quoted())) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
