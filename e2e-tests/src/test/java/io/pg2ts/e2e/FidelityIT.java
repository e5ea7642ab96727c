package io.pg2ts.e2e;

import static io.pg2ts.e2e.Fixtures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.pg2ts.testsupport.LocalPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every value exactly: a source table with a column of every type pg2ts carries, rows holding the
 * edge values of each, migrated by snapshot and then by streaming inserts and updates. For every
 * row, {@code row::text} on the target must equal the source's, and every target column's
 * {@code format_type()} the source column's. A failure names each column whose value or type
 * differs, with both sides.
 */
class FidelityIT {

    private static final String TABLE = "fidelity.everything";

    /** Types the sink does not create: the schema step ({@code pg2ts schema}) copies them first. */
    private static final String[] TYPES = {
        "CREATE EXTENSION IF NOT EXISTS hstore",
        "CREATE EXTENSION IF NOT EXISTS citext",
        "CREATE SCHEMA fidelity",
        "CREATE TYPE fidelity.mood AS ENUM ('sad', 'ok', 'happy', 'très ''bien''')",
        "CREATE DOMAIN fidelity.posint AS integer CHECK (VALUE > 0)",
        "CREATE TYPE fidelity.pair AS (a integer, b text)",
    };

    /** Column name, type, and one SQL literal per row: typical, high edges, low edges, specials. */
    private static final String[][] COLUMNS = {
        {"c_int2", "smallint", "1", "32767", "-32768", "0"},
        {"c_int4", "integer", "1", "2147483647", "-2147483648", "0"},
        {"c_int8", "bigint", "1", "9223372036854775807", "-9223372036854775808", "0"},
        {"c_bool", "boolean", "true", "false", "true", "false"},
        {"c_num", "numeric", "12345.6789", "'Infinity'", "'-Infinity'", "'NaN'"},
        {"c_num_long", "numeric", "'" + "1234567890".repeat(11) + ".0123456789'", "'-0." + "0".repeat(120) + "1'",
            "'1e130'", "0"},
        {"c_num124", "numeric(12,4)", "12345678.1234", "99999999.9999", "-99999999.9999", "0.0000"},
        {"c_f4", "real", "1.1", "'3.4028235e38'", "'-0'", "'NaN'"},
        {"c_f4b", "real", "'Infinity'", "'-Infinity'", "'1e-45'", "-2.5"},
        {"c_f8", "double precision", "0.1", "'1.7976931348623157e308'", "'-0'", "'NaN'"},
        {"c_f8b", "double precision", "'Infinity'", "'-Infinity'", "'5e-324'", "-1.5"},
        {"c_money", "money", "12.34", "'35184372088831.99'", "'-35184372088831.99'", "0"},
        {"c_oid", "oid", "1", "4294967295", "0", "42"},
        {"c_text", "text", "'plain'", "''", "E'quote '' dq \" backslash \\\\ tab \\t newline \\n cr \\r'",
            "'😀 עברית مرحبا'"},
        {"c_varchar", "character varying(10)", "'abc'", "''", "'ten chars!'", "'ä'"},
        {"c_char", "character(5)", "'ab'", "''", "'abcde'", "' a'"},
        {"c_bytea", "bytea", "(SELECT string_agg(lpad(to_hex(b), 2, '0'), '') FROM generate_series(0, 255) b)::text"
            + "::bytea", "'\\x'::bytea", "'\\x00'::bytea", "decode((SELECT string_agg(lpad(to_hex(b), 2, '0'), '') "
            + "FROM generate_series(255, 0, -1) b), 'hex')"},
        {"c_date", "date", "'2024-02-29'", "'infinity'", "'-infinity'", "'4713-01-01 BC'"},
        {"c_date2", "date", "'5874897-12-31'", "'0001-01-01'", "'1970-01-01'", "'0001-12-31 BC'"},
        {"c_ts", "timestamp without time zone", "'2024-02-29 12:34:56.123456'", "'infinity'", "'-infinity'",
            "'4713-01-01 00:00:00 BC'"},
        {"c_ts2", "timestamp without time zone", "'294276-12-31 23:59:59.999999'", "'1999-12-31 23:59:59.999999'",
            "'1970-01-01 00:00:00'", "'0044-03-15 12:00:00.5 BC'"},
        {"c_ts3", "timestamp(3) without time zone", "'2024-01-01 00:00:00.123'", "'2024-01-01 00:00:00'",
            "'1900-02-28 23:59:59.999'", "'2000-01-01 00:00:00.001'"},
        {"c_tstz", "timestamp with time zone", "'2024-02-29 12:34:56.123456+00'", "'infinity'", "'-infinity'",
            "'4713-01-01 00:00:00+00 BC'"},
        {"c_tstz2", "timestamp with time zone", "'294276-12-31 23:59:59.999999+00'", "'2024-06-01 12:00:00+05:30'",
            "'1900-01-01 00:00:00+00'", "'1970-01-01 00:00:00.000001+00'"},
        {"c_time", "time without time zone", "'12:34:56.789012'", "'24:00:00'", "'00:00:00'", "'23:59:59.999999'"},
        {"c_timetz", "time with time zone", "'12:34:56.789+05:30'", "'24:00:00+00'", "'00:00:00-15:59'",
            "'23:59:59.999999+15:59'"},
        {"c_interval", "interval", "'1 year 2 mons 3 days 04:05:06.789012'", "'-1 years -2 mons +3 days -04:05:06'",
            "'178000000 years'", "'0'"},
        {"c_interval_us", "interval", "'1 microsecond'", "'-1 microsecond'", "'29 days 23:59:59.999999'",
            "'1 mon -1 days'"},
        {"c_json", "json", "'{\"b\": 1,   \"a\": [1, 2]}'", "'{\"a\":1,\"a\":2}'", "'[]'", "'\"x\"'"},
        {"c_jsonb", "jsonb", "'{\"emoji\": \"😀\", \"nested\": {\"ü\": [1, null, \"\\u00e9\"]}}'", "'{}'", "'null'",
            "'1.50'"},
        {"c_uuid", "uuid", "'0b5e8c6a-7b35-4a55-9c49-3f1b8c0a1e2d'", "'00000000-0000-0000-0000-000000000000'",
            "'ffffffff-ffff-ffff-ffff-ffffffffffff'", "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'"},
        {"c_inet", "inet", "'192.168.1.1/24'", "'::1'", "'2001:db8::1/64'", "'10.0.0.1'"},
        {"c_cidr", "cidr", "'192.168.0.0/16'", "'2001:db8::/32'", "'0.0.0.0/0'", "'10.1.2.3/32'"},
        {"c_macaddr", "macaddr", "'08:00:2b:01:02:03'", "'ff:ff:ff:ff:ff:ff'", "'00:00:00:00:00:00'",
            "'0a:0b:0c:0d:0e:0f'"},
        {"c_macaddr8", "macaddr8", "'08:00:2b:01:02:03:04:05'", "'ff:ff:ff:ff:ff:ff:ff:ff'", "'00:00:00:00:00:00:00:00'",
            "'08:00:2b:ff:fe:01:02:03'"},
        {"c_bit", "bit(10)", "B'1010101010'", "B'1111111111'", "B'0000000000'", "B'1000000001'"},
        {"c_varbit", "bit varying", "B'1'", "B''", "B'1111000011110000111'", "B'0'"},
        {"c_varbit5", "bit varying(5)", "B'101'", "B'11111'", "B''", "B'0'"},
        {"c_xml", "xml", "'<a b=\"1\">x &amp; y</a>'", "'<r/>'", "'text only'", "'<a><b/><c>ü</c></a>'"},
        {"c_tsvector", "tsvector", "'a fat cat sat on a mat'", "''", "'''quoted word'':1A,2B'", "'ü:3'"},
        {"c_tsquery", "tsquery", "'fat & rat'", "'!cat'", "'(a | b) <-> c'", "'ü:*'"},
        {"c_point", "point", "'(1.5,-2)'", "'(0,0)'", "'(1e300,-1e-300)'", "'(NaN,Infinity)'"},
        {"c_line", "line", "'{1,-1,0}'", "'{0,1,-5}'", "'{1,0,0.5}'", "'{2.5,3.5,-1}'"},
        {"c_lseg", "lseg", "'[(0,0),(1,1)]'", "'[(-1.5,2),(3,4.25)]'", "'[(0,0),(0,0)]'", "'[(1,2),(3,4)]'"},
        {"c_box", "box", "'(1,1),(0,0)'", "'(2.5,3.5),(-1,-2)'", "'(0,0),(0,0)'", "'(10,10),(5,5)'"},
        {"c_path", "path", "'[(0,0),(1,1),(2,0)]'", "'((0,0),(1,1),(2,0))'", "'[(0,0)]'", "'((1.5,2.5),(3,4))'"},
        {"c_polygon", "polygon", "'((0,0),(1,0),(1,1))'", "'((0,0))'", "'((-1,-1),(1,-1),(1,1),(-1,1))'",
            "'((0.5,0.5),(2,3),(4,0))'"},
        {"c_circle", "circle", "'<(0,0),1.5>'", "'<(-1,2),0>'", "'<(1e10,1e-10),3>'", "'<(5,5),10>'"},
        {"c_int4range", "int4range", "'[1,10)'", "'empty'", "'(,5]'", "'[3,)'"},
        {"c_int8range", "int8range", "'[1,9223372036854775806]'", "'empty'", "'(,)'", "'[-9223372036854775808,0)'"},
        {"c_numrange", "numrange", "'[1.5,2.5]'", "'empty'", "'(,)'", "'(-0.001,1e20)'"},
        {"c_tsrange", "tsrange", "'[2024-01-01,2024-02-01)'", "'empty'", "'[2024-01-01,infinity)'",
            "'(-infinity,2000-01-01 00:00:00.000001]'"},
        {"c_tstzrange", "tstzrange", "'[2024-01-01 00:00:00+00,2024-02-01 00:00:00+00)'", "'empty'", "'(,)'",
            "'[-infinity,infinity]'"},
        {"c_daterange", "daterange", "'[2024-01-01,2024-02-01)'", "'empty'", "'[2024-01-01,)'", "'(,infinity)'"},
        {"c_int4multirange", "int4multirange", "'{[1,3),[5,7)}'", "'{}'", "'{(,0),[10,)}'", "'{[1,2)}'"},
        {"c_text_arr", "text[]", "'{\"a,b\",\"c\\\"d\",NULL,\"\",\"NULL\",\"x\\\\y\"}'", "'{}'", "'{\"{}\"}'",
            "ARRAY['😀', ' padded ']"},
        {"c_int_arr2", "integer[]", "'{{1,2},{3,NULL}}'", "'{}'", "'{NULL}'", "'[0:1]={7,8}'"},
        {"c_num_arr", "numeric[]", "'{1.5,NaN,NULL,Infinity}'", "'{}'", "'{-0.001}'", "'{{1,2},{3,4}}'"},
        {"c_ts_arr", "timestamp without time zone[]", "'{\"2024-01-01 00:00:00\",infinity}'", "'{}'", "'{NULL}'",
            "'{\"4713-01-01 00:00:00 BC\"}'"},
        {"c_mood", "fidelity.mood", "'happy'", "'sad'", "'très ''bien'''", "'ok'"},
        {"c_mood_arr", "fidelity.mood[]", "'{happy,sad}'", "'{}'", "'{NULL,ok}'", "'{\"très ''bien''\"}'"},
        {"c_posint", "fidelity.posint", "1", "2147483647", "42", "7"},
        {"c_pair", "fidelity.pair", "'(1,\"a b\")'", "'(,)'", "'(-5,\"\")'", "ROW(2, 'x,y')::fidelity.pair"},
        {"c_hstore", "hstore", "'\"a\"=>\"1\", \"b\"=>NULL'", "''", "'\"k ü\"=>\"v,\\\"q\\\"\"'", "'x=>y'"},
        {"c_citext", "citext", "'MiXeD'", "''", "'ÄÖÜ'", "'a b'"},
    };

