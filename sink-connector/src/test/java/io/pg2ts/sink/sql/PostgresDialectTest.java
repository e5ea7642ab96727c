package io.pg2ts.sink.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.pg2ts.common.TableId;
import java.util.List;
import org.junit.jupiter.api.Test;

class PostgresDialectTest {

    private static final TableId TABLE = new TableId("public", "ticks");
    private static final TableId OFFSETS = new TableId("pg2ts", "sink_offsets");
    private static final TableId PROGRESS = new TableId("pg2ts", "sink_tables");
    private static final List<SqlColumn> COLUMNS = List.of(
            new SqlColumn("id", "integer"), new SqlColumn("at", "timestamp with time zone"), new SqlColumn("price", "numeric"));

    @Test
    void upsertInsertsFromUnnestedArraysAndUpdatesNonKeyColumns() {
        assertThat(PostgresDialect.upsert(TABLE, COLUMNS, List.of("id", "at"), List.of("price"), false))
                .isEqualTo("INSERT INTO \"public\".\"ticks\" (\"id\", \"at\", \"price\") "
                        + "SELECT s.\"id\"::integer, s.\"at\"::timestamp with time zone, s.\"price\"::numeric "
                        + "FROM unnest(?::text[], ?::text[], ?::text[]) AS s(\"id\", \"at\", \"price\") "
                        + "ON CONFLICT (\"id\", \"at\") DO UPDATE SET \"price\" = EXCLUDED.\"price\"");
    }

    @Test
    void upsertDoesNothingWhenEveryColumnIsAKeyColumn() {
        assertThat(PostgresDialect.upsert(TABLE, List.of(new SqlColumn("id", "integer")), List.of("id"), List.of(), false))
                .isEqualTo("INSERT INTO \"public\".\"ticks\" (\"id\") SELECT s.\"id\"::integer "
                        + "FROM unnest(?::text[]) AS s(\"id\") ON CONFLICT (\"id\") DO NOTHING");
    }

    @Test
    void upsertOverridesIdentityColumnsGeneratedAlways() {
        assertThat(PostgresDialect.upsert(TABLE, List.of(new SqlColumn("id", "integer"), new SqlColumn("v", "text")),
                List.of("id"), List.of("v"), true))
                .isEqualTo("INSERT INTO \"public\".\"ticks\" (\"id\", \"v\") OVERRIDING SYSTEM VALUE "
                        + "SELECT s.\"id\"::integer, s.\"v\"::text FROM unnest(?::text[], ?::text[]) AS s(\"id\", \"v\") "
                        + "ON CONFLICT (\"id\") DO UPDATE SET \"v\" = EXCLUDED.\"v\"");
    }

    @Test
    void insertHasNoConflictClause() {
        assertThat(PostgresDialect.insert(TABLE, List.of(new SqlColumn("v", "text")), false))
                .isEqualTo("INSERT INTO \"public\".\"ticks\" (\"v\") SELECT s.\"v\"::text FROM unnest(?::text[]) AS s(\"v\")");
    }

    @Test
    void deleteJoinsTheUnnestedKeysOnEveryKeyColumn() {
        assertThat(PostgresDialect.deleteByKeys(TABLE, List.of(new SqlColumn("id", "integer"), new SqlColumn("at", "date"))))
                .isEqualTo("DELETE FROM \"public\".\"ticks\" AS t USING unnest(?::text[], ?::text[]) AS d(\"id\", \"at\") "
                        + "WHERE t.\"id\" = d.\"id\"::integer AND t.\"at\" = d.\"at\"::date");
    }

    @Test
    void deleteOneRowMatchesEveryColumnNullSafelyAndJsonAsText() {
        assertThat(PostgresDialect.deleteOneRow(TABLE, List.of(new SqlColumn("n", "integer"), new SqlColumn("doc", "json"))))
                .isEqualTo("DELETE FROM \"public\".\"ticks\" WHERE (tableoid, ctid) = (SELECT tableoid, ctid FROM \"public\".\"ticks\" "
                        + "WHERE \"n\" IS NOT DISTINCT FROM ?::integer AND \"doc\"::text IS NOT DISTINCT FROM ?::text LIMIT 1)");
    }

    @Test
    void namesAreQuotedWithEmbeddedQuotesDoubled() {
        assertThat(PostgresDialect.truncate(new TableId("My \"Schema\"", "a.b")))
                .isEqualTo("TRUNCATE TABLE \"My \"\"Schema\"\"\".\"a.b\"");
    }

    @Test
    void createTableHasNotNullColumnsAndPrimaryKey() {
        assertThat(PostgresDialect.createTable(TABLE, List.of(new ColumnDefinition("id", "bigint", true),
                new ColumnDefinition("price", "numeric(10,2)", false)), List.of("id")))
                .isEqualTo("CREATE TABLE IF NOT EXISTS \"public\".\"ticks\" (\"id\" bigint NOT NULL, \"price\" numeric(10,2), "
                        + "PRIMARY KEY (\"id\"))");
    }

    @Test
    void createTableWithoutKeyHasNoPrimaryKey() {
        assertThat(PostgresDialect.createTable(TABLE, List.of(new ColumnDefinition("v", "text", false)), List.of()))
                .isEqualTo("CREATE TABLE IF NOT EXISTS \"public\".\"ticks\" (\"v\" text)");
    }

    @Test
    void createSchemaAndAddColumnAreIdempotent() {
        assertThat(PostgresDialect.createSchema("sales")).isEqualTo("CREATE SCHEMA IF NOT EXISTS \"sales\"");
        assertThat(PostgresDialect.addColumn(TABLE, new ColumnDefinition("stock", "integer", false)))
                .isEqualTo("ALTER TABLE \"public\".\"ticks\" ADD COLUMN IF NOT EXISTS \"stock\" integer");
    }

