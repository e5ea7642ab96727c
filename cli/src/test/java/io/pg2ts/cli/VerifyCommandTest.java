package io.pg2ts.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pg2ts.cli.connect.PostgresEndpoint;
import io.pg2ts.common.TableId;
import io.pg2ts.testsupport.LocalPostgres;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** pg2ts verify against two real PostgreSQL servers holding the same tables, then one row changed. */
class VerifyCommandTest {

    private static final String[] TABLES = {
        "CREATE TABLE public.accounts (id bigint PRIMARY KEY, owner text, balance numeric(12,2))",
        "INSERT INTO public.accounts SELECT g, 'owner ' || g, g * 1.5 FROM generate_series(1, 20000) g",
        "CREATE TABLE public.lines (region text, n integer, body text, PRIMARY KEY (region, n))",
        "INSERT INTO public.lines SELECT r, g, md5(g::text) FROM unnest(ARRAY['eu', 'us']) r, generate_series(1, 3000) g",
        "CREATE TABLE public.events (at timestamptz, what text)",
        "INSERT INTO public.events SELECT timestamptz '2024-01-01' + g * interval '1 minute', 'e' || g "
                + "FROM generate_series(1, 500) g",
    };

    @Test
    void equalTablesVerifyAndAChangedRowIsNamedWithItsTableAndANarrowKeyRange() throws Exception {
        try (LocalPostgres source = LocalPostgres.startTarget(); LocalPostgres target = LocalPostgres.startTarget()) {
            source.execute("postgres", TABLES);
            target.execute("postgres", TABLES);
            List<TableId> tables = List.of(TableId.parse("public.accounts"), TableId.parse("public.lines"),
                    TableId.parse("public.events"));

            ByteArrayOutputStream equal = new ByteArrayOutputStream();
            int status = VerifyCommand.verify(endpoint(source), endpoint(target), tables, 5000, 2, print(equal));
            assertThat(status).as(text(equal)).isZero();
            assertThat(text(equal)).contains("public.accounts: equal, 20,000 rows", "public.lines: equal, 6,000 rows",
                    "public.events: equal, 500 rows", "verified: all 3 tables equal");

            target.execute("postgres", "UPDATE public.accounts SET balance = balance + 0.01 WHERE id = 12345",
                    "DELETE FROM public.lines WHERE region = 'us' AND n = 2000",
                    "UPDATE public.events SET what = 'changed' WHERE what = 'e7'");
            ByteArrayOutputStream changed = new ByteArrayOutputStream();
            status = VerifyCommand.verify(endpoint(source), endpoint(target), tables, 5000, 2, print(changed));

            String report = text(changed);
            assertThat(status).as(report).isEqualTo(1);
            assertThat(report).contains("public.accounts: DIFFERS (source 20,000 rows, target 20,000), in 1 key range(s) of (id)")
                    .contains("public.lines: DIFFERS (source 6,000 rows, target 5,999)")
                    .contains("public.events: DIFFERS").contains("3 of 3 tables differ");
            // Narrowed down to the range of at most 100 keys that holds the changed row, printed under its table.
            List<String> lines = report.lines().toList();
            String range = lines.get(lines.indexOf(lines.stream()
                    .filter(l -> l.startsWith("public.accounts: DIFFERS")).findFirst().orElseThrow()) + 1);
            assertThat(range).contains("values differ").matches("  \\[\\(\\d+\\), \\(\\d+\\)\\): .*");
            String[] bounds = range.replaceAll("[^0-9,]", " ").trim().split("[ ,]+");
            long from = Long.parseLong(bounds[0]);
            long to = Long.parseLong(bounds[1]);
            assertThat(from).as(range).isLessThanOrEqualTo(12345L);
            assertThat(to).as(range).isGreaterThan(12345L).isLessThanOrEqualTo(from + 100);
            assertThat(report).contains("[(us, 1").contains("source 100 rows, target 99 rows");

            // The same through the command line: exit status 1.
            assertThat(Pg2ts.commandLine().execute("verify", "--source", url(source), "--target", url(target),
                    "--table", "public.accounts,public.lines", "--range-rows", "5000")).isEqualTo(1);
            target.execute("postgres", "UPDATE public.accounts SET balance = balance - 0.01 WHERE id = 12345",
                    "INSERT INTO public.lines VALUES ('us', 2000, md5('2000'))");
            assertThat(Pg2ts.commandLine().execute("verify", "--source", url(source), "--target", url(target),
                    "--table", "public.accounts,public.lines")).isZero();
        }
    }

    private static PostgresEndpoint endpoint(LocalPostgres pg) {
        return new PostgresEndpoint(pg.host(), pg.port(), "postgres", LocalPostgres.USER, "");
    }

    private static String url(LocalPostgres pg) {
        return "jdbc:postgresql://" + pg.host() + ":" + pg.port() + "/postgres?user=" + LocalPostgres.USER;
    }

    private static PrintStream print(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }

    private static String text(ByteArrayOutputStream bytes) {
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
