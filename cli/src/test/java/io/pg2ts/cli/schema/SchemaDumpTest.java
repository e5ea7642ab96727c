package io.pg2ts.cli.schema;

import static org.assertj.core.api.Assertions.assertThat;

import io.pg2ts.cli.connect.PostgresEndpoint;
import io.pg2ts.common.TableId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reading pg_restore's listings and scripts, and deciding what waits for --finish; no database. */
class SchemaDumpTest {

    private static final String LISTING = """
            ;
            ; Archive created at 2026-11-25 15:00:00 UTC
            ;     dbname: app
            ;
            ; Selected TOC Entries:
            ;
            2; 3079 16500 EXTENSION - timescaledb\s
            4180; 0 0 COMMENT - EXTENSION timescaledb\s
            3; 3079 16600 EXTENSION - citext\s
            215; 1259 16386 TABLE public customers\s
            216; 1259 16385 SEQUENCE public customers_id_seq\s
            3360; 0 0 SEQUENCE OWNED BY public customers_id_seq\s
            3205; 2604 16389 DEFAULT public customers id\s
            3210; 2606 16391 CONSTRAINT public customers customers_pkey\s
            3211; 2606 16392 CONSTRAINT public customers customers_email_key\s
            3213; 2606 16393 CONSTRAINT public customers customers_code_key\s
            3212; 1259 16402 INDEX public orders_customer_idx\s
            4181; 0 0 COMMENT public INDEX orders_customer_idx\s
            3214; 2620 16410 TRIGGER public orders orders_touch\s
            3215; 2620 16411 TRIGGER public readings ts_insert_blocker\s
            3216; 2606 16404 FK CONSTRAINT public orders orders_customer_id_fkey\s
            3217; 1259 16420 MATERIALIZED VIEW public daily postgres
            300; 1259 16700 TABLE _timescaledb_internal _hyper_1_1_chunk postgres
            """;

    @Test
    void listingLinesBecomeEntriesWithMultiWordTypesAndNamesWithSpaces() {
        List<TocEntry> entries = TocEntry.parse(LISTING);

        assertThat(entries).hasSize(17);
        assertThat(entries.get(0)).isEqualTo(new TocEntry("2; 3079 16500 EXTENSION - timescaledb ", 3079, 16500,
                "EXTENSION", "-", "timescaledb"));
        assertThat(entries.get(1).tag()).isEqualTo("EXTENSION timescaledb");
        assertThat(entries.get(5)).extracting(TocEntry::desc, TocEntry::schema, TocEntry::tag)
                .containsExactly("SEQUENCE OWNED BY", "public", "customers_id_seq");
        assertThat(entries.get(14)).extracting(TocEntry::catalog, TocEntry::oid, TocEntry::desc, TocEntry::tag)
                .containsExactly(2606L, 16404L, "FK CONSTRAINT", "orders orders_customer_id_fkey");
        assertThat(entries.get(15)).extracting(TocEntry::desc, TocEntry::tag).containsExactly("MATERIALIZED VIEW", "daily");
    }

    @Test
    void keysStayWithTheTablesAndSecondaryIndexesForeignKeysUniqueConstraintsAndTriggersWait() {
        List<TocEntry> entries = TocEntry.parse(LISTING);
        Map<Long, SchemaPlan.KeyFacts> facts = Map.of(
                16391L, new SchemaPlan.KeyFacts('p', true, false),
                16392L, new SchemaPlan.KeyFacts('u', false, false),
                // The replica identity of a table: the sink keys on it.
                16393L, new SchemaPlan.KeyFacts('u', false, true),
                16402L, new SchemaPlan.KeyFacts(' ', false, false));

        SchemaPlan plan = SchemaPlan.of(entries, facts);

        assertThat(plan.now()).extracting(TocEntry::describe).containsExactly("citext", "public.customers",
                "public.customers_id_seq", "public.customers_id_seq", "public.customers id", "public.customers customers_pkey",
                "public.customers customers_code_key", "public.daily");
        assertThat(plan.deferred()).extracting(TocEntry::describe).containsExactly("public.customers customers_email_key",
                "public.orders_customer_idx", "public.INDEX orders_customer_idx", "public.orders orders_touch",
                "public.orders orders_customer_id_fkey");
        assertThat(plan.count(plan.now())).isEqualTo("1 extension, 1 sequence, 1 table, 1 materialized view, "
                + "1 primary key, 1 unique constraint");
        assertThat(plan.count(plan.deferred())).isEqualTo("1 unique constraint, 1 index, 1 foreign key, 1 trigger");
    }