    static List<String> sourceMajors() {
        return LocalPostgres.availableMajors();
    }

    @ParameterizedTest(name = "source PostgreSQL {0}")
    @MethodSource("sourceMajors")
    void everyValueAndColumnTypeArrivesExactlyBySnapshotAndByStreaming(String sourceMajor) throws Exception {
        try (LocalMigration migration = LocalMigration.start(sourceMajor)) {
            LocalPostgres source = migration.source;
            LocalPostgres target = migration.target;
            source.execute("postgres", TYPES);
            target.execute("postgres", TYPES);
            source.execute("postgres", createTable(), "SET lc_monetary TO 'C'");
            for (int row = 0; row < 4; row++) {
                source.execute("postgres", "SET lc_monetary TO 'C'", insert(row + 1, row));
            }
            source.execute("postgres", "INSERT INTO " + TABLE + " (id) VALUES (5)");

            migration.run.deploy();
            awaitRows(source, target, 5);
            assertSameTypes(source, target);
            assertSameRows(source, target, "after the snapshot");

            // Streaming: the same values inserted anew, and updates that swap them between rows.
            for (int row = 0; row < 4; row++) {
                source.execute("postgres", "SET lc_monetary TO 'C'", insert(row + 11, row));
            }
            source.execute("postgres", "INSERT INTO " + TABLE + " (id) VALUES (15)");
            for (int row = 0; row < 4; row++) {
                source.execute("postgres", "SET lc_monetary TO 'C'", update(row + 1, (row + 1) % 4));
            }
            source.execute("postgres", "UPDATE " + TABLE + " SET c_text = NULL, c_jsonb = NULL WHERE id = 1",
                    "DELETE FROM " + TABLE + " WHERE id = 13");
            awaitRows(source, target, 9);
            assertSameRows(source, target, "after streaming inserts and updates");
            try (Connection t = target.connect("postgres")) {
                // Spot checks of values a lossy path would change, as the target prints them.
                assertThat(keyed(t, "SELECT id::text, c_timetz::text || ' ' || c_num::text || ' ' || c_ts2::text "
                        + "FROM " + TABLE + " WHERE id IN (11, 14) ORDER BY id")).containsExactly(
                        Map.entry("11", "12:34:56.789+05:30 12345.6789 294276-12-31 23:59:59.999999"),
                        Map.entry("14", "23:59:59.999999+15:59 NaN 0044-03-15 12:00:00.5 BC"));
            }
        }
    }

