package io.pg2ts.cli.demo;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * A small application schema to migrate: a keyed table with money, a time-series table, a table
 * with a composite key, and a keyless insert-only event table.
 */
public final class SampleDatabase {

    public static final List<String> TABLES = List.of("public.accounts", "public.ticks", "public.order_lines",
            "public.events");

    private SampleDatabase() {
    }

    /** Creates the tables and fills them with about {@code rows} rows in all. */
    public static void create(Connection connection, int rows) throws SQLException {
        int perTable = Math.max(1, rows / 4);
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE TABLE accounts (id bigserial PRIMARY KEY, email text NOT NULL, "
                    + "balance numeric(12,2) NOT NULL DEFAULT 0, created_at timestamptz NOT NULL DEFAULT now())");
            s.execute("CREATE TABLE ticks (id bigserial PRIMARY KEY, symbol text NOT NULL, ts timestamptz NOT NULL, "
                    + "price numeric(12,4), volume int, meta jsonb)");
            s.execute("CREATE TABLE order_lines (order_id bigint NOT NULL, line_no int NOT NULL, sku varchar(32), "
                    + "qty int NOT NULL, PRIMARY KEY (order_id, line_no))");
            s.execute("CREATE TABLE events (at timestamptz NOT NULL, kind text NOT NULL, payload text)");
            s.execute("ALTER TABLE events REPLICA IDENTITY FULL");
            s.execute("INSERT INTO accounts (email, balance, created_at) SELECT 'user' || g || '@example.com', "
                    + "round((g * 7.31)::numeric % 10000, 2), timestamptz '2024-01-01' + g * interval '1 minute' "
                    + "FROM generate_series(1, " + perTable + ") g");
            s.execute("INSERT INTO ticks (symbol, ts, price, volume, meta) SELECT (ARRAY['AAPL','MSFT','TSLA'])[1 + g % 3], "
                    + "timestamptz '2024-01-01' + g * interval '1 second', round((100 + g % 50 + g * 0.0001)::numeric, 4), "
                    + "g % 1000, jsonb_build_object('src', 'seed', 'n', g) FROM generate_series(1, " + perTable + ") g");
            s.execute("INSERT INTO order_lines SELECT 1 + g / 4, g % 4, 'SKU-' || (g % 97), 1 + g % 5 "
                    + "FROM generate_series(0, " + (perTable - 1) + ") g");
            s.execute("INSERT INTO events SELECT timestamptz '2024-01-01' + g * interval '1 second', 'seed', "
                    + "'event ' || g FROM generate_series(1, " + perTable + ") g");
        }
    }
}