    @Test
    void aRestoreScriptSplitsIntoItsEntriesWithoutSessionSettingsOrComments() {
        String script = """
                --
                -- PostgreSQL database dump
                --

                \\restrict 9fQx2k

                -- Dumped from database version 15.19
                -- Dumped by pg_dump version 15.18

                SET statement_timeout = 0;
                SELECT pg_catalog.set_config('search_path', '', false);
                SET check_function_bodies = false;

                SET default_tablespace = '';

                --
                -- Name: customers customers_email_key; Type: CONSTRAINT; Schema: public; Owner: -
                --

                ALTER TABLE ONLY public.customers
                    ADD CONSTRAINT customers_email_key UNIQUE (email);


                --
                -- Name: orders_customer_idx; Type: INDEX; Schema: public; Owner: -
                --

                CREATE INDEX orders_customer_idx ON public.orders USING btree (customer_id);


                --
                -- Name: orders orders_customer_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
                --

                ALTER TABLE ONLY public.orders
                    ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES public.customers(id);


                --
                -- PostgreSQL database dump complete
                --

                \\unrestrict 9fQx2k
                """;

        List<DeferredSchema.Entry> entries = DeferredSchema.parseScript(script);

        assertThat(entries).containsExactly(
                new DeferredSchema.Entry("CONSTRAINT", "public.customers customers_email_key",
                        "ALTER TABLE ONLY public.customers\n    ADD CONSTRAINT customers_email_key UNIQUE (email);"),
                new DeferredSchema.Entry("INDEX", "public.orders_customer_idx",
                        "CREATE INDEX orders_customer_idx ON public.orders USING btree (customer_id);"),
                new DeferredSchema.Entry("FK CONSTRAINT", "public.orders orders_customer_id_fkey",
                        "ALTER TABLE ONLY public.orders\n    ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) "
                                + "REFERENCES public.customers(id);"));
        assertThat(entries).extracting(DeferredSchema.Entry::describe).containsExactly(
                "constraint customers_email_key on public.customers", "index public.orders_customer_idx",
                "foreign key orders_customer_id_fkey on public.orders");
        assertThat(new DeferredSchema.Finished(entries, 0).summary()).isEqualTo("created 1 constraint, 1 index, 1 foreign key");
    }

    @Test
    void aPrimaryKeyIsExtendedByDroppingAndAddingItUnderItsName() {
        assertThat(HypertableSetup.extendPrimaryKeySql(new TableId("public", "read\"ings"), "readings_pkey",
                List.of("id", "ts")))
                .isEqualTo("ALTER TABLE \"public\".\"read\"\"ings\" DROP CONSTRAINT \"readings_pkey\", "
                        + "ADD CONSTRAINT \"readings_pkey\" PRIMARY KEY (\"id\", \"ts\")");
    }

    @Test
    void theClientToolsGetAQuotedConnectionStringWithSslmodeAndNoPassword() {
        PostgresEndpoint endpoint = PostgresEndpoint.parse(
                "jdbc:postgresql://db.example.com:6432/app?user=mig'rator&password=secret&sslmode=require"
                        + "&prepareThreshold=0", null, null);

        assertThat(ClientTools.conninfo(endpoint)).isEqualTo("host='db.example.com' port=6432 dbname='app' "
                + "user='mig\\'rator' sslmode='require' application_name=pg2ts-schema");
        assertThat(endpoint.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example.com:6432/app?sslmode=require"
                + "&prepareThreshold=0");
        assertThat(endpoint.password()).isEqualTo("secret");
    }
}