    /**
     * Values above 8 kB live in TOAST, and pgoutput sends an update's unchanged TOAST values only
     * under REPLICA IDENTITY FULL. Updates that leave them alone must leave the target's values as
     * they are: neither Debezium's placeholder nor NULL written over them.
     */
    @ParameterizedTest(name = "source PostgreSQL {0}")
    @MethodSource("sourceMajors")
    void unchangedToastValuesStayAsTheyAreWithAndWithoutReplicaIdentityFull(String sourceMajor) throws Exception {
        String big = "(SELECT string_agg(md5(g::text || %s), '') FROM generate_series(1, 400) g)";
        try (LocalMigration migration = LocalMigration.start(sourceMajor)) {
            LocalPostgres source = migration.source;
            List<String> tables = List.of("toast.by_default", "toast.by_full");
            source.execute("postgres", "CREATE SCHEMA toast");
            for (String table : tables) {
                source.execute("postgres",
                        "CREATE TABLE " + table + " (id integer PRIMARY KEY, n integer, body text, doc jsonb, blob bytea, "
                                + "tags text[], amounts numeric[])",
                        "INSERT INTO " + table + " SELECT i, 0, " + big.formatted("i") + ", jsonb_build_object('k', "
                                + big.formatted("i + 1") + "), convert_to(" + big.formatted("i + 2") + ", 'UTF8'), "
                                + "ARRAY[" + big.formatted("i + 3") + ", 'x'], (SELECT array_agg(g * 1.5) FROM "
                                + "generate_series(1, 3000) g) FROM generate_series(1, 3) i");
            }
            source.execute("postgres", "ALTER TABLE toast.by_full REPLICA IDENTITY FULL");
            migration.run.deploy();
            awaitSame(source, migration.target, tables, "after the snapshot");

            for (String table : tables) {
                source.execute("postgres",
                        "UPDATE " + table + " SET n = n + 1",
                        "UPDATE " + table + " SET body = 'short now', n = n + 1 WHERE id = 2",
                        "UPDATE " + table + " SET n = n + 1 WHERE id = 2",
                        "INSERT INTO " + table + " VALUES (4, 9, 'small', '{}', '\\x00', '{}', '{}')");
            }
            awaitSame(source, migration.target, tables, "after updates that leave the TOAST values alone");
        }
    }

