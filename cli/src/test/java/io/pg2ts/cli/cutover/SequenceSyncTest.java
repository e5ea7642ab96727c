package io.pg2ts.cli.cutover;

import static org.assertj.core.api.Assertions.assertThat;

import io.pg2ts.testsupport.LocalPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Sequence positions copied from a real source to a real target, with and without a margin. */
class SequenceSyncTest {

    private static final String[] SEQUENCES = {
        "CREATE SEQUENCE public.up",
        "CREATE SEQUENCE public.down INCREMENT BY -1 MINVALUE -1000000 MAXVALUE -1 START -1",
        "CREATE SEQUENCE public.unused START 500",
    };

    @Test
    void theTargetContinuesAfterTheSourceByTheMarginAndLeavesAnUnusedSequenceAtItsStart() throws Exception {
        try (LocalPostgres source = LocalPostgres.startTarget(); LocalPostgres target = LocalPostgres.startTarget()) {
            source.execute("postgres", SEQUENCES);
            source.execute("postgres", "CREATE SEQUENCE public.only_on_source",
                    "SELECT nextval('public.up') FROM generate_series(1, 42)",
                    "SELECT nextval('public.down') FROM generate_series(1, 7)",
                    "SELECT nextval('public.only_on_source')");
            target.execute("postgres", SEQUENCES);

            List<SequenceSync.Synced> synced;
            try (Connection s = source.connect("postgres"); Connection t = target.connect("postgres")) {
                synced = SequenceSync.sync(s, t, 1000);
                assertThat(next(t, "public.up")).isEqualTo(42 + 1000 + 1);
                assertThat(next(t, "public.down")).isEqualTo(-7 - 1000 - 1);
                assertThat(next(t, "public.unused")).isEqualTo(500);
            }
            assertThat(synced).extracting(SequenceSync.Synced::line).containsExactly(
                    "public.down: set to -1007, the source's position plus the margin",
                    "public.only_on_source: MISSING on the target: create it (pg2ts schema copies sequences) and run "
                            + "cutover again",
                    "public.unused: never used on the source, left at its start",
                    "public.up: set to 1042, the source's position plus the margin");

            try (Connection s = source.connect("postgres"); Connection t = target.connect("postgres")) {
                SequenceSync.sync(s, t, 0);
                assertThat(next(t, "public.up")).as("without a margin, the value after the source's").isEqualTo(43);
            }
        }
    }

    private static long next(Connection c, String sequence) throws Exception {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT nextval('" + sequence + "')")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
