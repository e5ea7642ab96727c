package io.pg2ts.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pg2ts.testsupport.LocalPostgres;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** pg2ts schema between two real PostgreSQL servers, with the PostgreSQL 15 client tools of this machine. */
class SchemaCommandTest {

    static final String[] SOURCE_SCHEMA = {
        "CREATE TYPE public.mood AS ENUM ('sad', 'ok', 'happy')",
        "CREATE DOMAIN public.positive AS integer CHECK (VALUE > 0)",
        "CREATE TABLE public.customers (id bigserial PRIMARY KEY, name text NOT NULL, mood public.mood)",
        "CREATE TABLE public.orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
                + "customer_id bigint NOT NULL REFERENCES public.customers (id), quantity public.positive, "
                + "placed_at timestamptz NOT NULL DEFAULT now(), code text UNIQUE)",
        "CREATE INDEX orders_customer_idx ON public.orders (customer_id)",
        "CREATE VIEW public.big_orders AS SELECT id, customer_id, quantity FROM public.orders WHERE quantity > 10",
        "CREATE FUNCTION public.order_count(c bigint) RETURNS bigint LANGUAGE sql "
                + "AS $$ SELECT count(*) FROM public.orders WHERE customer_id = c $$",
        "CREATE FUNCTION public.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.placed_at := now(); RETURN NEW; END $$",
        "CREATE TRIGGER orders_touch BEFORE UPDATE ON public.orders FOR EACH ROW EXECUTE FUNCTION public.touch()",
        "CREATE TABLE public.events (id bigint, at date, what text, PRIMARY KEY (id, at)) PARTITION BY RANGE (at)",
        "CREATE TABLE public.events_2024 PARTITION OF public.events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')",
        "CREATE INDEX events_what_idx ON public.events (what)",
        "INSERT INTO public.customers (name, mood) VALUES ('a', 'ok'), ('b', 'happy')",
        "INSERT INTO public.orders (customer_id, quantity, code) VALUES (1, 5, 'x1'), (2, 20, 'x2')",
        // Not to be copied: a publication, and pg2ts's own schema.
        "CREATE PUBLICATION pg2ts_everything FOR ALL TABLES",
        "CREATE SCHEMA pg2ts",
        "CREATE TABLE pg2ts.heartbeat (id integer PRIMARY KEY)",
    };