    /**
     * Stored generated columns are computed by the target, never written; identity columns
     * GENERATED ALWAYS get the source's values. The target's tables come from the schema step.
     */
    @ParameterizedTest(name = "source PostgreSQL {0}")
    @MethodSource("sourceMajors")
    void generatedColumnsAreComputedByTheTargetAndIdentityColumnsKeepTheSourceValues(String sourceMajor)
            throws Exception {
        String[] ddl = {
            "CREATE SCHEMA gen",
            "CREATE TABLE gen.orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, qty integer NOT NULL, "
                    + "price numeric(10,2) NOT NULL, total numeric(12,2) GENERATED ALWAYS AS (qty * price) STORED, "
                    + "code integer GENERATED BY DEFAULT AS IDENTITY)",
        };
        try (LocalMigration migration = LocalMigration.start(sourceMajor)) {
            LocalPostgres source = migration.source;
            source.execute("postgres", ddl);
            migration.target.execute("postgres", ddl);
            source.execute("postgres", "INSERT INTO gen.orders (qty, price) SELECT g, g * 1.25 FROM generate_series(1, 50) g",
                    "DELETE FROM gen.orders WHERE id % 7 = 0");
            migration.run.deploy();
            List<String> tables = List.of("gen.orders");
            awaitSame(source, migration.target, tables, "after the snapshot");

            source.execute("postgres", "INSERT INTO gen.orders (qty, price) VALUES (3, 9.99), (4, 0.01)",
                    "UPDATE gen.orders SET qty = qty + 10 WHERE id < 5",
                    "INSERT INTO gen.orders (qty, price, code) OVERRIDING SYSTEM VALUE VALUES (1, 1, 1000)",
                    // The before image of a delete holds only the key: price (NOT NULL, numeric) is not sent.
                    "DELETE FROM gen.orders WHERE id IN (3, 4)");
            awaitSame(source, migration.target, tables, "after streaming inserts and updates");
        }
    }

