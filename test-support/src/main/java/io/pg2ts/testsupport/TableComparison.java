package io.pg2ts.testsupport;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Row count and an ordered checksum of every row of a table, for comparing a source table with
 * its copy. Rows are compared by their text form ({@code t::text}), ordered byte-wise, so the
 * comparison needs no key and is exact for every type whose text form is.
 */
public final class TableComparison {

    private TableComparison() {
    }

    /** What a table holds, as count and checksum. */
    public record Fingerprint(long rows, String md5) {
        @Override
        public String toString() {
            return rows + " rows, md5 " + md5;
        }
    }

    /** @param table an already quoted, qualified name, e.g. {@code "public"."ticks"} */
    public static Fingerprint fingerprint(Connection connection, String table) throws SQLException {
        String sql = "SELECT count(*), coalesce(md5(string_agg(r, E'\\n' ORDER BY r COLLATE \"C\")), '') "
                + "FROM (SELECT t::text AS r FROM " + table + " t) rows";
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return new Fingerprint(rs.getLong(1), rs.getString(2));
        }
    }
}