    @Test
    void deferIndexesCreatesTablesWithKeysNowAndIndexesForeignKeysAndTriggersOnFinishOnce() throws Exception {
        try (LocalPostgres source = LocalPostgres.startSource(); LocalPostgres target = LocalPostgres.startTarget()) {
            source.execute("postgres", SOURCE_SCHEMA);

            Run copy = run("--source", url(source), "--target", url(target), "--defer-indexes");

            assertThat(copy.status).as(copy.text()).isZero();
            assertThat(copy.out).contains("created 1 type, 1 domain, 2 sequences, 4 tables, 1 view, 2 functions, "
                    + "4 primary keys")
                    .contains("deferred 1 unique constraint, 3 indexes, 1 foreign key, 1 trigger")
                    .contains("pg2ts schema --finish");
            try (Connection t = target.connect("postgres")) {
                assertThat(strings(t, "SELECT unnest(enum_range(NULL::public.mood))::text")).containsExactly("sad", "ok", "happy");
                assertThat(strings(t, "SELECT typname FROM pg_type WHERE typtype = 'd' AND typnamespace = 'public'::regnamespace"))
                        .containsExactly("positive");
                assertThat(strings(t, "SELECT conrelid::regclass || ' ' || contype::text FROM pg_constraint "
                        + "WHERE connamespace = 'public'::regnamespace AND contype IN ('p', 'u', 'f') ORDER BY 1"))
                        .containsExactly("customers p", "events p", "events_2024 p", "orders p");
                assertThat(strings(t, "SELECT indexrelid::regclass::text FROM pg_index WHERE indrelid = 'public.orders'::regclass"))
                        .containsExactly("orders_pkey");
                // The partitioned table's key is whole (its partition's attached), so the sink can upsert on it.
                assertThat(strings(t, "SELECT indisvalid::text FROM pg_index WHERE indexrelid = 'public.events_pkey'::regclass"))
                        .containsExactly("true");
                execute(t, "INSERT INTO public.events VALUES (1, '2024-05-01', 'x') ON CONFLICT (id, at) DO UPDATE SET what = 'y'");
                assertThat(strings(t, "SELECT count(*)::text FROM pg_indexes WHERE indexname LIKE 'events%what%'")).containsExactly("0");
                assertThat(strings(t, "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")).isEmpty();
                assertThat(strings(t, "SELECT attidentity::text FROM pg_attribute WHERE attrelid = 'public.orders'::regclass "
                        + "AND attname = 'id'")).containsExactly("a");
                assertThat(strings(t, "SELECT pg_get_serial_sequence('public.customers', 'id')"))
                        .containsExactly("public.customers_id_seq");
                assertThat(strings(t, "SELECT viewname FROM pg_views WHERE schemaname = 'public'")).containsExactly("big_orders");
                assertThat(strings(t, "SELECT public.order_count(1)::text")).containsExactly("0");
                assertThat(strings(t, "SELECT count(*)::text FROM public.orders")).as("schema only, no rows").containsExactly("0");
                assertThat(strings(t, "SELECT pubname FROM pg_publication")).isEmpty();
                assertThat(strings(t, "SELECT to_regclass('pg2ts.heartbeat')::text")).containsExactly((String) null);
                // Without its foreign key, a child row may land before its parent, as the sink may write them.
                execute(t, "INSERT INTO public.orders (customer_id, quantity, code) VALUES (1, 3, 'c1')",
                        "INSERT INTO public.customers (id, name, mood) VALUES (1, 'a', 'sad')");
            }

            Run finish = run("--target", url(target), "--finish");

            assertThat(finish.status).as(finish.text()).isZero();
            assertThat(finish.out).contains("created index public.events_what_idx", "created index attach public.events_2024_what_idx",
                    "created constraint orders_code_key on public.orders",
                    "created index public.orders_customer_idx", "created foreign key orders_customer_id_fkey on public.orders",
                    "created trigger orders_touch on public.orders",
                    "created 1 constraint, 3 indexes, 1 index attach, 1 trigger, 1 foreign key");
            try (Connection t = target.connect("postgres")) {
                assertThat(strings(t, "SELECT conrelid::regclass || ' ' || contype::text FROM pg_constraint "
                        + "WHERE connamespace = 'public'::regnamespace AND contype IN ('p', 'u', 'f') ORDER BY 1"))
                        .containsExactly("customers p", "events p", "events_2024 p", "orders f", "orders p", "orders u");
                assertThat(strings(t, "SELECT indexrelid::regclass::text FROM pg_index "
                        + "WHERE indrelid = 'public.orders'::regclass ORDER BY 1"))
                        .containsExactly("orders_code_key", "orders_customer_idx", "orders_pkey");
                assertThat(strings(t, "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")).containsExactly("orders_touch");
                assertThat(strings(t, "SELECT indisvalid::text FROM pg_index WHERE indexrelid = 'public.events_what_idx'::regclass"))
                        .containsExactly("true");
                assertThatThrownBy(() -> execute(t, "INSERT INTO public.orders (customer_id) VALUES (42)"))
                        .hasMessageContaining("orders_customer_id_fkey");
            }

            Run again = run("--target", url(target), "--finish");

            assertThat(again.status).as(again.text()).isZero();
            assertThat(again.out).contains("nothing to do: the 7 deferred object(s) were created already")
                    .doesNotContain("created index");
        }
    }