    /** Waits until every table's rows as text are the same on both sides; fails naming the rows that differ. */
    private static void awaitSame(LocalPostgres source, LocalPostgres target, List<String> tables, String when)
            throws Exception {
        try (Connection s = source.connect("postgres"); Connection t = target.connect("postgres")) {
            for (String table : tables) {
                String sql = "SELECT id::text, md5(x::text) || ' ' || left(x::text, 120) FROM " + table + " x ORDER BY id";
                try {
                    await(table + " equal " + when, Duration.ofMinutes(3),
                            () -> Fixtures.tableExists(t, table) && keyed(s, sql).equals(keyed(t, sql)));
                } catch (AssertionError timeout) {
                    assertThat(Fixtures.tableExists(t, table) ? keyed(t, sql) : Map.of())
                            .as(table + " " + when).isEqualTo(keyed(s, sql));
                    throw timeout;
                }
            }
        }
    }

    private static String createTable() {
        StringBuilder sql = new StringBuilder("CREATE TABLE " + TABLE + " (id integer PRIMARY KEY");
        for (String[] column : COLUMNS) {
            sql.append(", ").append(column[0]).append(' ').append(column[1]);
        }
        return sql.append(')').toString();
    }

    private static String insert(int id, int row) {
        StringBuilder names = new StringBuilder("id");
        StringBuilder values = new StringBuilder(Integer.toString(id));
        for (String[] column : COLUMNS) {
            names.append(", ").append(column[0]);
            values.append(", ").append(column[2 + row]);
        }
        return "INSERT INTO " + TABLE + " (" + names + ") VALUES (" + values + ")";
    }

