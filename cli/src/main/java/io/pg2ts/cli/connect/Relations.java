package io.pg2ts.cli.connect;

import io.pg2ts.common.TableId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Catalog questions the commands ask of either database. */
public final class Relations {

    private Relations() {
    }

    /** Whether the table (or view, or sequence) exists and this session can see it. */
    public static boolean exists(Connection c, TableId table) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            s.setString(1, table.quoted());
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }
}