    @Test
    void withoutDeferIndexesEverythingIsCreatedAtOnceAndNothingIsLeftForFinish() throws Exception {
        try (LocalPostgres source = LocalPostgres.startSource(); LocalPostgres target = LocalPostgres.startTarget()) {
            source.execute("postgres", SOURCE_SCHEMA);

            Run copy = run("--source", url(source), "--target", url(target));

            assertThat(copy.status).as(copy.text()).isZero();
            assertThat(copy.out).contains("created 1 unique constraint, 3 indexes, 1 foreign key, 1 trigger")
                    .doesNotContain("deferred");
            try (Connection t = target.connect("postgres")) {
                assertThat(strings(t, "SELECT conrelid::regclass || ' ' || contype::text FROM pg_constraint "
                        + "WHERE connamespace = 'public'::regnamespace AND contype IN ('p', 'u', 'f') ORDER BY 1"))
                        .containsExactly("customers p", "events p", "events_2024 p", "orders f", "orders p", "orders u");
                assertThat(strings(t, "SELECT indexrelid::regclass::text FROM pg_index "
                        + "WHERE indrelid = 'public.orders'::regclass ORDER BY 1"))
                        .containsExactly("orders_code_key", "orders_customer_idx", "orders_pkey");
                assertThat(strings(t, "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")).containsExactly("orders_touch");
                assertThat(strings(t, "SELECT to_regclass('pg2ts.deferred_schema')::text")).containsExactly((String) null);
            }

            Run finish = run("--target", url(target), "--finish");
            assertThat(finish.status).as(finish.text()).isZero();
            assertThat(finish.out).contains("nothing deferred on this target");

            Run second = run("--source", url(source), "--target", url(target));
            assertThat(second.status).as("a second copy onto the same target fails, and says why").isEqualTo(2);
            assertThat(second.err).contains("pg_restore failed while creating the schema", "already exists",
                    "nothing was created (one transaction)");
        }
    }

    @Test
    void missingOrOldClientToolsSayWhatToInstallAndCreateNothing(@TempDir Path dir) throws Exception {
        try (LocalPostgres source = LocalPostgres.startSource(); LocalPostgres target = LocalPostgres.startTarget()) {
            source.execute("postgres", SOURCE_SCHEMA);
            Path empty = Files.createDirectories(dir.resolve("empty"));

            Run missing = run("--source", url(source), "--target", url(target), "--pg-bin", empty.toString());

            assertThat(missing.status).isEqualTo(2);
            assertThat(missing.err).contains("pg_dump was not found in --pg-bin " + empty,
                    "apt-get install postgresql-client-15",
                    "or pass --pg-bin with the bin directory of PostgreSQL 15 or newer");

            Path old = Files.createDirectories(dir.resolve("old"));
            for (String tool : List.of("pg_dump", "pg_restore")) {
                Path script = old.resolve(tool);
                Files.writeString(script, "#!/bin/sh\necho '" + tool + " (PostgreSQL) 13.4'\n");
                Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
            }

            Run tooOld = run("--source", url(source), "--target", url(target), "--pg-bin", old.toString());

            assertThat(tooOld.status).isEqualTo(2);
            assertThat(tooOld.err).contains(old.resolve("pg_dump") + " is PostgreSQL 13.4, older than the source server "
                    + "(PostgreSQL 15)", "postgresql-client-15");
            try (Connection t = target.connect("postgres")) {
                assertThat(strings(t, "SELECT to_regclass('public.orders')::text")).containsExactly((String) null);
            }
        }
    }

    static String url(LocalPostgres pg) {
        return pg.jdbcUrl("postgres") + "?user=" + LocalPostgres.USER;
    }

    record Run(int status, String out, String err) {
        String text() {
            return out + err;
        }
    }

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        SchemaCommand command = new SchemaCommand();
        new picocli.CommandLine(command).parseArgs(args);
        int status = command.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static List<String> strings(Connection c, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }

    static void execute(Connection c, String... sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String statement : sql) {
                s.execute(statement);
            }
        }
    }
}
