package io.pg2ts.source;

import io.pg2ts.common.TableId;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * What the source's catalog says about a table pg2ts is asked to capture, as far as the checks
 * before the start need it.
 *
 * @param id the table
 * @param relkind pg_class.relkind, or 0 when no relation of that name exists
 * @param canSelect the connecting role may SELECT from it
 * @param hasPrimaryKey it has a primary key
 * @param replicaIdentity pg_class.relreplident: d(efault), n(othing), f(ull) or i(ndex)
 * @param owned the connecting role owns it (directly, by membership, or as superuser)
 */
record CatalogTable(TableId id, char relkind, boolean canSelect, boolean hasPrimaryKey, char replicaIdentity,
        boolean owned) {

    private static final String COLUMNS = """
            n.nspname, c.relname, c.relkind,
            has_table_privilege(c.oid, 'SELECT') AS can_select,
            EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k WHERE k.conrelid = c.oid AND k.contype = 'p') AS has_pk,
            c.relreplident,
            pg_has_role(c.relowner, 'USAGE') AS owned
            """;

    private static final String NAMED_TABLES = "SELECT i.schema_name, i.table_name, " + COLUMNS + """
            FROM unnest(?::text[], ?::text[]) WITH ORDINALITY AS i(schema_name, table_name, ord)
            LEFT JOIN pg_catalog.pg_namespace n ON n.nspname = i.schema_name
            LEFT JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = i.table_name
            ORDER BY i.ord
            """;

    private static final String ALL_TABLES = "SELECT n.nspname AS schema_name, c.relname AS table_name, " + COLUMNS + """
            FROM pg_catalog.pg_class c
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p')
            ORDER BY n.nspname, c.relname
            """;

    boolean exists() {
        return relkind != 0;
    }

    /** An ordinary or partitioned table; Debezium captures nothing else. */
    boolean isTable() {
        return relkind == 'r' || relkind == 'p';
    }

    /**
     * Whether PostgreSQL logs enough of an updated or deleted row to identify it. Without, it
     * rejects UPDATE and DELETE on the table once a publication publishes them, and Debezium
     * could not emit a key for those changes.
     */
    boolean hasReplicaIdentity() {
        return replicaIdentity == 'f' || replicaIdentity == 'i' || (replicaIdentity == 'd' && hasPrimaryKey);
    }

    /**
     * Looks the tables up: those named, in that order (missing ones with relkind 0), or with an
     * empty list every table of every schema pg2ts captures by default.
     */
    static List<CatalogTable> lookUp(Connection connection, List<TableId> named) throws SQLException {
        List<CatalogTable> tables = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(named.isEmpty() ? ALL_TABLES : NAMED_TABLES)) {
            if (!named.isEmpty()) {
                Array schemas = connection.createArrayOf("text", named.stream().map(TableId::schema).toArray());
                Array names = connection.createArrayOf("text", named.stream().map(TableId::table).toArray());
                statement.setArray(1, schemas);
                statement.setArray(2, names);
            }
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    TableId id = new TableId(rs.getString("schema_name"), rs.getString("table_name"));
                    if (named.isEmpty() && !DebeziumConfig.isUserSchema(id.schema())) {
                        continue;
                    }
                    String relkind = rs.getString("relkind");
                    String identity = rs.getString("relreplident");
                    tables.add(new CatalogTable(id,
                            relkind == null ? 0 : relkind.charAt(0),
                            rs.getBoolean("can_select"),
                            rs.getBoolean("has_pk"),
                            identity == null ? 'd' : identity.charAt(0),
                            rs.getBoolean("owned")));
                }
            }
        }
        return tables;
    }
}