    @Test
    void copyListsTheColumnsAndReadsTextFromStdin() {
        assertThat(PostgresDialect.copyFrom(TABLE, COLUMNS))
                .isEqualTo("COPY \"public\".\"ticks\" (\"id\", \"at\", \"price\") FROM STDIN (FORMAT text)");
    }

    @Test
    void offsetsTableIsKeyedByConnectorTopicAndPartition() {
        assertThat(PostgresDialect.createOffsetsTable(OFFSETS))
                .isEqualTo("CREATE TABLE IF NOT EXISTS \"pg2ts\".\"sink_offsets\" (\"connector\" text, \"topic\" text, "
                        + "\"kafka_partition\" integer, \"next_offset\" bigint NOT NULL, "
                        + "\"updated_at\" timestamp with time zone NOT NULL DEFAULT now(), "
                        + "PRIMARY KEY (\"connector\", \"topic\", \"kafka_partition\"))");
    }

    @Test
    void offsetsAreUpsertedFromUnnestedArraysInOneStatement() {
        assertThat(PostgresDialect.upsertOffsets(OFFSETS))
                .isEqualTo("INSERT INTO \"pg2ts\".\"sink_offsets\" (\"connector\", \"topic\", \"kafka_partition\", \"next_offset\") "
                        + "SELECT ?, p.\"topic\", p.\"kafka_partition\", p.\"next_offset\" "
                        + "FROM unnest(?::text[], ?::integer[], ?::bigint[]) AS p(\"topic\", \"kafka_partition\", \"next_offset\") "
                        + "ON CONFLICT (\"connector\", \"topic\", \"kafka_partition\") "
                        + "DO UPDATE SET \"next_offset\" = EXCLUDED.\"next_offset\", \"updated_at\" = now()");
    }

    @Test
    void offsetsAreReadForTheGivenPartitionsOfOneConnector() {
        assertThat(PostgresDialect.selectOffsets(OFFSETS))
                .isEqualTo("SELECT t.\"topic\", t.\"kafka_partition\", t.\"next_offset\" FROM \"pg2ts\".\"sink_offsets\" AS t "
                        + "WHERE t.\"connector\" = ? AND (t.\"topic\", t.\"kafka_partition\") IN "
                        + "(SELECT * FROM unnest(?::text[], ?::integer[]))");
    }

    @Test
    void progressTableIsKeyedByConnectorTargetTableAndTask() {
        assertThat(PostgresDialect.createProgressTable(PROGRESS))
                .isEqualTo("CREATE TABLE IF NOT EXISTS \"pg2ts\".\"sink_tables\" (\"connector\" text, \"table_schema\" text, "
                        + "\"table_name\" text, \"task\" text, \"snapshot_rows\" bigint NOT NULL DEFAULT 0, "
                        + "\"inserted\" bigint NOT NULL DEFAULT 0, \"updated\" bigint NOT NULL DEFAULT 0, "
                        + "\"deleted\" bigint NOT NULL DEFAULT 0, \"truncated\" bigint NOT NULL DEFAULT 0, "
                        + "\"snapshot_done\" boolean NOT NULL DEFAULT false, \"newest_source_ts\" timestamp with time zone, "
                        + "\"updated_at\" timestamp with time zone NOT NULL DEFAULT now(), "
                        + "PRIMARY KEY (\"connector\", \"table_schema\", \"table_name\", \"task\"))");
    }

    @Test
    void progressIsAddedFromUnnestedArraysInOneStatement() {
        assertThat(PostgresDialect.upsertProgress(PROGRESS))
                .isEqualTo("INSERT INTO \"pg2ts\".\"sink_tables\" AS t (\"connector\", \"task\", \"table_schema\", "
                        + "\"table_name\", \"snapshot_rows\", \"inserted\", \"updated\", \"deleted\", \"truncated\", "
                        + "\"snapshot_done\", \"newest_source_ts\") "
                        + "SELECT ?, ?, p.\"table_schema\", p.\"table_name\", p.\"snapshot_rows\", p.\"inserted\", "
                        + "p.\"updated\", p.\"deleted\", p.\"truncated\", p.\"snapshot_done\", "
                        + "to_timestamp(nullif(p.\"newest_source_ts_ms\", 0) / 1000.0) "
                        + "FROM unnest(?::text[], ?::text[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], "
                        + "?::boolean[], ?::bigint[]) AS p(\"table_schema\", \"table_name\", \"snapshot_rows\", \"inserted\", "
                        + "\"updated\", \"deleted\", \"truncated\", \"snapshot_done\", \"newest_source_ts_ms\") "
                        + "ON CONFLICT (\"connector\", \"table_schema\", \"table_name\", \"task\") DO UPDATE SET "
                        + "\"snapshot_rows\" = t.\"snapshot_rows\" + EXCLUDED.\"snapshot_rows\", "
                        + "\"inserted\" = t.\"inserted\" + EXCLUDED.\"inserted\", "
                        + "\"updated\" = t.\"updated\" + EXCLUDED.\"updated\", "
                        + "\"deleted\" = t.\"deleted\" + EXCLUDED.\"deleted\", "
                        + "\"truncated\" = t.\"truncated\" + EXCLUDED.\"truncated\", "
                        + "\"snapshot_done\" = t.\"snapshot_done\" OR EXCLUDED.\"snapshot_done\", "
                        + "\"newest_source_ts\" = greatest(t.\"newest_source_ts\", EXCLUDED.\"newest_source_ts\"), "
                        + "\"updated_at\" = now()");
    }
}