    private static String update(int id, int row) {
        StringBuilder sets = new StringBuilder();
        for (String[] column : COLUMNS) {
            sets.append(sets.isEmpty() ? "" : ", ").append(column[0]).append(" = ").append(column[2 + row]);
        }
        return "UPDATE " + TABLE + " SET " + sets + " WHERE id = " + id;
    }

    /** Waits until the target has as many rows as the source and at least {@code atLeast}. */
    private static void awaitRows(LocalPostgres source, LocalPostgres target, int atLeast) throws Exception {
        try (Connection s = source.connect("postgres"); Connection t = target.connect("postgres")) {
            await("the target has the source's rows of " + TABLE, Duration.ofMinutes(3), () -> {
                if (!Fixtures.tableExists(t, TABLE)) {
                    return false;
                }
                long want = Fixtures.count(s, "SELECT count(*) FROM " + TABLE);
                return want >= atLeast && Fixtures.count(t, "SELECT count(*) FROM " + TABLE) == want
                        && rowsText(s).equals(rowsText(t));
            });
        } catch (AssertionError timeout) {
            // Not equal in time: say which columns differ rather than only that they do.
            assertSameRows(source, target, "when the wait ended");
            throw timeout;
        }
    }

    private static void assertSameTypes(LocalPostgres source, LocalPostgres target) throws SQLException {
        String sql = "SELECT attname, format_type(atttypid, atttypmod), attnotnull FROM pg_attribute "
                + "WHERE attrelid = '" + TABLE + "'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum";
        try (Connection s = source.connect("postgres"); Connection t = target.connect("postgres")) {
            assertThat(rows(t, sql)).as("columns of " + TABLE + " on the target").isEqualTo(rows(s, sql));
        }
    }

    private static void assertSameRows(LocalPostgres source, LocalPostgres target, String when) throws SQLException {
        try (Connection s = source.connect("postgres"); Connection t = target.connect("postgres")) {
            Map<String, String> expected = rowsText(s);
            Map<String, String> actual = rowsText(t);
            if (expected.equals(actual)) {
                return;
            }
            List<String> differences = new ArrayList<>();
            List<String> columns = new ArrayList<>();
            columns.add("id");
            for (String[] column : COLUMNS) {
                columns.add(column[0]);
            }
            for (String column : columns) {
                String sql = "SELECT id::text, " + column + "::text FROM " + TABLE + " ORDER BY id";
                Map<String, String> want = keyed(s, sql);
                Map<String, String> got = keyed(t, sql);
                for (String id : want.keySet()) {
                    if (!Objects.equals(want.get(id), got.get(id))) {
                        differences.add(column + " of row " + id + ": source " + want.get(id) + ", target "
                                + (got.containsKey(id) ? got.get(id) : "(no row)"));
                    }
                }
            }
            assertThat(differences).as(when + ": values that differ").isEmpty();
            assertThat(actual).as(when + ": rows").isEqualTo(expected);
        }
    }

    private static Map<String, String> rowsText(Connection c) throws SQLException {
        return keyed(c, "SELECT id::text, t::text FROM " + TABLE + " t ORDER BY id");
    }

    private static Map<String, String> keyed(Connection c, String sql) throws SQLException {
        Map<String, String> result = new LinkedHashMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                result.put(rs.getString(1), rs.getString(2));
            }
        }
        return result;
    }

    private static List<List<String>> rows(Connection c, String sql) throws SQLException {
        List<List<String>> result = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getString(i));
                }
                result.add(row);
            }
        }
        return result;
    }
}
